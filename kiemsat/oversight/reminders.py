"""Unanswered interventions due soon or overdue, for Hôm nay and ``send_reminders``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Q
from django.urls import reverse

from kiemsat.lib.vn import short_date
from kiemsat.org.reminders import Reminder
from kiemsat.org.selectors import work_calendar
from kiemsat.org.today import DueWork, TodayItem
from kiemsat.oversight.models import Intervention
from kiemsat.oversight.selectors import due_for_reminders, visible_interventions

KIND = "Kiến nghị, kháng nghị"


def intervention_reminders(today: date) -> Iterator[Reminder]:
    for iv in due_for_reminders(today, work_calendar()):
        deadline = iv.deadline
        assert deadline is not None  # the query keeps only rows with a deadline
        extended = " (đã gia hạn)" if iv.extended_to else ""
        yield Reminder(
            # The deadline is part of the key: an extension is a new reminder.
            key=f"oversight:{iv.pk}:{deadline.isoformat()}",
            unit_id=iv.unit_id,
            title=(
                f"{iv.get_kind_display()} số {iv.number_display} ngày {short_date(iv.issued_on)} "
                f"gửi {iv.recipient.name}: chưa trả lời{extended} – {iv.unit.name}"
            ),
            due=deadline,
            overdue=deadline < today,
            url=reverse("intervention_detail", args=[iv.pk]),
            kind=KIND,
        )


def intervention_work(user: Any, today: date, horizon: date) -> list[DueWork]:
    """Unanswered interventions of the user's units due by ``horizon`` or overdue."""
    rows = visible_interventions(user).filter(Q(answered_on__isnull=True, deadline_on__lte=horizon))
    return [DueWork("kien-nghi-khang-nghi", KIND, rows, _item, due="deadline_on")]


def _item(iv: Intervention) -> TodayItem:
    """ "KN 33/KN-VKS · TAND Hạ Long": the number as it was issued and to whom."""
    short = "KN" if iv.kind.startswith("kn_") else iv.get_kind_display()
    extended = " · đã gia hạn" if iv.extended_to else ""
    return TodayItem(
        f"{short} {iv.number_display} · {iv.recipient.name}",
        reverse("intervention_detail", args=[iv.pk]),
        note=f"{iv.get_kind_display()} ngày {short_date(iv.issued_on)} · {iv.unit.name}{extended}",
    )
