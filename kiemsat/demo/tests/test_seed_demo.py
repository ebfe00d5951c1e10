"""seed_demo: idempotent, never in the future, and the current work year has indicators with
a mix of statuses, whatever day it is built on."""

from __future__ import annotations

import io
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Max, Q

from kiemsat.agreements.models import DutyCompletion, Instrument, Review
from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.evaluation import evaluate_unit
from kiemsat.indicators.models import Figure, Indicator, Quota, Submission
from kiemsat.lib.periods import Month, MonthRange, work_year_of
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.models import Unit
from kiemsat.oversight.models import Intervention

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _after_tet(year: int) -> date:
    """The first working day after the Tết holiday of ``year`` (from the holiday table)."""
    calendar = WorkCalendar()
    day = date(year, 1, 20)
    while calendar.holiday_name(day) is None or "Tết" not in (calendar.holiday_name(day) or ""):
        day = date.fromordinal(day.toordinal() + 1)
    return calendar.next_working_day(day)


AWKWARD_DAYS = {
    "saturday": date(2026, 12, 5),
    "sunday": date(2026, 12, 6),
    "after-tet-2027": _after_tet(2027),
    "30-4": date(2026, 4, 30),
    "2-9": date(2026, 9, 2),
    "work-year-end": date(2026, 11, 30),
    "work-year-start": date(2026, 12, 1),
    "leap-day": date(2028, 2, 29),
    "new-year-eve": date(2026, 12, 31),
}


def _year_to_date(today: date) -> MonthRange:
    """The work year up to the last month with figures (the month before today's)."""
    last = Month.of(today).shift(-1)
    return MonthRange(MonthRange.work_year(work_year_of(last)).start, last)


def _latest(model, *fields: str) -> date | None:  # type: ignore[no-untyped-def]
    found = model.objects.aggregate(**{f: Max(f) for f in fields})
    days = [d for d in found.values() if d is not None]
    return max(days) if days else None


def _assert_nothing_after(today: date) -> None:
    for model, fields in (
        (Intervention, ("issued_on", "received_on", "answered_on", "decision_received_on")),
        (Instrument, ("signed_on",)),
        (Review, ("held_on", "period_to")),
        (DutyCompletion, ("done_on",)),
    ):
        latest = _latest(model, *fields)
        assert latest is None or latest <= today, (model.__name__, latest, today)
    assert Figure.objects.aggregate(p=Max("period"))["p"] < Month.of(today).index
    assert Submission.objects.aggregate(p=Max("period"))["p"] < Month.of(today).index
    assert Quota.objects.aggregate(y=Max("work_year"))["y"] <= work_year_of(today)


def _assert_no_quota_after_end() -> None:
    ended = Unit.objects.filter(valid_to__isnull=False)
    for unit in ended:
        last_year = work_year_of(unit.valid_to)
        assert not Quota.objects.filter(unit=unit, work_year__gt=last_year).exists(), unit.code


@pytest.mark.parametrize("name", list(AWKWARD_DAYS))
def test_demo_builds_on_awkward_days_without_a_future_record(settings, name):
    settings.DEBUG = True
    today = AWKWARD_DAYS[name]
    with time_machine.travel(datetime.combine(today, time(6, 0), tzinfo=VN), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        _assert_nothing_after(today)
        _assert_no_quota_after_end()
        assert Intervention.objects.filter(Q(answered_on__isnull=True)).exists()
        table = evaluate_unit(Unit.objects.get(code="QUANG-NINH"), _year_to_date(today))
    statuses = {line.evaluation.status for line in table.lines}
    assert len(table.lines) == 14
    assert {"VUOT", "DAT"} & statuses
    assert "CHUA_BAO_CAO" not in statuses or len(statuses) >= 3


def test_seed_demo_twice_changes_nothing_and_gives_the_current_year_indicators(settings):
    settings.DEBUG = True
    today = date(2026, 6, 15)
    with time_machine.travel(datetime.combine(today, time(9, 0), tzinfo=VN), tick=False):
        call_command("seed_demo", stdout=io.StringIO())
        counts = (Figure.objects.count(), Indicator.objects.count(), AuditEntry.objects.count())
        call_command("seed_demo", stdout=io.StringIO())
        after = (Figure.objects.count(), Indicator.objects.count(), AuditEntry.objects.count())
    assert after == counts
    table = evaluate_unit(Unit.objects.get(code="QUANG-NINH"), _year_to_date(today))
    statuses = {line.evaluation.status for line in table.lines}
    assert len(table.lines) == 14
    assert {"VUOT", "DAT"} & statuses
    assert len(statuses) >= 3


def test_seed_demo_refused_when_debug_is_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
