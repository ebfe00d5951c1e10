"""The legal clock, pure over dates: due dates from rules and the derived status.

Due dates use the foundation's arithmetic (``WorkCalendar.due_date``, the same as the
``due_date`` command): the day of the event is not counted, and a calendar-day deadline
falling on a day off moves to the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kiemsat.lib.workdays import SOON_WORKING_DAYS, WorkCalendar

NO_RECEIPT = "chưa có ngày nhận"


class Status(StrEnum):
    """Where an intervention stands on a given day."""

    NOT_DUE = "chua_den_han"
    SOON = "sap_den_han"
    DUE_TODAY = "den_han_hom_nay"
    OVERDUE = "qua_han"
    ANSWERED = "da_tra_loi"
    NO_DEADLINE = "chua_co_han"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.NOT_DUE: "Chưa đến hạn",
    Status.SOON: "Sắp đến hạn",
    Status.DUE_TODAY: "Đến hạn hôm nay",
    Status.OVERDUE: "Quá hạn",
    Status.ANSWERED: "Đã trả lời",
    Status.NO_DEADLINE: "Chưa có hạn",
}
STATUS_CHOICES = [(s.value, s.label) for s in Status]


@dataclass(frozen=True)
class RuleSpec:
    days: int
    working_days: bool
    event: str  # one of models.Event


def event_date(
    event: str, *, issued_on: date | None, received_on: date | None, decision_on: date | None
) -> date | None:
    return {"received": received_on, "issued": issued_on, "decision_received": decision_on}.get(
        event
    )


def due_date(rule: RuleSpec, event_day: date | None, calendar: WorkCalendar) -> date | None:
    """The rule's deadline counted from ``event_day``; None while the event date is unknown."""
    if event_day is None:
        return None
    return calendar.due_date(event_day, rule.days, working=rule.working_days)


def soon_limit(today: date, calendar: WorkCalendar) -> date:
    """The last day still "sắp đến hạn": SOON_WORKING_DAYS working days after today."""
    return calendar.add_working_days(today, SOON_WORKING_DAYS)


def status_of(
    *, answered_on: date | None, deadline: date | None, today: date, soon_until: date
) -> Status:
    if answered_on is not None:
        return Status.ANSWERED
    if deadline is None:
        return Status.NO_DEADLINE
    if deadline < today:
        return Status.OVERDUE
    if deadline == today:
        return Status.DUE_TODAY
    if deadline <= soon_until:
        return Status.SOON
    return Status.NOT_DUE


def days_late(deadline: date, today: date) -> int:
    return max(0, (today - deadline).days)


def week_of(today: date) -> tuple[date, date]:
    """Monday and Sunday of the week containing ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)
