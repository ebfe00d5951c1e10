from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiemsat.lib.periods import Month, MonthRange, parse_month, parse_month_text, work_year_of

months = st.builds(Month, st.integers(1900, 2200), st.integers(1, 12))
years = st.integers(1900, 2200)


def test_parse_and_str():
    assert Month.parse("2020-01") == Month(2020, 1)
    assert str(Month(2020, 1)) == "2020-01"
    assert Month.parse(" 2019-12 ") == Month(2019, 12)


@pytest.mark.parametrize("bad", ["2020-13", "2020-00", "2020-1", "20-01", "2020/01", "", "abcd-ef"])
def test_parse_rejects_bad_input_in_vietnamese(bad):
    with pytest.raises(ValueError, match="Kỳ không hợp lệ") as exc:
        Month.parse(bad)
    assert "định dạng YYYY-MM" in str(exc.value)


def test_parse_message_quotes_input():
    with pytest.raises(ValueError) as exc:
        Month.parse("2020-13")
    assert str(exc.value) == "Kỳ không hợp lệ: '2020-13' (định dạng YYYY-MM)"


def test_month_rejects_out_of_range():
    with pytest.raises(ValueError):
        Month(2020, 13)


def test_month_days_and_label():
    assert Month(2020, 2).first_day() == date(2020, 2, 1)
    assert Month(2020, 2).last_day() == date(2020, 2, 29)
    assert Month(2021, 2).last_day() == date(2021, 2, 28)
    assert Month(2020, 12).last_day() == date(2020, 12, 31)
    assert Month(2020, 1).label == "01/2020"
    assert Month.of(date(2022, 1, 18)) == Month(2022, 1)


def test_shift_and_order():
    assert Month(2020, 1).shift(-1) == Month(2019, 12)
    assert Month(2019, 12).shift(1) == Month(2020, 1)
    assert Month(2020, 5).shift(-12) == Month(2019, 5)
    assert Month(2019, 12) < Month(2020, 1) < Month(2020, 2)
    assert Month(2020, 3).index - Month(2019, 12).index == 3


def test_work_year_of():
    assert work_year_of(Month(2019, 12)) == 2020
    assert work_year_of(Month(2020, 11)) == 2020
    assert work_year_of(Month(2020, 12)) == 2021
    assert work_year_of(date(2019, 12, 1)) == 2020
    assert work_year_of(date(2020, 11, 30)) == 2020


def test_work_year_and_halves():
    year = MonthRange.work_year(2020)
    assert (year.start, year.end) == (Month(2019, 12), Month(2020, 11))
    assert year.first_day() == date(2019, 12, 1)
    assert year.last_day() == date(2020, 11, 30)
    assert len(year) == 12
    assert year.label == "12/2019 – 11/2020"
    assert MonthRange.half(2020, 1) == MonthRange(Month(2019, 12), Month(2020, 5))
    assert MonthRange.half(2020, 2) == MonthRange(Month(2020, 6), Month(2020, 11))
    assert MonthRange.half(2020, 1).last_day() == date(2020, 5, 31)
    with pytest.raises(ValueError):
        MonthRange.half(2020, 3)  # type: ignore[arg-type]


def test_range_basics():
    r = MonthRange.parse("2020-11", "2021-02")
    assert r.months() == [Month(2020, 11), Month(2020, 12), Month(2021, 1), Month(2021, 2)]
    assert len(r) == 4
    assert Month(2021, 1) in r
    assert date(2021, 2, 28) in r
    assert Month(2021, 3) not in r
    assert "2021-01" not in r
    assert r.same_period_last_year() == MonthRange.parse("2019-11", "2020-02")
    assert MonthRange.single(Month(2020, 1)).label == "01/2020"


def test_range_rejects_reversed():
    with pytest.raises(ValueError, match="Kỳ không hợp lệ"):
        MonthRange.parse("2020-05", "2020-01")


@given(months, st.integers(-5000, 5000))
def test_shift_round_trips(m, n):
    assert m.shift(n).shift(-n) == m
    assert m.shift(n).index - m.index == n


@given(months)
def test_parse_str_round_trips(m):
    assert Month.parse(str(m)) == m
    assert Month.from_index(m.index) == m


@given(months)
def test_month_days_are_in_month(m):
    assert Month.of(m.first_day()) == m == Month.of(m.last_day())
    assert m.last_day() + (m.shift(1).first_day() - m.last_day()) == m.shift(1).first_day()
    assert (m.shift(1).first_day() - m.last_day()).days == 1


@given(months)
def test_every_month_in_exactly_one_work_year(m):
    owners = [y for y in range(m.year - 2, m.year + 3) if m in MonthRange.work_year(y)]
    assert owners == [work_year_of(m)]


@given(months)
def test_work_year_of_date_matches_month(m):
    assert work_year_of(m.first_day()) == work_year_of(m) == work_year_of(m.last_day())


@given(years)
def test_halves_partition_work_year(y):
    first, second = MonthRange.half(y, 1), MonthRange.half(y, 2)
    assert first.months() + second.months() == MonthRange.work_year(y).months()
    assert len(first) == len(second) == 6
    assert all(work_year_of(m) == y for m in MonthRange.work_year(y))


@given(months, st.integers(0, 40))
def test_same_period_last_year(m, n):
    r = MonthRange(m, m.shift(n))
    prev = r.same_period_last_year()
    assert len(prev) == len(r)
    assert [x.shift(12) for x in prev] == r.months()


@pytest.mark.parametrize("text", ["03/2025", "3/2025", " 2025-03 ", "03/2025 "])
def test_a_month_is_read_as_people_write_it(text):
    assert parse_month_text(text) == Month(2025, 3)


@pytest.mark.parametrize("bad", ["13/2025", "0/2025", "2025-13", "03-2025", "3/25", "mar 2025", ""])
def test_a_wrong_month_names_both_forms(bad):
    with pytest.raises(ValueError, match=r"không hợp lệ \(MM/YYYY hoặc YYYY-MM\)"):
        parse_month_text(bad)


def test_a_month_cell_may_be_a_date_excel_made_of_it():
    assert parse_month(datetime(2025, 3, 1)) == Month(2025, 3)
    assert parse_month(date(2024, 12, 1)) == Month(2024, 12)
    assert parse_month("12/2024") == Month(2024, 12)
    with pytest.raises(ValueError):
        parse_month(None)


def test_a_span_is_one_month_or_two_joined_by_dots() -> None:
    assert MonthRange.parse_span("2025-03") == MonthRange.single(Month(2025, 3))
    assert MonthRange.parse_span("2025-01..2025-06") == MonthRange(Month(2025, 1), Month(2025, 6))
    assert str(MonthRange.parse_span(str(MonthRange.work_year(2025)))) == "2024-12..2025-11"
    for bad in ("2025-06..2025-01", "2025", "2025-01..", "tháng 3"):
        with pytest.raises(ValueError):
            MonthRange.parse_span(bad)
