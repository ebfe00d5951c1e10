"""Follow-up tasks on Hôm nay and in ``send_reminders``.

Tasks due within the reminder window (or overdue) and completions awaiting confirmation go
through the shared reminder registry (the emails). Hôm nay lists every open task of the
user's units, so that a task shows from the day it is given until it is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.urls import reverse

from kiemsat.lib.vn import short_date
from kiemsat.meetings import selectors
from kiemsat.org.models import Role
from kiemsat.org.reminders import Reminder
from kiemsat.org.selectors import work_calendar
from kiemsat.org.today import ASSIGNED, TO_APPROVE, DueWork, TodayItem

KIND = "Nhiệm vụ sau hội nghị"
CONFIRM_KIND = "Xác nhận hoàn thành nhiệm vụ"


def _where(task: Any) -> str:
    conference = task.conclusion.conference
    return f"{conference.title} ngày {short_date(conference.held_on)}"


def task_reminders(today: date) -> Iterator[Reminder]:
    limit = selectors.soon_limit(today, work_calendar())
    for task in selectors.tasks_due_by(limit):
        yield Reminder(
            key=f"meetings:task:{task.pk}:{task.due_on.isoformat()}",
            unit_id=task.unit_id,
            title=f"{task.title} – {task.unit.name} (theo {_where(task)})",
            due=task.due_on,
            overdue=task.due_on < today,
            url=reverse("task_detail", args=[task.pk]),
            kind=KIND,
        )
    for task in selectors.tasks_awaiting_confirmation():
        assert task.done_on is not None  # the query keeps completed tasks only
        yield Reminder(
            key=f"meetings:confirm:{task.pk}:{task.done_on.isoformat()}",
            unit_id=task.conclusion.conference.unit_id,
            title=f"{task.title} – {task.unit.name} báo cáo hoàn thành",
            due=task.done_on,
            overdue=False,
            url=reverse("task_detail", args=[task.pk]),
            kind=CONFIRM_KIND,
            need=Role.LEADER,
        )


def task_work(user: Any, today: date, horizon: date) -> list[DueWork]:
    """The open tasks given to the user's units, and completions their leaders confirm."""
    return [
        DueWork(
            "nhiem-vu-duoc-giao", KIND, selectors.open_tasks(user), _task_item, "due_on", ASSIGNED
        ),
        DueWork(
            "xac-nhan-hoan-thanh",
            CONFIRM_KIND,
            selectors.completions_to_confirm(user),
            _confirm_item,
            group=TO_APPROVE,
            order=("done_on", "pk"),
        ),
    ]


def _task_item(task: Any) -> TodayItem:
    return TodayItem(
        f"{task.title} · {task.unit.name}",
        reverse("task_detail", args=[task.pk]),
        note=f"Theo {_where(task)}",
    )


def _confirm_item(task: Any) -> TodayItem:
    assert task.done_on is not None  # the query keeps completed tasks only
    return TodayItem(
        f"{task.title} · {task.unit.name}",
        reverse("task_detail", args=[task.pk]),
        note=f"Báo cáo hoàn thành ngày {short_date(task.done_on)}",
    )
