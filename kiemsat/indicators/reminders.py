"""Due statistics work: months to submit, months to approve."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.urls import reverse

from kiemsat.indicators.models import Submission, SubmissionStatus
from kiemsat.lib.periods import Month
from kiemsat.lib.validity import valid_on_q
from kiemsat.lib.workdays import SOON_WORKING_DAYS, WorkCalendar
from kiemsat.org.models import Level, Role, Unit
from kiemsat.org.reminders import Reminder
from kiemsat.org.selectors import work_calendar

# Working days after the month ends to report upward (one 2019 guidance; unverified).
REPORT_DAYS = {Level.LOCAL: 2, Level.PROVINCIAL: 4}
KIND = "Số liệu thống kê"


def statistics_reminders(today: date) -> Iterator[Reminder]:
    month = Month.of(today).shift(-1)
    calendar = work_calendar()
    yield from _unsubmitted(month, calendar, today)
    yield from _to_approve(today)


def _unsubmitted(month: Month, calendar: WorkCalendar, today: date) -> Iterator[Reminder]:
    due_by_level = {
        level: calendar.add_working_days(month.last_day(), days)
        for level, days in REPORT_DAYS.items()
    }
    soon = {
        level
        for level, due in due_by_level.items()
        if calendar.working_days_between(today, due) <= SOON_WORKING_DAYS
    }
    if not soon:
        return
    done = Submission.objects.filter(period=month.index).values("unit_id")
    units = Unit.objects.filter(valid_on_q(month.last_day()), level__in=list(soon))
    for unit in units.exclude(pk__in=done).only("pk", "name", "level"):
        due = due_by_level[Level(unit.level)]
        yield Reminder(
            key=f"indicators.submit:{unit.pk}:{month}",
            unit_id=unit.pk,
            title=f"Gửi số liệu tháng {month.label} – {unit.name}",
            due=due,
            overdue=due < today,
            url=f"{reverse('figures_entry', args=[unit.pk])}?month={month}",
            kind=KIND,
        )


def _to_approve(today: date) -> Iterator[Reminder]:
    pending = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).select_related("unit")
    for submission in pending:
        unit = submission.unit
        month = submission.month
        yield Reminder(
            key=f"indicators.approve:{submission.pk}:{_stamp(submission)}",
            unit_id=unit.parent_id or unit.pk,
            title=f"Duyệt số liệu tháng {month.label} – {unit.name}",
            due=today,
            overdue=False,
            url=f"{reverse('figures_entry', args=[unit.pk])}?month={month}",
            kind=KIND,
            need=Role.LEADER,
        )


def _stamp(submission: Submission) -> str:
    """Resubmitting after a reopen makes a new reminder."""
    at = submission.submitted_at
    return at.strftime("%Y%m%d%H%M") if at else ""
