"""Open information items due soon or overdue, for Hôm nay and ``send_reminders``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse

from kiemsat.ingest.models import PressItem
from kiemsat.ingest.selectors import due_for_reminders, visible_press_items
from kiemsat.org.reminders import Reminder
from kiemsat.org.selectors import work_calendar
from kiemsat.org.today import DueWork, TodayItem

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


def press_work(user: Any, today: date, horizon: date) -> list[DueWork]:
    """Open information items of the user's units due by ``horizon`` or overdue."""
    rows = visible_press_items(user).filter(done_on__isnull=True, due_on__lte=horizon)
    return [DueWork("thong-tin-bao-chi", KIND, rows, _item, due="due_on")]


def _item(item: PressItem) -> TodayItem:
    return TodayItem(
        item.subject,
        reverse("press_detail", args=[item.pk]),
        note=f"{item.get_kind_display()} · {item.unit.name}",
    )
