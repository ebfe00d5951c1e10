"""The date-validity rule: the queryset filter and its Python twin agree on every edge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiemsat.lib.validity import is_valid_on, overlaps_q, valid_on_q, within
from kiemsat.org.models import Level, Unit

FIRST, LAST = date(2025, 7, 1), date(2025, 12, 31)
ONE = timedelta(days=1)
SPANS = {
    "closed": (FIRST, LAST),
    "open-end": (FIRST, None),
    "open-start": (None, LAST),
    "always": (None, None),
    "one-day": (FIRST, FIRST),
}
DAYS = [FIRST - ONE, FIRST, FIRST + ONE, LAST - ONE, LAST, LAST + ONE]
EXPECTED_CLOSED = [False, True, True, True, True, False]


@pytest.fixture
def dated(db):  # type: ignore[no-untyped-def]
    return {
        name: Unit.objects.create(
            code=f"thu-{name}", name=f"Đơn vị {name}", level=Level.LOCAL, valid_from=a, valid_to=b
        )
        for name, (a, b) in SPANS.items()
    }


@pytest.mark.parametrize("day", DAYS)
def test_filter_and_twin_agree_on_every_edge(dated, day: date) -> None:  # type: ignore[no-untyped-def]
    in_sql = set(
        Unit.objects.filter(valid_on_q(day), code__startswith="thu-").values_list("pk", flat=True)
    )
    in_python = {unit.pk for unit in dated.values() if is_valid_on(unit, day)}
    assert in_sql == in_python


def test_both_ends_count_and_empty_ends_are_open(dated) -> None:  # type: ignore[no-untyped-def]
    assert [is_valid_on(dated["closed"], day) for day in DAYS] == EXPECTED_CLOSED
    assert all(is_valid_on(dated["always"], day) for day in DAYS)
    assert [is_valid_on(dated["open-end"], day) for day in DAYS] == [False, *[True] * 5]
    assert [is_valid_on(dated["open-start"], day) for day in DAYS] == [*[True] * 5, False]
    assert [d for d in DAYS if is_valid_on(dated["one-day"], d)] == [FIRST]


def test_through_a_relation_and_other_field_names(dated) -> None:  # type: ignore[no-untyped-def]
    child = Unit.objects.create(
        code="thu-con", name="Đơn vị con", level=Level.LOCAL, parent=dated["closed"]
    )
    inside = Unit.objects.filter(valid_on_q(LAST, "parent__"), pk=child.pk)
    outside = Unit.objects.filter(valid_on_q(LAST + ONE, "parent__"), pk=child.pk)
    assert (inside.exists(), outside.exists()) == (True, False)
    version = type("Version", (), {"effective_from": FIRST, "effective_to": None})()
    assert is_valid_on(version, FIRST, start="effective_from", end="effective_to")
    assert not is_valid_on(version, FIRST - ONE, start="effective_from", end="effective_to")


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (FIRST - 2 * ONE, FIRST - ONE, {"open-start", "always"}),
        (FIRST - ONE, FIRST, {"closed", "open-end", "open-start", "always", "one-day"}),
        (LAST, LAST + ONE, {"closed", "open-end", "open-start", "always"}),
        (LAST + ONE, LAST + 2 * ONE, {"open-end", "always"}),
    ],
)
def test_a_span_overlaps_when_one_day_is_shared(dated, first, last, expected) -> None:  # type: ignore[no-untyped-def]
    rows = Unit.objects.filter(overlaps_q(first, last), code__startswith="thu-")
    assert {code.removeprefix("thu-") for code in rows.values_list("code", flat=True)} == expected


def test_the_rule_holds_for_month_indexes_too() -> None:
    assert [within(m, 10, 12) for m in (9, 10, 12, 13)] == [False, True, True, False]
    assert within(1, None, None) and within(99, 10, None) and not within(9, 10, None)
