"""One cluster answer: a group's dashboard and `evaluate --group` give the same rows.

The page's pooled table and the command's csv and json rows are read back and compared
value by value, for a cluster (in both scopes) and for the nation, over the work year to
date of a frozen day.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from kiemsat.demo import catalogue
from kiemsat.indicators.engine import Status
from kiemsat.indicators.evaluation import indicators_in_force, quotas, spec_for
from kiemsat.indicators.models import Figure, Metric, Quota
from kiemsat.lib.periods import Month, MonthRange, work_year_of
from kiemsat.lib.vn import format_int
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm

pytestmark = pytest.mark.django_db

TODAY = datetime(2024, 4, 20, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
COLUMNS = ["unit_code", "indicator_code", "numerator", "denominator", "value", "status"]
# A row of the pooled results: the indicator's name, then its code, the counts, the status.
ROW = re.compile(
    r'<tr[^>]*>\s*<td><a href="[^"]*">[^<]+</a></td>\s*<td[^>]*>(?P<code>[^<]+)</td>\s*'
    r'<td[^>]*class="num">(?P<n>[^<]*)</td>\s*<td[^>]*class="num">(?P<d>[^<]*)</td>\s*'
    r'<td[^>]*class="num value">[^<]*</td>\s*<td[^>]*>[^<]*</td>\s*'
    r'<td[^>]*><span class="badge status-(?P<status>[A-Z_]+)">'
)
# Each member's figures each month: the pooled sums differ between the two scopes.
FIGURES = {
    "QUANG-NINH": {"TB_TON_DAU": 4, "TB_MOI": 9, "TB_DA_GQ": 8, "TT_TRUY_TO": 3},
    "QUANG-NINH-HA-LONG": {"TB_TON_DAU": 2, "TB_MOI": 5, "TB_DA_GQ": 5, "TT_DUNG_HAN": 2},
    "NGHE-AN": {"TB_MOI": 7, "TB_DA_GQ": 6, "TT_TRUY_TO": 4, "TT_DUNG_HAN": 4},
}


def work_year_to_date() -> MonthRange:
    """The frozen day's work year up to the month before it (the last closed month)."""
    last = Month.of(TODAY.date()).shift(-1)
    return MonthRange(Month(work_year_of(last) - 1, 12), last)


@pytest.fixture
def cluster(units):  # type: ignore[no-untyped-def]
    months = work_year_to_date()
    cluster = Cluster.objects.create(
        code="CUM-THU", name="Cụm thi đua thử", number=98, kind=ClusterKind.PROVINCIAL
    )
    term = ClusterTerm.objects.create(
        cluster=cluster, year=work_year_of(months.end), leader=units["QUANG-NINH"]
    )
    term.members.add(units["QUANG-NINH"], units["NGHE-AN"])
    metrics = {m.code: m for m in Metric.objects.all()}
    Figure.objects.bulk_create(
        Figure(unit=units[code], metric=metrics[metric], period=month.index, value=value + i)
        for code, values in FIGURES.items()
        for i, month in enumerate(months)
        for metric, value in values.items()
    )
    return cluster


