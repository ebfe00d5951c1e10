"""Demo records beyond the cast; each domain app appends its builder here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEMO_BUILDERS: list[Callable[[Any], None]] = []


def seed_demo_records(*, stdout: Any) -> None:
    for build in DEMO_BUILDERS:
        build(stdout)
