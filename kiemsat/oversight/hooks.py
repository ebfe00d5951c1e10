"""Wiring into the shared registries: metric provider, reference seed, demo, reminders."""

from __future__ import annotations


def connect() -> None:
    from kiemsat.demo.builder import DEMO_BUILDERS
    from kiemsat.indicators import providers
    from kiemsat.org import reference, reminders
    from kiemsat.oversight.demo import build_demo
    from kiemsat.oversight.provider import PROVIDER
    from kiemsat.oversight.reminders import intervention_reminders
    from kiemsat.oversight.seed import seed_reference_data

    providers.register(PROVIDER)
    reminders.register(intervention_reminders)
    if seed_reference_data not in reference.EXTRA_SEEDERS:
        reference.EXTRA_SEEDERS.append(seed_reference_data)
    if build_demo not in DEMO_BUILDERS:
        DEMO_BUILDERS.append(build_demo)
