"""Wiring into the shared registries: Hôm nay, reminders, the demo, the work calendar."""

from __future__ import annotations


def connect() -> None:
    from kiemsat.meetings.reminders import open_tasks_section, task_reminders
    from kiemsat.org import plugins, reminders, today

    reminders.register(task_reminders)
    today.register(open_tasks_section)
    plugins.add(plugins.DEMO_BUILDERS, "kiemsat.meetings.demo.build_demo")
    plugins.add(plugins.CALENDAR_LISTENERS, "kiemsat.meetings.task_services.calendar_changed")
