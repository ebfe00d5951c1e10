"""The bar chart comparing units on group dashboards: one bar a member, best first, drawn
as SVG attributes (no inline style, which the CSP forbids), with Vietnamese figures."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kiemsat.indicators.charts import share_bar_svg
from kiemsat.indicators.engine import Status, Summary
from kiemsat.indicators.tests.test_views import RANGE, TB_GOOD, put

BAR = re.compile(r'<rect x="([\d.]+)" y="0" width="([\d.]+)" height="10" fill="(#\w+)">')


def _summary(vuot: int, dat: int, khong_dat: int, unreported: int = 0) -> Summary:
    by_status = {
        Status.VUOT: vuot,
        Status.DAT: dat,
        Status.KHONG_DAT: khong_dat,
        Status.CHUA_BAO_CAO: unreported,
    }
    arising = vuot + dat + khong_dat
    return Summary(arising, vuot + dat, arising, vuot, by_status)


def test_a_bar_splits_the_arising_indicators_by_status() -> None:
    svg = share_bar_svg(_summary(vuot=5, dat=3, khong_dat=2, unreported=4), name="VKSND A")
    # 10 arose (the 4 unreported are not part of the bar): 50% exceeded, 30% met, 20% not.
    assert BAR.findall(svg) == [
        ("0.00", "50.00", "#145f9e"),
        ("50.00", "30.00", "#1e7a34"),
        ("80.00", "20.00", "#f0b8b4"),
    ]
    assert 'aria-label="VKSND A: 8/10 chỉ tiêu đạt (80,0%), 5/10 chỉ tiêu vượt (50,0%)"' in svg
    assert "style=" not in svg


def test_a_unit_where_nothing_arose_has_an_empty_bar() -> None:
    svg = share_bar_svg(_summary(0, 0, 0, unreported=3), name="VKSND B")
    assert BAR.findall(svg) == []
    assert 'aria-label="VKSND B: không phát sinh"' in svg


def test_a_name_is_escaped() -> None:
    svg = share_bar_svg(_summary(1, 0, 0), name='<b>"A"</b>')
    assert "<b>" not in svg and "&lt;b&gt;&quot;A&quot;&lt;/b&gt;" in svg


@pytest.mark.django_db
def test_the_province_dashboard_compares_its_units_best_first(client_for, units) -> None:  # type: ignore[no-untyped-def]
    # Hạ Long solves its reports well (TB-01 exceeded); the province itself reports nothing
    # resolved, so TB-01 is not met there.
    put(units["QUANG-NINH-HA-LONG"], TB_GOOD)
    put(units["QUANG-NINH"], {"TB_TON_DAU": 10, "TB_MOI": 20, "TB_CHUYEN": 0, "TB_DA_GQ": 0})
    page = reverse("indicator_province", args=[units["QUANG-NINH"].pk])
    text = client_for("qn.vientruong").get(page, RANGE).content.decode()
    bars = text[text.index('<ol class="unit-bars">') : text.index("</ol>")]
    items = bars.split("<li>")[1:]
    names = [re.search(r">(VKSND [^<]+)</a>", item).group(1) for item in items]  # type: ignore[union-attr]
    assert names[0] == "VKSND thành phố Hạ Long"
    assert names.index("VKSND tỉnh Quảng Ninh") > 0
    assert "1/1 đạt (100,0%), 1 vượt" in items[0]
    quang_ninh = items[names.index("VKSND tỉnh Quảng Ninh")]
    assert "0/1 đạt (0,0%)" in quang_ninh
    assert BAR.findall(items[0]) == [("0.00", "100.00", "#145f9e")]
