"""Demo records beyond the cast, built in order; each builder is idempotent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEMO_BUILDERS: list[Callable[[Any], None]] = []


def seed_demo_records(*, stdout: Any) -> None:
    from kiemsat.demo import catalogue, figures

    for build in [catalogue.build, figures.build, *DEMO_BUILDERS]:
        build(stdout)
