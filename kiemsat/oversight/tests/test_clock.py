"""The legal clock: status by day, and due dates that agree with the `due_date` command."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from kiemsat.lib.workdays import DEFAULT_CALENDAR
from kiemsat.oversight import clock
from kiemsat.oversight.clock import RuleSpec, Status
from kiemsat.oversight.models import DeadlineRule, Event

TODAY = date(2025, 3, 3)  # a Monday
SOON_UNTIL = clock.soon_limit(TODAY, DEFAULT_CALENDAR)


@pytest.mark.parametrize(
    ("answered", "deadline", "status"),
    [
        (date(2025, 3, 1), date(2025, 2, 1), Status.ANSWERED),
        (None, None, Status.NO_DEADLINE),
        (None, date(2025, 3, 2), Status.OVERDUE),
        (None, TODAY, Status.DUE_TODAY),
        (None, date(2025, 3, 4), Status.SOON),
        (None, SOON_UNTIL, Status.SOON),
        (None, SOON_UNTIL + timedelta(days=1), Status.NOT_DUE),
    ],
)
def test_status_by_day(answered, deadline, status) -> None:
    got = clock.status_of(
        answered_on=answered, deadline=deadline, today=TODAY, soon_until=SOON_UNTIL
    )
    assert got == status


def test_soon_is_seven_working_days() -> None:
    assert date(2025, 3, 12) == SOON_UNTIL  # Mon 3/3 + 7 working days (weekend skipped)


@pytest.mark.parametrize(
    ("event", "days", "working", "expected"),
    [
        # 16/01 + 15 days = 31/01, Tết; 01/02 Tết, 02/02 Sunday → Monday 03/02.
        (date(2025, 1, 16), 15, False, date(2025, 2, 3)),
        # 15/04 + 15 days = 30/04; 1/5, 2/5 off (2/5 swapped for Saturday 26/4), weekend → 05/05.
        (date(2025, 4, 15), 15, False, date(2025, 5, 5)),
        # Monday 28/04 + 5 working days: 29/4, then 5, 6, 7, 8 May.
        (date(2025, 4, 28), 5, True, date(2025, 5, 8)),
        # Tết 2026: 10/02 + 5 working days skips 16–20/02 → 11, 12, 13, 23, 24.
        (date(2026, 2, 10), 5, True, date(2026, 2, 24)),
    ],
)
def test_due_dates_across_holidays(event, days, working, expected) -> None:
    rule = RuleSpec(days=days, working_days=working, event=Event.RECEIVED)
    assert clock.due_date(rule, event, DEFAULT_CALENDAR) == expected


def test_no_event_date_means_no_due_date() -> None:
    rule = RuleSpec(days=15, working_days=False, event=Event.RECEIVED)
    assert clock.due_date(rule, None, DEFAULT_CALENDAR) is None


@settings(max_examples=60, deadline=None)
@given(
    event=st.dates(min_value=date(2020, 1, 1), max_value=date(2027, 12, 31)),
    days=st.integers(min_value=1, max_value=90),
    working=st.booleans(),
)
def test_due_date_is_a_working_day_after_the_event(event, days, working) -> None:
    due = clock.due_date(RuleSpec(days, working, Event.RECEIVED), event, DEFAULT_CALENDAR)
    assert due is not None
    assert DEFAULT_CALENDAR.is_working_day(due)
    assert due >= event + timedelta(days=days)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "days", "working"),
    [
        (date(2025, 1, 16), 15, False),
        (date(2025, 1, 20), 5, True),
        (date(2025, 4, 15), 15, False),
        (date(2025, 4, 25), 3, True),
        (date(2026, 2, 5), 10, False),
    ],
)
def test_register_agrees_with_due_date_command(make, partners, received, days, working) -> None:
    rule = DeadlineRule.objects.create(
        code=f"r-{days}-{working}",
        name="Thử",
        legal_basis="Thử",
        days=days,
        working_days=working,
        event=Event.RECEIVED,
    )
    # Hạ Long ended on 30/06/2025; later entries belong to the provincial unit.
    where = {} if received.year < 2026 else {"unit": "QUANG-NINH"}
    iv = make(
        rule=rule,
        received_on=received,
        issued_on=received - timedelta(days=1),
        recipient=partners["CA-QUANG-NINH"],
        **where,
    )
    out = io.StringIO()
    flag = "--working" if working else "--calendar"
    call_command("due_date", "--from", received.isoformat(), "--days", str(days), flag, stdout=out)
    assert iv.due_on == date.fromisoformat(out.getvalue().strip())
