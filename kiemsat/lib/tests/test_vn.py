from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiemsat.lib.vn import (
    fold,
    formal_date,
    format_decimal,
    format_int,
    format_percent,
    format_percent_distinct,
    percent_value,
    round_half_up,
    short_date,
    sort_key,
)


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [(127, 129, "98,4%"), (59, 60, "98,3%"), (1, 1, "100,0%"), (0, 5, "0,0%"), (1, 8, "12,5%")],
)
def test_format_percent(num, den, expected):
    assert format_percent(num, den) == expected


def test_format_percent_zero_denominator_is_empty():
    assert format_percent(0, 0) == ""
    assert format_percent(3, 0) == ""


def test_format_percent_decimals():
    assert format_percent(127, 129, 2) == "98,45%"
    assert format_percent(2, 3, 0) == "67%"


def test_round_half_up_is_exact():
    assert round_half_up(Fraction(9845, 100)) == Decimal("98.5")
    assert round_half_up(Decimal("2.25")) == Decimal("2.3")
    assert round_half_up(Decimal("-2.25")) == Decimal("-2.3")
    assert round_half_up(Fraction(-1, 100)) == Decimal("0.0")
    assert round_half_up(7, 0) == Decimal("7")
    assert round_half_up(percent_value(127, 129)) == Decimal("98.4")
    assert str(round_half_up(1, 2)) == "1.00"


def test_format_decimal_and_int():
    assert format_decimal(Decimal("1234.5")) == "1.234,5"
    assert format_decimal(Fraction(1713874)) == "1.713.874,0"
    assert format_decimal(Decimal("-1234.55")) == "-1.234,6"
    assert format_decimal(Decimal("0.05"), 0) == "0"
    assert format_int(15548) == "15.548"
    assert format_int(1713874) == "1.713.874"
    assert format_int(-1234) == "-1.234"
    assert format_int(999) == "999"
    assert format_int(0) == "0"


def test_format_percent_distinct():
    ninety = Fraction(90)
    assert format_percent_distinct(Fraction("89.96"), ninety) == "89,96%"
    assert format_percent_distinct(Fraction("89.996"), ninety) == "89,996%"
    assert format_percent_distinct(Fraction("89.96"), None) == "90,0%"
    assert format_percent_distinct(Fraction("90.04"), ninety) == "90,04%"
    assert format_percent_distinct(Fraction("95.5"), ninety) == "95,5%"
    # Exactly on a strict target ("trên 90%"): no precision separates them.
    assert format_percent_distinct(ninety, ninety) == "90,0%"
    assert format_percent_distinct(ninety - Fraction(1, 10**12), ninety) == "89,999999999999%"
    tiny = ninety - Fraction(1, 10**25)  # beyond 20 decimals the search stops
    assert format_percent_distinct(tiny, ninety) == "90," + "0" * 20 + "%"


def test_dates():
    assert formal_date(date(2020, 1, 5)) == "ngày 05 tháng 01 năm 2020"
    assert formal_date(date(2020, 2, 29)) == "ngày 29 tháng 02 năm 2020"
    assert formal_date(date(2020, 3, 1)) == "ngày 01 tháng 3 năm 2020"
    assert formal_date(date(2020, 12, 30)) == "ngày 30 tháng 12 năm 2020"
    assert short_date(date(2022, 1, 18)) == "18/01/2022"
    assert short_date(None) == ""


def test_fold():
    assert fold("Đà Nẵng") == "da nang"
    assert fold("Quy chế phối hợp") == "quy che phoi hop"
    assert fold("  Hạ   Long\t") == "ha long"
    assert fold("VKSND TỈNH QUẢNG NINH") == "vksnd tinh quang ninh"
    assert fold("Nguyễn Thị Ưng Ứng") == "nguyen thi ung ung"


def test_sort_key_vietnamese_order():
    words = ["đào", "dao", "ăn", "an", "âm", "bò", "ơn", "ôm", "om", "ư", "u", "y", "ê", "e"]
    assert sorted(words, key=sort_key) == [
        "an", "ăn", "âm", "bò", "dao", "đào", "e", "ê", "om", "ôm", "ơn", "u", "ư", "y",
    ]  # fmt: skip


def test_sort_key_tones_are_secondary():
    tones = ["mạ", "má", "mã", "mả", "mà", "ma"]
    assert sorted(tones, key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # Letters decide before tones: "má" < "mai" although á has a tone.
    assert sorted(["mai", "má"], key=sort_key) == ["má", "mai"]
    # Syllable by syllable, as dictionaries do: "Hà" < "Hạ" decides before "Nội"/"Long".
    assert sorted(["Hạ Long", "Hà Nội", "Hà Giang", "Hà"], key=sort_key) == [
        "Hà",
        "Hà Giang",
        "Hà Nội",
        "Hạ Long",
    ]


def test_sort_key_case_and_decomposed_forms_agree():
    assert sort_key("Đà")[0] == sort_key("đà")[0]
    assert sort_key("Nẵng")[0] == sort_key("Na\u0306\u0303ng")[0]


def _round_half_up_int(num: int, den: int, decimals: int) -> int:
    """Independent reference: integer units of 10**-decimals, ties away from zero."""
    sign = -1 if (num < 0) != (den < 0) else 1
    num, den = abs(num) * 10**decimals, abs(den)
    q, r = divmod(num, den)
    return sign * (q + (2 * r >= den))


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**6), st.integers(0, 6))
def test_round_half_up_matches_integer_reference(num, den, decimals):
    got = round_half_up(Fraction(num, den), decimals)
    assert got == Decimal(_round_half_up_int(num, den, decimals)).scaleb(-decimals)
    assert got.as_tuple().exponent == -decimals


@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_format_percent_parses_back(num, den):
    text = format_percent(num, den)
    assert text.endswith("%") and " " not in text
    back = Fraction(text[:-1].replace(".", "").replace(",", "."))
    assert abs(back - percent_value(num, den)) <= Fraction(1, 20)


@given(st.integers(-(10**15), 10**15))
def test_format_int_parses_back(n):
    assert int(format_int(n).replace(".", "")) == n


vietnamese = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩị"
    "òóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵÀÁẢÃẠỲÝỸỴ \t\n0123456789,.-",
)


@given(vietnamese)
def test_fold_is_idempotent_and_ascii(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.isascii()
    assert folded == folded.strip() and "  " not in folded


@given(vietnamese)
def test_sort_key_ignores_normalisation_form(text):
    import unicodedata

    assert sort_key(text)[0] == sort_key(unicodedata.normalize("NFD", text))[0]


def test_check_percent_flags_a_published_figure_that_does_not_add_up():
    from kiemsat.lib.vn import check_percent

    wrong = check_percent(127, 129, Decimal("98.5"))
    assert wrong is not None
    assert wrong.computed == Decimal("98.4") and not wrong.matches
    assert wrong.message == "127/129 = 98,4%, không phải 98,5% như đã công bố."
    right = check_percent(127, 129, Decimal("98.4"))
    assert right is not None and right.matches
    assert check_percent(59, 60, Decimal("98.3")).matches  # type: ignore[union-attr]
    assert check_percent(1, 8, Decimal("12.5")).matches  # type: ignore[union-attr]  # exact half
    assert check_percent(127, 129, Decimal("98.45")).matches  # type: ignore[union-attr]
    assert check_percent(127, 129, 98).computed == Decimal("98.4")  # type: ignore[union-attr]
    assert check_percent(3, 0, Decimal("100")) is None
