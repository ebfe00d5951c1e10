"""Wiring into the shared registries (reference seed, demo data, Hôm nay)."""

from __future__ import annotations


def connect() -> None:
    from kiemsat.indicators.catalogue import load_starter
    from kiemsat.indicators.reminders import statistics_reminders
    from kiemsat.org import reference, reminders

    if load_starter not in reference.EXTRA_SEEDERS:
        reference.EXTRA_SEEDERS.append(load_starter)
    reminders.register(statistics_reminders)
