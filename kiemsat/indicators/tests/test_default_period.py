"""The dashboards' default period, their headlines and bad months in the URL.

A dashboard opened without a period shows the work year to date up to the last month
with figures for what it shows; on the first day of a work year that is the previous
work year, never the new year's empty first days. Every "X/Y chỉ tiêu đạt" headline
names the indicators without figures beside it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kiemsat.indicators.models import Figure, Metric
from kiemsat.indicators.selectors import default_range
from kiemsat.lib.periods import Month, MonthRange
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
TB = {"TB_TON_DAU": 10, "TB_MOI": 20, "TB_CHUYEN": 1, "TB_DA_GQ": 18}


def at(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=HANOI), tick=False)


def put(unit, months: MonthRange, values=TB) -> None:  # type: ignore[no-untyped-def]
    metrics = {m.code: m for m in Metric.objects.filter(code__in=values)}
    Figure.objects.bulk_create(
        Figure(unit=unit, metric=metrics[code], period=month.index, value=value)
        for month in months
        for code, value in values.items()
    )


def period_of(body: str) -> str:
    match = re.search(r"Kỳ (\d\d/\d{4}(?: – \d\d/\d{4})?)", body)
    assert match, body[:500]
    return match[1]


# --- the rule, without a database -----------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "last", "expected"),
    [
        # 1/12: a new work year begins; figures run to November → the year that just ended.
        (date(2026, 12, 1), Month(2026, 11), ("2025-12", "2026-11")),
        # 1/12 and nothing reported at all: the last closed month's work year, not 12/2026.
        (date(2026, 12, 1), None, ("2025-12", "2026-11")),
        # 6/12 (the Sunday): November not entered yet → up to October.
        (date(2026, 12, 6), Month(2026, 10), ("2025-12", "2026-10")),
        # 30/11: the last day of a work year with figures to date.
        (date(2026, 11, 30), Month(2026, 11), ("2025-12", "2026-11")),
        (date(2026, 11, 30), Month(2026, 9), ("2025-12", "2026-09")),
        # Figures entered ahead of time do not move the end past this month.
        (date(2026, 3, 15), Month(2026, 8), ("2025-12", "2026-03")),
        # January: December's figures are in → the one month of the new year so far.
        (date(2027, 1, 20), Month(2026, 12), ("2026-12", "2026-12")),
        # A unit that stopped reporting (ended on 30/6/2025) opens on its last year.
        (date(2026, 12, 6), Month(2025, 6), ("2024-12", "2025-06")),
    ],
)
def test_default_range(today, last, expected):
    months = default_range(today, last)
    assert (str(months.start), str(months.end)) == expected
    assert len(months) >= 1


# --- through the pages ----------------------------------------------------------------------


@pytest.fixture
def halong(units):  # type: ignore[no-untyped-def]
    unit = units["QUANG-NINH-HA-LONG"]
    put(unit, MonthRange(Month(2020, 12), Month(2021, 8)))
    return unit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2021, 12, 1), "12/2020 – 08/2021"),  # first day of work year 2022
        (date(2021, 11, 30), "12/2020 – 08/2021"),  # last day of work year 2021
        (date(2021, 5, 10), "12/2020 – 05/2021"),
        (date(2021, 1, 3), "12/2020 – 01/2021"),
    ],
)
def test_unit_dashboard_opens_on_the_work_year_to_the_last_month_with_figures(
    client_for, halong, today, expected
):
    with at(today):
        body = client_for("halong.ksv").get(reverse("indicator_unit", args=[halong.pk])).content
    assert period_of(body.decode()) == expected


@pytest.mark.django_db
def test_the_scope_decides_which_figures_count(client_for, units, halong):
    """Quảng Ninh itself reported nothing; with its local units it did, up to 08/2021."""
    path = reverse("indicator_unit", args=[units["QUANG-NINH"].pk])
    client = client_for("qn.vientruong")
    with at(date(2021, 12, 1)):
        own = client.get(path).content.decode()
        below = client.get(path, {"scope": "with-subordinates"}).content.decode()
    assert period_of(own) == "12/2020 – 11/2021"  # no figures: the last closed month
    assert period_of(below) == "12/2020 – 08/2021"


@pytest.mark.django_db
def test_first_day_of_the_work_year_without_any_figure_is_not_empty(client_for, units):
    path = reverse("indicator_unit", args=[units["HA-GIANG"].pk])
    with at(date(2021, 12, 1)):
        body = client_for("hagiang.ksv").get(path).content.decode()
    assert period_of(body) == "12/2020 – 11/2021"


@pytest.mark.django_db
def test_group_pages_open_on_their_members_last_month(client_for, units, halong):
    cluster = Cluster.objects.create(
        code="CUM-THU", name="Cụm thi đua thử", number=97, kind=ClusterKind.PROVINCIAL
    )
    term = ClusterTerm.objects.create(cluster=cluster, year=2021, leader=units["HA-GIANG"])
    term.members.add(units["QUANG-NINH"], units["HA-GIANG"])
    put(units["HA-GIANG"], MonthRange(Month(2020, 12), Month(2021, 6)))
    pages = [
        ("qn.vientruong", reverse("indicator_province", args=[units["QUANG-NINH"].pk]), {}),
        ("admin", reverse("indicator_nation"), {}),
        ("hagiang.ksv", reverse("indicator_cluster", args=[cluster.pk]), {}),
        ("hagiang.ksv", reverse("indicator_cluster", args=[cluster.pk]),
         {"scope": "with-subordinates"}),
    ]  # fmt: skip
    with at(date(2021, 12, 1)):
        got = [period_of(client_for(u).get(p, q).content.decode()) for u, p, q in pages]
    # The province and the nation see Hạ Long's August; the cluster's members alone only
    # Hà Giang's June, with their local units Hạ Long's August again.
    assert got == ["12/2020 – 08/2021", "12/2020 – 08/2021", "12/2020 – 06/2021",
                   "12/2020 – 08/2021"]  # fmt: skip


# --- headlines ------------------------------------------------------------------------------


def unreported_badges(body: str) -> int:
    """Rows of the results table whose status (the first badge; the unit page's second is
    the same period last year) is "Chưa báo cáo"."""
    table = body[body.index('<table class="stack results">') :].split("</table>")[0]
    section = table.split("<tbody>")[1]
    firsts = re.findall(r'<tr[^>]*>.*?class="badge status-([A-Z_]+)"', section, re.S)
    return firsts.count("CHUA_BAO_CAO")


@pytest.mark.django_db
def test_every_headline_names_the_unreported_count(client_for, units, halong):
    query = {"from": "2020-12", "to": "2021-08"}
    pages = [
        ("halong.ksv", reverse("indicator_unit", args=[halong.pk])),
        ("qn.vientruong", reverse("indicator_province", args=[units["QUANG-NINH"].pk])),
        ("admin", reverse("indicator_nation")),
    ]
    for username, path in pages:
        body = client_for(username).get(path, query).content.decode()
        unreported = unreported_badges(body)
        assert unreported >= 5, path
        headline = re.search(r'<p class="summary-line">([^<]*)</p>', body)
        assert headline, path
        # TB-01 alone arose: 162 / (10 + 180 − 9) = 89,5% < 90% → Không đạt.
        assert headline[1] == f"0/1 chỉ tiêu đạt (0,0%); {unreported} chỉ tiêu chưa báo cáo"


# --- bad months in the URL ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"month": "13/2026"}, "Tháng: “13/2026” không phải là một tháng"),
        ({"from": "abc"}, "Từ tháng: “abc” không phải là một tháng"),
        ({"from": "2021-01", "to": "2026-13"}, "Đến tháng: “2026-13” không phải là một tháng"),
    ],
)
def test_a_bad_month_is_a_message_not_another_period(client_for, halong, params, message):
    client = client_for("halong.ksv")
    response = client.get(reverse("indicator_dashboard"), params, follow=True)
    body = response.content.decode()
    assert response.status_code == 400
    assert response.redirect_chain[0][0].endswith("?" + response.request["QUERY_STRING"])
    assert message in body
    assert 'role="alert"' in body
    assert '<p class="summary-line">' not in body  # no results of some other period


@pytest.mark.django_db
def test_one_month_in_the_url(client_for, halong):
    path = reverse("indicator_unit", args=[halong.pk])
    body = client_for("halong.ksv").get(path, {"month": "03/2021"}).content.decode()
    assert period_of(body) == "03/2021"


@pytest.mark.django_db
def test_the_entry_page_refuses_a_bad_month_instead_of_opening_another(client_for, halong):
    path = reverse("figures_entry", args=[halong.pk])
    client = client_for("halong.ksv")
    with at(date(2021, 3, 15)):
        bad = client.get(path, {"month": "13/2026"})
        good = client.get(path, {"month": "01/2021"})
    body = bad.content.decode()
    assert bad.status_code == 400
    assert "Tháng: “13/2026” không phải là một tháng" in body
    assert 'value="13/2026"' in body  # the text stays to be corrected
    assert "Số liệu tháng" not in body and "Lưu số liệu" not in body  # no other month's grid
    assert good.status_code == 200
    assert "Số liệu tháng 01/2021" in good.content.decode()
