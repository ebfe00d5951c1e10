"""Derived figures: exactly the register's counts, in SQL, refused as typed or imported."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.catalogue import metrics_flag_derived
from kiemsat.indicators.entry_selectors import typed_metrics
from kiemsat.indicators.evaluation import evaluate_unit
from kiemsat.indicators.imports import ImportRefused, RawRow
from kiemsat.indicators.models import Figure, Metric
from kiemsat.indicators.providers import PROVIDERS, derived_codes
from kiemsat.indicators.services import figures_import
from kiemsat.lib.periods import Month, MonthRange
from kiemsat.oversight.models import Field, Kind, Outcome
from kiemsat.oversight.provider import CODES, PROVIDER

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = (Month(2025, m).index for m in (1, 2, 3, 4))


@pytest.fixture
def register(make, partners):  # type: ignore[no-untyped-def]
    """Hạ Long, early 2025: what each derived figure must count."""
    court = partners["TAND-QUANG-NINH"]
    make(1, answer=(date(2025, 1, 20), Outcome.ACCEPTED))  # KNG Jan, accepted
    make(2, answer=(date(2025, 1, 21), Outcome.PARTLY))  # KNG Jan, partly = accepted
    make(3, answer=(date(2025, 1, 22), Outcome.REJECTED))  # KNG Jan, rejected
    make(4, issued_on=date(2025, 2, 3), received_on=None)  # KNG Feb, unanswered
    make(5, kind=Kind.PREVENTION, field=Field.OTHER)  # KNPN Jan
    make(6, kind=Kind.REQUEST, field=Field.INVESTIGATION)  # counted nowhere
    appeal = {"kind": Kind.APPEAL, "recipient": court, "rule": None}
    decided = "Bản án hình sự phúc thẩm số 1/2025/HS-PT"
    # Issued in January, decided in March: counted in March (the decision's month).
    make(
        7,
        field=Field.CRIMINAL,
        answer=(date(2025, 3, 5), Outcome.ACCEPTED),
        court_decision=decided,
        **appeal,
    )
    make(
        8,
        field=Field.CRIMINAL,
        answer=(date(2025, 3, 6), Outcome.REJECTED),
        court_decision=decided,
        **appeal,
    )
    make(9, field=Field.CRIMINAL, **appeal)  # not decided yet: not counted
    make(
        10,
        field=Field.ADMINISTRATIVE,
        answer=(date(2025, 2, 10), Outcome.PARTLY),
        court_decision="BA 2/2025/HC-PT",
        **appeal,
    )
    make(
        11,
        field=Field.FAMILY,
        answer=(date(2025, 2, 11), Outcome.REJECTED),
        court_decision="BA 3/2025/HNGĐ-PT",
        **appeal,
    )
    # Another unit's entries never leak into Hạ Long's figures.
    make(1, unit="QUANG-NINH", recipient=partners["CA-QUANG-NINH"])


def _cells(unit_ids, first=JAN, last=APR):  # type: ignore[no-untyped-def]
    totals: dict[tuple[int, str, int], int] = {}
    for unit, code, period, value in PROVIDER.monthly_values(unit_ids, first, last):
        key = (unit, code, period)
        totals[key] = totals.get(key, 0) + value
    return totals


def test_figures_equal_the_registers_counts(register, units) -> None:
    halong = units["QUANG-NINH-HA-LONG"].pk
    cells = {(c, p): v for (u, c, p), v in _cells([halong]).items() if v}
    assert cells == {
        ("KNG_BAN_HANH", JAN): 3,
        ("KNG_CHAP_NHAN", JAN): 2,  # chấp nhận + chấp nhận một phần
        ("KNG_BAN_HANH", FEB): 1,
        ("KNPN_BAN_HANH", JAN): 1,
        ("KNPT_HS_DA_XET", MAR): 2,
        ("KNPT_HS_CHAP_NHAN", MAR): 1,
        ("KNPT_DS_DA_XET", FEB): 2,  # administrative and family count as civil
        ("KNPT_DS_CHAP_NHAN", FEB): 1,
    }


def test_range_limits_and_zero_rows_for_units_that_use_the_register(register, units) -> None:
    halong, kv3 = units["QUANG-NINH-HA-LONG"].pk, units["QUANG-NINH-KV3"].pk
    cells = _cells([halong, kv3], first=APR, last=APR)
    # Hạ Long used the register before April: every code is present, all zero.
    assert {c for (u, c, _), v in cells.items() if u == halong and v == 0} == CODES
    assert not any(v for v in cells.values())
    # A unit that never used the register has no rows at all ("chưa báo cáo").
    assert not any(u == kv3 for u, _, _ in cells)
    # Before its first entry a unit has no rows either.
    assert _cells([halong], first=Month(2024, 11).index, last=Month(2024, 12).index) == {}


@pytest.mark.parametrize(
    ("first", "last"), [(JAN, APR), (FEB, FEB), (APR, APR), (Month(2024, 11).index, JAN)]
)
def test_range_totals_are_the_monthly_values_summed(register, units, first, last) -> None:  # type: ignore[no-untyped-def]
    ids = [units[c].pk for c in ("QUANG-NINH-HA-LONG", "QUANG-NINH", "QUANG-NINH-KV3")]
    summed: dict[tuple[int, str], int] = {}
    for (unit, code, _), value in _cells(ids, first, last).items():
        summed[(unit, code)] = summed.get((unit, code), 0) + value
    totals = {(u, c): v for u, c, v in PROVIDER.range_totals(ids, first, last)}
    assert totals == summed
    assert any(totals.values()) == (first <= MAR)


def test_a_unit_reads_the_same_from_range_totals_as_from_months(register, units) -> None:  # type: ignore[no-untyped-def]
    """Evaluation takes the totals for summed codes; by month it must come out the same."""
    from kiemsat.indicators import evaluation

    halong = units["QUANG-NINH-HA-LONG"].pk
    kinds = dict.fromkeys(CODES, "sum")
    by_total = evaluation._provider_rows([halong], kinds, JAN, APR)
    kinds["KNG_BAN_HANH"] = "last"  # forces the monthly path; then compare the other codes

    def read(rows):  # type: ignore[no-untyped-def]
        return {(u, c, v, n > 0) for u, c, v, n in rows if c != "KNG_BAN_HANH"}

    by_month = evaluation._provider_rows([halong], kinds, JAN, APR)
    assert read(by_total) == read(by_month)
    assert len(read(by_total)) == len(CODES) - 1
    assert ("KNG_BAN_HANH", 4) in {(c, v) for _, c, v, _ in by_total}  # 3 in Jan, 1 in Feb


def test_provider_aggregates_in_sql(register, units) -> None:
    ids = list(units[c].pk for c in ("QUANG-NINH-HA-LONG", "QUANG-NINH", "QUANG-NINH-KV3"))
    with CaptureQueriesContext(connection) as queries:
        PROVIDER.monthly_values(ids, JAN, APR)
    assert len(queries) == 3
    assert all("GROUP BY" in q["sql"] for q in queries.captured_queries)


def test_provider_is_registered_and_metrics_are_flagged_derived() -> None:
    assert PROVIDER in PROVIDERS
    assert derived_codes() >= CODES
    flagged = set(
        Metric.objects.filter(code__in=CODES, derived=True).values_list("code", flat=True)
    )
    assert flagged == CODES
    assert not CODES & {m.code for m in typed_metrics()}


def test_indicators_flags_the_registered_metrics_once_and_audits_it() -> None:
    Metric.objects.filter(code="KNG_BAN_HANH").update(derived=False)
    assert metrics_flag_derived() == 1
    assert Metric.objects.get(code="KNG_BAN_HANH").derived
    entry = AuditEntry.objects.filter(action="seed").latest("pk")
    assert entry.changes == {"derived": [False, True]}
    assert metrics_flag_derived() == 0


def test_import_of_a_derived_metric_is_refused_with_a_clear_message(units) -> None:
    rows = [RawRow(2, "QUANG-NINH-HA-LONG", "2025-01", "KNG_BAN_HANH", 4)]
    with pytest.raises(ImportRefused) as refused:
        figures_import(actor=None, rows=rows)
    assert refused.value.errors == [
        "dòng 2: số liệu 'KNG_BAN_HANH' được tính từ sổ theo dõi, không nhập tay hoặc từ tệp"
    ]


def test_entry_grid_does_not_offer_derived_metrics(client_for, units) -> None:
    from django.urls import reverse

    url = reverse("figures_entry", args=[units["QUANG-NINH-HA-LONG"].pk])
    body = client_for("halong.ksv").get(url, {"month": "2025-01"}).content.decode()
    assert "TB_MOI" in body
    assert "KNG_BAN_HANH" not in body
    response = client_for("halong.ksv").post(f"{url}?month=2025-01", {"KNG_BAN_HANH": "3"})
    assert not Figure.objects.filter(metric__code="KNG_BAN_HANH").exists()
    assert response.status_code in (302, 400)


def test_indicators_come_from_the_register(register, units) -> None:
    table = evaluate_unit(units["QUANG-NINH-HA-LONG"], MonthRange(Month(2025, 1), Month(2025, 3)))
    lines = table.by_code()
    kn01 = lines["KN-01"].evaluation
    assert (kn01.numerator, kn01.denominator) == (2, 4)
    assert lines["KN-01"].display_value == "50,0%"
    assert lines["KN-02"].evaluation.numerator == 1  # the count C of prevention recommendations
    xx01 = lines["XX-01"].evaluation
    assert (xx01.numerator, xx01.denominator) == (1, 2)
    xx02 = lines["XX-02"].evaluation
    assert (xx02.numerator, xx02.denominator) == (1, 2)


def test_api_entry_of_a_derived_metric_is_refused(client_for) -> None:
    payload = {
        "rows": [
            {
                "unit_code": "QUANG-NINH-HA-LONG",
                "period": "2025-01",
                "metric_code": "KNPT_HS_DA_XET",
                "value": 2,
            }
        ]
    }
    response = client_for("halong.ksv").post(
        "/api/figures", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert "được tính từ sổ theo dõi" in response.json()["errors"][0]


def test_dashboard_shows_the_registers_figures(register, client_for, units) -> None:
    from django.urls import reverse

    url = reverse("indicator_unit", args=[units["QUANG-NINH-HA-LONG"].pk])
    response = client_for("qn.vientruong").get(url, {"from": "2025-01", "to": "2025-03"})
    assert response.status_code == 200
    body = response.content.decode()
    row = body[body.index(">KN-01<") :].split("</tr>", 1)[0]
    assert "50,0%" in row
