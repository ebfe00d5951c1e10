"""Demo records beyond the cast, built in order; each builder is idempotent."""

from __future__ import annotations

from typing import Any

from kiemsat.org import plugins


def seed_demo_records(*, stdout: Any) -> None:
    from kiemsat.demo import catalogue, figures

    for build in [catalogue.build, figures.build, *plugins.loaded(plugins.DEMO_BUILDERS)]:
        build(stdout)
