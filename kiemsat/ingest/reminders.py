"""Open information items due soon or overdue, for Hôm nay and ``send_reminders``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from kiemsat.ingest.selectors import due_for_reminders
from kiemsat.org.reminders import Reminder
from kiemsat.org.selectors import work_calendar

KIND = "Thông tin – báo chí"


def press_reminders(today: date) -> Iterator[Reminder]:
    for item in due_for_reminders(today, work_calendar()):
        yield Reminder(
            # The due date is part of the key: a corrected receipt date is a new reminder.
            key=f"ingest:{item.pk}:{item.due_on.isoformat()}",
            unit_id=item.unit_id,
            title=f"{item.get_kind_display()}: {item.subject} – {item.unit.name}",
            due=item.due_on,
            overdue=item.due_on < today,
            url=reverse("press_detail", args=[item.pk]),
            kind=KIND,
        )