def page_rows(client, path: str, months: MonthRange, scope: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    query = {"from": str(months.start), "to": str(months.end), "scope": scope}
    response = client.get(path, query)
    assert response.status_code == 200
    rows = [m.groupdict() for m in ROW.finditer(response.content.decode())]
    return [(r["code"], r["n"], r["d"], r["status"]) for r in rows]


def command_rows(code: str, months: MonthRange, scope: str, fmt: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command(
        "evaluate", "--group", code, "--from", str(months.start), "--to", str(months.end),
        "--scope", scope, "--format", fmt, stdout=out,
    )  # fmt: skip
    if fmt == "json":
        return list(json.loads(out.getvalue()))
    reader = csv.reader(io.StringIO(out.getvalue()))
    assert next(reader) == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in reader]


def as_shown(row: dict[str, str]) -> tuple[str, ...]:
    """A command row as the page prints it: whole numbers grouped, blank as empty."""

    def shown(text: str) -> str:
        return format_int(int(text)) if text else ""

    return (row["indicator_code"], shown(row["numerator"]), shown(row["denominator"]),
            row["status"])  # fmt: skip


def assert_same(page: list[tuple[str, ...]], code: str, months: MonthRange, scope: str) -> None:
    for fmt in ("csv", "json"):
        rows = command_rows(code, months, scope, fmt)
        assert {r["unit_code"] for r in rows} == {code}
        assert [as_shown(r) for r in rows] == page


@pytest.mark.parametrize("scope", ["own", "with-subordinates"])
def test_cluster_page_and_command_give_the_same_rows(client_for, cluster, scope):
    months = work_year_to_date()
    path = reverse("indicator_cluster", args=[cluster.pk])
    with time_machine.travel(TODAY, tick=False):
        page = page_rows(client_for("qn.vientruong"), path, months, scope)
    assert len(page) >= 10
    statuses = {status for *_, status in page}
    assert {Status.CHUA_BAO_CAO, Status.KHONG_DAT} <= statuses
    tb01 = next(row for row in page if row[0] == "TB-01")
    n = sum(FIGURES[c]["TB_DA_GQ"] * len(months) + sum(range(len(months))) for c in FIGURES
            if scope == "with-subordinates" or c != "QUANG-NINH-HA-LONG")  # fmt: skip
    assert tb01[1] == format_int(n)
    assert_same(page, "CUM-THU", months, scope)


def test_nation_page_and_command_give_the_same_rows(client_for, cluster):
    months = work_year_to_date()
    with time_machine.travel(TODAY, tick=False):
        page = page_rows(client_for("admin"), reverse("indicator_nation"), months, "own")
    tb01 = next(row for row in page if row[0] == "TB-01")
    n = sum(FIGURES[c]["TB_DA_GQ"] * len(months) + sum(range(len(months))) for c in FIGURES)
    assert tb01[1] == format_int(n)  # the nation always pools the local units in
    assert_same(page, "TOAN-QUOC", months, "own")


# --- one province, one answer: its "hai cấp" page, its page with subordinates, evaluate ---

MERGER_YEAR = MonthRange(Month(2024, 12), Month(2025, 9))  # Hạ Long ended on 30/06/2025
NEXT_YEAR = MonthRange(Month(2025, 12), Month(2026, 3))
QUOTAS = {  # work year 2025; Cẩm Phả ended too and never reported, so its quota drops out
    "QUANG-NINH": 5,
    "QUANG-NINH-HA-LONG": 6,
    "QUANG-NINH-KV3": 4,
    "QUANG-NINH-CAM-PHA": 3,
}


@pytest.fixture
def province(units):  # type: ignore[no-untyped-def]
    """Quảng Ninh from the merger's work year: Hạ Long reports to June 2025, KV3 from July.

    The demo catalogue carries the indicators past 30/09/2025, where the starter one ends.
    """
    catalogue.build(io.StringIO())
    indicators = {i.code: i for i in indicators_in_force(MERGER_YEAR.last_day(), {"provincial"})}
    kn02 = spec_for(indicators["KN-02"]).metrics()
    metrics = {m.code: m for m in Metric.objects.all()}
    both = [*MERGER_YEAR, *NEXT_YEAR]
    alive = {
        "QUANG-NINH": both,
        "QUANG-NINH-HA-LONG": [m for m in both if m <= Month(2025, 6)],
        "QUANG-NINH-KV3": [m for m in both if m >= Month(2025, 7)],
    }
    Figure.objects.bulk_create(
        Figure(unit=units[code], metric=metrics[metric], period=month.index, value=1)
        for code, months in alive.items()
        for month in months
        for metric in (*FIGURES["QUANG-NINH"], *kn02)
    )
    for code, value in QUOTAS.items():
        Quota.objects.create(unit=units[code], work_year=2025, indicator_code="KN-02", value=value)
        # a 2026 quota left on a unit that ended in 2025 must never count
        Quota.objects.create(
            unit=units[code], work_year=2026, indicator_code="KN-02", value=value + 10
        )
    return units["QUANG-NINH"]


def shown(value: int | None) -> str:
    return "" if value is None else format_int(value)


@pytest.mark.parametrize(
    ("months", "kn02_quota"),
    [
        (MERGER_YEAR, 5 + 6 + 4),  # Cẩm Phả's quota drops out with its silence
        (NEXT_YEAR, 15 + 14),  # Hạ Long's and Cẩm Phả's 2026 quotas lie after their end
    ],
    ids=["merger-year", "next-year"],
)
def test_province_pages_and_command_give_one_answer(client_for, province, months, kn02_quota):
    leader = client_for("qn.vientruong")
    query = {"from": str(months.start), "to": str(months.end)}
    day_after = months.end.shift(1).first_day() + timedelta(days=14)
    with time_machine.travel(datetime.combine(day_after, time(9), TODAY.tzinfo), tick=False):
        two_levels = page_rows(
            leader, reverse("indicator_province", args=[province.pk]), months, "own"
        )
        unit_page = leader.get(
            reverse("indicator_unit", args=[province.pk]), {**query, "scope": "with-subordinates"}
        )
    assert unit_page.status_code == 200
    with_subordinates = [
        (ev.indicator_code, shown(ev.numerator), shown(ev.denominator), str(ev.status))
        for ev in (line.evaluation for line in unit_page.context["dash"].table.lines)
    ]
    assert with_subordinates == two_levels
    kn02 = next(row for row in two_levels if row[0] == "KN-02")
    assert kn02[2] == format_int(kn02_quota)
    out = io.StringIO()
    call_command(
        "evaluate", "--unit", "QUANG-NINH", "--from", str(months.start),
        "--to", str(months.end), "--scope", "with-subordinates", "--format", "csv",
        stdout=out,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [as_shown(r) for r in rows] == two_levels


def test_a_quota_after_a_units_end_is_never_counted(province, units):
    ids = [units[code].pk for code in QUOTAS]
    assert quotas(ids, NEXT_YEAR) == {
        (units["QUANG-NINH"].pk, "KN-02"): 15,
        (units["QUANG-NINH-KV3"].pk, "KN-02"): 14,
    }
