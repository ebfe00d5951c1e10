"""Wiring into the shared registries: metric provider, reference seed, demo, reminders."""

from __future__ import annotations


def connect() -> None:
    from kiemsat.indicators import providers
    from kiemsat.org import plugins, reminders, today
    from kiemsat.oversight import search
    from kiemsat.oversight.provider import PROVIDER
    from kiemsat.oversight.reminders import intervention_reminders, intervention_work

    providers.register(PROVIDER)
    search.connect()
    reminders.register(intervention_reminders)
    today.register_due(intervention_work)
    plugins.add(plugins.REFERENCE_SEEDERS, "kiemsat.oversight.seed.seed_reference_data")
    plugins.add(plugins.DEMO_BUILDERS, "kiemsat.oversight.demo.build_demo")
    plugins.add(plugins.CALENDAR_LISTENERS, "kiemsat.oversight.services.calendar_changed")
