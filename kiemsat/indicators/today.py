"""Hôm nay: months to submit, to approve, and returned to the unit to fix."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, DateField, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from kiemsat.indicators.models import Submission, SubmissionStatus
from kiemsat.indicators.reminders import REPORT_DAYS
from kiemsat.lib.periods import Month
from kiemsat.lib.vn import person_name
from kiemsat.org.access import access_for
from kiemsat.org.models import Role, Unit, valid_on_q
from kiemsat.org.selectors import work_calendar
from kiemsat.org.today import RETURNED, TO_APPROVE, UNSUBMITTED, DueWork, TodayItem

SENT_BACK = (SubmissionStatus.RETURNED, SubmissionStatus.REOPENED)


def _grid_url(unit_id: int, month: Month) -> str:
    return f"{reverse('figures_entry', args=[unit_id])}?month={month}"


def statistics_work(user: Any, today: date, horizon: date) -> list[DueWork]:
    # As in the reminders: the unit's work shows to all who read it, approvals to leaders.
    access = access_for(user)
    readable, leader = access.unit_ids(), access.unit_ids(Role.LEADER)
    month = Month.of(today).shift(-1)
    return [
        DueWork(
            key="chua-gui-so-lieu",
            title=f"Chưa gửi số liệu tháng {month.label}",
            rows=_unsubmitted(readable, month),
            item=_unsubmitted_item(month),
            due="report_due",
            group=UNSUBMITTED,
            order=("name_folded",),
        ),
        DueWork(
            "tra-lai-so-lieu",
            "Số liệu bị trả lại, mở lại",
            _sent_back(readable),
            _sent_back_item,
            group=RETURNED,
            order=("-period", "unit__name_folded"),
        ),
        DueWork(
            "duyet-so-lieu",
            "Số liệu chờ duyệt",
            _to_approve(leader),
            _to_approve_item,
            group=TO_APPROVE,
            order=("period", "unit__name_folded"),
        ),
    ]


def _unsubmitted(unit_ids: set[int], month: Month) -> Any:
    """The units that have not sent last month, with the day it was due by their level."""
    calendar = work_calendar()
    due = Case(
        *[
            When(level=level, then=Value(calendar.add_working_days(month.last_day(), days)))
            for level, days in REPORT_DAYS.items()
        ],
        output_field=DateField(),
    )
    sent = Submission.objects.filter(period=month.index).values("unit_id")
    return (
        Unit.objects.filter(valid_on_q(month.last_day()), pk__in=unit_ids, level__in=REPORT_DAYS)
        .exclude(pk__in=sent)
        .annotate(report_due=due)
    )


def _unsubmitted_item(month: Month) -> Any:
    def item(unit: Unit) -> TodayItem:
        return TodayItem(f"Tháng {month.label} · {unit.name}", _grid_url(unit.pk, month))

    return item


def _sent_back(unit_ids: set[int]) -> Any:
    return Submission.objects.filter(unit_id__in=unit_ids, status__in=SENT_BACK).select_related(
        "unit", "decided_by"
    )


def _sent_back_item(submission: Submission) -> TodayItem:
    how = "Bị trả lại" if submission.status == SubmissionStatus.RETURNED else "Đã mở lại"
    who = f" ({person_name(submission.decided_by)})" if submission.decided_by else ""
    return TodayItem(
        f"Tháng {submission.month.label} · {submission.unit.name}",
        _grid_url(submission.unit_id, submission.month),
        note=f"{how}: {submission.reopen_reason}{who}",
    )


def _to_approve(unit_ids: set[int]) -> Any:
    """Submitted months that a leader of these units approves (the unit above, or itself
    at the top)."""
    approves = Q(unit__parent_id__in=unit_ids) | Q(unit__parent__isnull=True, unit_id__in=unit_ids)
    return Submission.objects.filter(approves, status=SubmissionStatus.SUBMITTED).select_related(
        "unit", "submitted_by"
    )


def _to_approve_item(submission: Submission) -> TodayItem:
    note = "Gửi"
    if submission.submitted_by:
        note += f" bởi {person_name(submission.submitted_by)}"
    if submission.submitted_at:
        note += f" ngày {timezone.localtime(submission.submitted_at):%d/%m/%Y}"
    return TodayItem(
        f"Tháng {submission.month.label} · {submission.unit.name}",
        _grid_url(submission.unit_id, submission.month),
        note=note if note != "Gửi" else "",
    )
