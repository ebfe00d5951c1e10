from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiemsat.lib.workdays import DEFAULT_CALENDAR, WorkCalendar

cal = DEFAULT_CALENDAR
dates = st.dates(date(2000, 1, 1), date(2080, 12, 31))
calendars = st.builds(
    WorkCalendar,
    st.frozensets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=20),
    st.frozensets(st.dates(date(2025, 1, 1), date(2027, 12, 31)), max_size=20),
)


def test_weekdays_and_weekends():
    assert cal.is_working_day(date(2026, 3, 2))  # Monday
    assert not cal.is_working_day(date(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8))  # Sunday
    assert cal.next_working_day(date(2026, 3, 7)) == date(2026, 3, 9)
    assert cal.next_working_day(date(2026, 3, 9)) == date(2026, 3, 9)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # Tết Dương lịch
        date(2026, 2, 16),  # Giao thừa
        date(2026, 2, 17),  # Tết Nguyên Đán (mùng một)
        date(2026, 2, 20),  # Mùng bốn
        date(2026, 4, 27),  # Giỗ Tổ Hùng Vương (10/3 âm lịch = Sunday 26/4), nghỉ bù
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # day off swapped for Saturday 22/8
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),  # Ngày Văn hóa Việt Nam
    ],
)
def test_public_holidays_2026_are_days_off(day):
    assert day.weekday() < 5
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day)


def test_holiday_names_are_vietnamese():
    assert cal.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.holiday_name(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"
    assert cal.holiday_name(date(2026, 9, 2)) == "Quốc khánh"
    assert cal.holiday_name(date(2026, 3, 2)) is None


def test_government_swap_saturday_is_a_working_day():
    assert date(2026, 8, 22).weekday() == 5
    assert cal.is_working_day(date(2026, 8, 22))


def test_tet_2026_week_is_skipped():
    assert cal.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 22)) == 0


def test_due_date_2026_02_10_plus_15_working_days():
    # 11–13/2 (3), Tết 16–20/2 skipped, 23–27/2 (8), 2–6/3 (13), 9/3, 10/3 (15).
    assert cal.add_working_days(date(2026, 2, 10), 15) == date(2026, 3, 10)
    assert cal.due_date(date(2026, 2, 10), 15, working=True) == date(2026, 3, 10)


def test_reunification_and_labour_day():
    # Wed 29/4 + 1 working day skips Thu 30/4, Fri 1/5 and the weekend.
    assert cal.add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


def test_national_day():
    # Fri 28/8 + 1: weekend, Mon 31/8 (swap), 1/9 and 2/9 off -> Thu 3/9.
    assert cal.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)


def test_calendar_deadline_on_day_off_moves_forward():
    # 10/4/2026 + 20 days = Thu 30/4 (holiday) -> 1/5 holiday -> weekend -> Mon 4/5.
    assert cal.add_calendar_days(date(2026, 4, 10), 20) == date(2026, 5, 4)
    assert cal.due_date(date(2026, 4, 10), 20, working=False) == date(2026, 5, 4)
    # A deadline on a working day stays put.
    assert cal.add_calendar_days(date(2026, 3, 2), 7) == date(2026, 3, 9)


def test_make_up_day_is_counted():
    saturday = date(2026, 3, 7)
    extra = WorkCalendar(make_up_days=frozenset({saturday}))
    assert extra.is_working_day(saturday)
    assert extra.add_working_days(date(2026, 3, 6), 1) == saturday
    assert cal.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_extra_day_off_is_skipped():
    monday = date(2026, 3, 9)
    extra = WorkCalendar(extra_days_off=frozenset({monday}))
    assert not extra.is_working_day(monday)
    assert extra.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 10)
    assert extra.add_calendar_days(date(2026, 3, 2), 7) == date(2026, 3, 10)


def test_add_working_days_rejects_non_positive():
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 3, 2), 0)


def test_working_days_between():
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 9)) == 5
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 2)) == 0
    assert cal.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


@given(calendars, st.dates(date(2025, 1, 1), date(2027, 10, 31)), st.integers(1, 40))
def test_add_working_days_counts_exactly_n(work, event, n):
    result = work.add_working_days(event, n)
    assert work.is_working_day(result)
    assert work.working_days_between(event, result) == n
    assert work.working_days_between(event, result - timedelta(days=1)) == n - 1


@given(dates, st.integers(1, 30))
def test_add_working_days_default_calendar(event, n):
    result = cal.add_working_days(event, n)
    assert cal.is_working_day(result)
    assert cal.working_days_between(event, result) == n


@given(calendars, st.dates(date(2025, 1, 1), date(2027, 10, 31)), st.integers(0, 90))
def test_add_calendar_days_lands_on_first_working_day(work, event, n):
    result = work.add_calendar_days(event, n)
    target = event + timedelta(days=n)
    assert work.is_working_day(result)
    assert result >= target
    assert work.working_days_between(target - timedelta(days=1), result - timedelta(days=1)) == 0


@given(dates)
def test_next_working_day_is_first_working_day(d):
    nxt = cal.next_working_day(d)
    assert cal.is_working_day(nxt)
    assert cal.working_days_between(d - timedelta(days=1), nxt - timedelta(days=1)) == 0
