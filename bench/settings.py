"""The production settings, plus the benchmark's URLconf (a trivial view beside the app's)
and a static root of its own under bench/data/. Only `make bench` uses this module."""

from kiemsat.settings import *  # noqa: F403
from kiemsat.settings import BASE_DIR

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = BASE_DIR / "bench" / "data" / "staticfiles"
