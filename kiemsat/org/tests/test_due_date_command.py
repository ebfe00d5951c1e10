"""The due_date command: the civil-code rule on the Vietnamese working calendar."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kiemsat.org.models import CalendarDay, DayKind

pytestmark = pytest.mark.django_db


def due(start: str, days: int, kind: str) -> str:
    out = io.StringIO()
    call_command("due_date", "--from", start, "--days", str(days), f"--{kind}", stdout=out)
    return out.getvalue().strip()


def test_working_days_skip_tet_2026():
    # 11–13/2 are days 1–3; Tết 16–20/2 and the weekends are skipped; 9 and 10/3 are 14 and 15.
    assert due("2026-02-10", 15, "working") == "2026-03-10"


def test_calendar_deadline_on_a_holiday_moves_to_the_next_working_day():
    # 15/4/2026 + 15 days = 30/4 (holiday); 1/5 holiday; 2–3/5 weekend → Monday 4/5.
    assert due("2026-04-15", 15, "calendar") == "2026-05-04"
    # Landing on a weekday that works: unchanged.
    assert due("2026-03-02", 15, "calendar") == "2026-03-17"


def test_admin_days_off_and_make_up_days_count():
    CalendarDay.objects.create(day=date(2026, 3, 17), kind=DayKind.DAY_OFF, note="nghỉ bù")
    assert due("2026-03-02", 15, "calendar") == "2026-03-18"
    CalendarDay.objects.create(day=date(2026, 3, 7), kind=DayKind.WORKING, note="làm bù")
    # Working days from Friday 6/3: Saturday 7/3 is now a working day.
    assert due("2026-03-06", 1, "working") == "2026-03-07"


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(CommandError, match="--from"):
        due("10/02/2026", 5, "working")
    with pytest.raises(CommandError, match="--days"):
        due("2026-02-10", 0, "working")
