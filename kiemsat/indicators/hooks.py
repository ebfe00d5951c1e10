"""Wiring into the shared registries (reference seed, Hôm nay, history)."""

from __future__ import annotations


def connect() -> None:
    from kiemsat.audit import render
    from kiemsat.indicators.reminders import statistics_reminders
    from kiemsat.indicators.today import statistics_work
    from kiemsat.org import plugins, reminders, today

    plugins.add(plugins.REFERENCE_SEEDERS, "kiemsat.indicators.catalogue.load_starter")
    plugins.add(plugins.REFERENCE_SEEDERS, "kiemsat.indicators.catalogue.metrics_flag_derived")
    reminders.register(statistics_reminders)
    today.register_due(statistics_work)
    render.register(actions={"indicators.submission_return": "trả lại số liệu tháng để đơn vị sửa"})
