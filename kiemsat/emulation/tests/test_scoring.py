"""The pure arithmetic: points, totals, ranks (1, 2, 2, 4) and bands."""

from decimal import Decimal as D

import pytest

from kiemsat.emulation import scoring
from kiemsat.lib.vn import format_points


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12,5", D("12.50")), ("12.25", D("12.25")), (7, D("7.00")), (0.5, D("0.50")), ("0", D(0))],
)
def test_points_parse_exactly(raw, expected):
    assert scoring.parse_points(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1,255", "quá 2 chữ số"),
        ("-1", "không được âm"),
        ("abc", "không phải là số"),
        ("", "thiếu"),
    ],
)
def test_bad_points_are_refused_in_vietnamese(raw, message):
    with pytest.raises(ValueError, match=message):
        scoring.parse_points(raw)


def test_signed_points_allow_a_penalty_per_status():
    assert scoring.parse_points("-2", signed=True) == D("-2.00")


def test_indicator_points_sum_statuses_and_clamp():
    per = {"VUOT": D(3), "DAT": D(2), "KHONG_DAT": D(-2)}
    assert scoring.indicator_points(per, ["VUOT", "DAT"], D(20)) == D(5)
    assert scoring.indicator_points(per, ["VUOT", "CHUA_BAO_CAO"], D(20)) == D(3)  # no entry: 0
    assert scoring.indicator_points(per, ["KHONG_DAT", "DAT"], D(20)) == D(0)  # clamped below
    assert scoring.indicator_points(per, ["VUOT"] * 9, D(20)) == D(20)  # clamped above


def test_total_adds_bonus_and_takes_penalty_exactly():
    leaves = [
        ("normal", D("10.10")),
        ("normal", D("0.20")),
        ("bonus", D("1.05")),
        ("penalty", D("0.35")),
    ]
    assert scoring.total(leaves) == D("11.00")


def test_ties_share_a_rank_and_the_excluded_are_unranked():
    ranked = scoring.rank(
        [("a", D(80)), ("b", D(90)), ("c", D(80)), ("d", D(70)), ("x", D(99))], excluded=["x"]
    )
    assert [(r.key, r.rank) for r in ranked] == [
        ("b", 1),
        ("a", 2),
        ("c", 2),
        ("d", 4),
        ("x", None),
    ]


def test_band_is_the_highest_reached():
    bands = [("Tốt", D(70)), ("Xuất sắc", D(90)), ("Hoàn thành", D(50))]
    assert scoring.band_of(D(90), bands) == "Xuất sắc"
    assert scoring.band_of(D("89.99"), bands) == "Tốt"
    assert scoring.band_of(D("49.99"), bands) == ""


def test_points_read_the_vietnamese_way():
    assert format_points(D("12.50")) == "12,5"
    assert format_points(D("20.00")) == "20"
    assert format_points(D("1234.25")) == "1.234,25"
    assert format_points(D("-3.00")) == "-3"
