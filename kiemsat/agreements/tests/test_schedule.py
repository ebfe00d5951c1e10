"""The pure date rules: status, next review, next due date of a duty (no database)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiemsat.agreements.models import Decision, ReviewKind, Status
from kiemsat.agreements.schedule import add_months, advance_due, derive_status, next_review

TODAY = date(2024, 5, 15)


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2022, 11, 30), 3) == date(2023, 2, 28)
    assert add_months(date(2022, 1, 18), 12) == date(2023, 1, 18)


def test_status_from_dates_and_replacement():
    assert derive_status(None, None, replaced=False, today=TODAY) == Status.DRAFT
    assert derive_status(date(2024, 6, 1), None, replaced=False, today=TODAY) == Status.DRAFT
    assert derive_status(date(2022, 1, 1), None, replaced=False, today=TODAY) == Status.IN_FORCE
    assert (
        derive_status(date(2022, 1, 1), date(2022, 12, 31), replaced=False, today=TODAY)
        == Status.EXPIRED
    )
    assert derive_status(date(2022, 1, 1), TODAY, replaced=False, today=TODAY) == Status.IN_FORCE
    assert derive_status(date(2022, 1, 1), None, replaced=True, today=TODAY) == Status.REPLACED


def test_next_review_follows_the_schedule_and_stops_at_the_end():
    start, end = date(2022, 3, 16), date(2025, 12, 31)
    assert next_review(start=start, end=end, schedule="yearly", reviews=[]) == date(2023, 3, 16)
    assert next_review(start=start, end=None, schedule="half_yearly", reviews=[]) == date(
        2022, 9, 16
    )
    held = [(date(2025, 3, 20), ReviewKind.YEARLY, Decision.CONTINUE)]
    # the next yearly review would fall after the end: the tổng kết is due at the end
    assert next_review(start=start, end=end, schedule="yearly", reviews=held) == end
    assert next_review(start=start, end=end, schedule="none", reviews=[]) == end
    assert next_review(start=start, end=None, schedule="none", reviews=[]) is None
    assert next_review(start=None, end=end, schedule="yearly", reviews=[]) is None


def test_final_review_or_decision_to_replace_closes_the_schedule():
    start = date(2022, 1, 1)
    final = [(date(2022, 12, 20), ReviewKind.FINAL, Decision.CONTINUE)]
    replace = [(date(2022, 6, 20), ReviewKind.MIDTERM, Decision.REPLACE)]
    after_end = [(date(2023, 1, 18), ReviewKind.YEARLY, Decision.CONTINUE)]
    end = date(2022, 12, 31)
    assert next_review(start=start, end=None, schedule="yearly", reviews=final) is None
    assert next_review(start=start, end=None, schedule="yearly", reviews=replace) is None
    assert next_review(start=start, end=end, schedule="yearly", reviews=after_end) is None


def test_advance_due_by_recurrence():
    due = date(2024, 1, 31)
    assert advance_due("monthly", due, date(2024, 1, 30)) == date(2024, 2, 29)
    assert advance_due("quarterly", due, date(2024, 1, 31)) == date(2024, 4, 30)
    assert advance_due("half_yearly", due, date(2024, 2, 1)) == date(2024, 7, 31)
    assert advance_due("yearly", due, date(2024, 2, 1)) == date(2025, 1, 31)
    assert advance_due("once", due, date(2024, 2, 1)) is None
    assert advance_due("per_case", None, date(2024, 2, 1)) is None
    # done two periods late: the missed periods are skipped, the day of month kept
    assert advance_due("monthly", due, date(2024, 3, 5)) == date(2024, 3, 31)


@given(
    st.sampled_from(["monthly", "quarterly", "half_yearly", "yearly"]),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=-400, max_value=400),
)
def test_advanced_due_is_always_after_the_day_done(recurrence, due, offset):
    done_on = due + timedelta(days=offset)
    following = advance_due(recurrence, due, done_on)
    assert following is not None
    assert following > done_on
    assert following > due
