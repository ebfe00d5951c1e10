"""Wiring into the shared registries (reference seed, Hôm nay)."""

from __future__ import annotations


def connect() -> None:
    from kiemsat.indicators.reminders import statistics_reminders
    from kiemsat.org import plugins, reminders

    plugins.add(plugins.REFERENCE_SEEDERS, "kiemsat.indicators.catalogue.load_starter")
    plugins.add(plugins.REFERENCE_SEEDERS, "kiemsat.indicators.catalogue.metrics_flag_derived")
    reminders.register(statistics_reminders)
