"""The list APIs' filters refuse a wrong value with a 400 that says why, the same way."""

from __future__ import annotations

from datetime import date

import pytest
from ninja.errors import HttpError

from kiemsat.lib.api import bad_filter, choice_filter, ordered_filter, period_filter
from kiemsat.lib.periods import Month, MonthRange


def _refusal(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(HttpError) as caught:
        call()
    assert caught.value.status_code == 400
    return str(caught.value)


def test_a_choice_is_kept_or_refused_naming_the_allowed() -> None:
    assert choice_filter("a", ["a", "b"], "Loại") == "a"
    assert choice_filter(None, ["a"], "Loại") == choice_filter("", ["a"], "Loại") == ""
    assert (
        _refusal(lambda: choice_filter("c", ["a", "b"], "Loại")) == "Loại không hợp lệ 'c': a, b."
    )


def test_a_period_is_one_month_or_a_span() -> None:
    assert period_filter("2025-02..2025-04") == MonthRange(Month(2025, 2), Month(2025, 4))
    message = _refusal(lambda: period_filter("2025-13"))
    assert message.endswith("(period=YYYY-MM hoặc YYYY-MM..YYYY-MM)")


def test_a_readers_refusal_becomes_its_message() -> None:
    def unknown() -> None:
        with bad_filter():
            raise LookupError("Không có đơn vị mã 'X' trong phạm vi của bạn.")

    assert _refusal(unknown) == "Không có đơn vị mã 'X' trong phạm vi của bạn."
    with pytest.raises(KeyError), bad_filter():  # a bug is not a client's mistake
        raise KeyError("x")


def test_two_days_must_bound_a_span() -> None:
    day = date(2025, 5, 1)
    ordered_filter(day, day, ("from", "to"))
    ordered_filter(None, day, ("from", "to"))
    assert _refusal(lambda: ordered_filter(day, date(2025, 4, 30), ("from", "to"))) == (
        "from phải trước hoặc bằng to."
    )
