"""Pure date rules of instruments: status, the next review, the next due date of a duty."""

from __future__ import annotations

import calendar
from datetime import date

from kiemsat.agreements.models import (
    RECURRENCE_MONTHS,
    SCHEDULE_MONTHS,
    Decision,
    Recurrence,
    ReviewKind,
    ReviewSchedule,
    Status,
)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31/01 + 1 → 28/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def derive_status(start: date | None, end: date | None, *, replaced: bool, today: date) -> Status:
    """Draft until it takes effect; then replaced, expired or in force (selectors mirror this)."""
    if start is None or start > today:
        return Status.DRAFT
    if replaced:
        return Status.REPLACED
    if end is not None and end < today:
        return Status.EXPIRED
    return Status.IN_FORCE


def next_review(
    *,
    start: date | None,
    end: date | None,
    schedule: str,
    reviews: list[tuple[date, str, str]],
) -> date | None:
    """When the next sơ kết / tổng kết is due.

    ``reviews`` holds (held_on, kind, decision). Every ``schedule`` months after the start
    or the last review; never after the end, where the final review (tổng kết) falls. A
    tổng kết, a decision to replace, or a review on or after the end closes the schedule.
    """
    if start is None:
        return None
    last = max((held for held, _, _ in reviews), default=None)
    for held, kind, decision in reviews:
        if kind == ReviewKind.FINAL or decision == Decision.REPLACE:
            return None
        if end is not None and held >= end:
            return None
    months = SCHEDULE_MONTHS[ReviewSchedule(schedule)]
    following = add_months(last or start, months) if months else None
    if end is not None and (following is None or following > end):
        return end
    return following


def advance_due(recurrence: str, due: date | None, done_on: date) -> date | None:
    """The due date after a duty is carried out: one period later, past the day it was done."""
    months = RECURRENCE_MONTHS.get(Recurrence(recurrence))
    if months is None:  # once: finished; per case: no calendar
        return None
    base = due or done_on
    step = 1
    while add_months(base, step * months) <= done_on:  # done late: skip the missed periods
        step += 1
    return add_months(base, step * months)
