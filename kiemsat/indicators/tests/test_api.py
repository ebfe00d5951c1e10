"""The JSON API: POST /api/figures (the rows of import_figures) and a unit's evaluation."""

from __future__ import annotations

from typing import Any

import pytest

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.models import Figure, FigureBatch, Source
from kiemsat.lib.periods import Month

HA_LONG = "QUANG-NINH-HA-LONG"
FIGURES = "/api/figures"


def row(period: str, metric: str, value: Any, unit: str = HA_LONG) -> dict[str, Any]:
    return {"unit_code": unit, "period": period, "metric_code": metric, "value": value}


def post(client, rows: list[dict[str, Any]], **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(FIGURES, {"rows": rows, **extra}, content_type="application/json")


def state() -> tuple[list[tuple[int, int, int, int]], int, int]:
    figures = sorted(Figure.objects.values_list("unit_id", "metric_id", "period", "value"))
    return figures, FigureBatch.objects.count(), AuditEntry.objects.count()


def values(unit_code: str = HA_LONG) -> dict[tuple[str, str], int]:
    rows = Figure.objects.filter(unit__code=unit_code).values_list(
        "period", "metric__code", "value"
    )
    return {(str(Month.from_index(p)), m): v for p, m, v in rows}


# --- POST /api/figures ---------------------------------------------------------------------------


def test_post_writes_rows(client_for, cast):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    response = post(client, [row("2021-01", "TB_MOI", 5), row("2021-02", "TB_DA_GQ", "4")])
    assert response.status_code == 200
    assert response.json() == {
        "rows": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
    }
    assert values() == {("2021-01", "TB_MOI"): 5, ("2021-02", "TB_DA_GQ"): 4}
    assert set(Figure.objects.values_list("source", flat=True)) == {Source.API}
    batch = FigureBatch.objects.get()
    assert (batch.source, batch.actor, batch.rows, batch.created) == (
        Source.API, cast["halong.ksv"], 2, 2,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="indicators.figures_import")
    assert (entry.actor, entry.object_id) == (cast["halong.ksv"], str(batch.pk))

    again = post(client, [row("2021-01", "TB_MOI", 5), row("2021-02", "TB_DA_GQ", 6)])
    assert again.json() == {"rows": 2, "created": 0, "updated": 1, "unchanged": 1, "dry_run": False}
    assert values() == {("2021-01", "TB_MOI"): 5, ("2021-02", "TB_DA_GQ"): 6}


def test_dry_run_writes_nothing(client_for):  # type: ignore[no-untyped-def]
    before = state()
    response = post(client_for("halong.ksv"), [row("2021-01", "TB_MOI", 5)], dry_run=True)
    assert response.status_code == 200
    assert response.json() == {
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "dry_run": True,
    }
    assert state() == before


def test_bad_rows_are_refused_by_row_and_nothing_written(client_for):  # type: ignore[no-untyped-def]
    before = state()
    rows = [
        row("2021-01", "TB_MOI", -5),
        row("2021-13", "TB_MOI", 5),
        row("2021-01", "TB_DA_GQ", "1.5"),
        row("2021-01", "KHONG_CO", 1),
        row("2021-01", "TB_CHUYEN", "=1+1"),
        row("2021-01", "TB_TON_DAU", 3),  # a good row: not written either
    ]
    response = post(client_for("halong.ksv"), rows)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Số liệu bị từ chối, không dòng nào được ghi: 5 lỗi.",
        "errors": [
            "dòng 1: giá trị âm (-5)",
            "dòng 2: kỳ '2021-13' không hợp lệ (MM/YYYY hoặc YYYY-MM)",
            "dòng 3: giá trị '1.5' không phải số nguyên không âm",
            "dòng 4: không có số liệu mã hoặc tên 'KHONG_CO' (cột metric_code)",
            "dòng 5: ô chứa công thức '=1+1', chỉ nhận số",
        ],
    }
    assert state() == before


def test_rows_of_another_unit_are_refused(client_for):  # type: ignore[no-untyped-def]
    before = state()
    rows = [row("2021-01", "TB_MOI", 5), row("2021-01", "TB_MOI", 5, unit="HA-GIANG")]
    response = post(client_for("halong.ksv"), rows)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Số liệu bị từ chối, không dòng nào được ghi: 1 lỗi.",
        "errors": ["dòng 2: bạn không có quyền nhập số liệu cho đơn vị 'HA-GIANG'"],
    }
    assert state() == before


def test_viewer_cannot_write(client_for):  # type: ignore[no-untyped-def]
    before = state()
    response = post(client_for("qn.xem"), [row("2021-01", "TB_MOI", 5)])
    assert response.status_code == 400
    assert response.json()["errors"] == [
        f"dòng 1: bạn không có quyền nhập số liệu cho đơn vị '{HA_LONG}'"
    ]
    assert state() == before


def test_duplicate_rows_name_both(client_for):  # type: ignore[no-untyped-def]
    response = post(client_for("halong.ksv"), [row("2021-01", "TB_MOI", 5)] * 2)
    assert response.json()["errors"] == [f"dòng 2: trùng với dòng 1 ({HA_LONG}, 2021-01, TB_MOI)"]


def test_anonymous_gets_401(client, units):  # type: ignore[no-untyped-def]
    before = state()
    assert post(client, [row("2021-01", "TB_MOI", 5)]).status_code == 401
    assert state() == before
    url = f"/api/units/{HA_LONG}/evaluation?from=2021-01&to=2021-03"
    assert client.get(url).status_code == 401


def test_fractional_json_number_is_refused_by_row(client_for):  # type: ignore[no-untyped-def]
    response = post(client_for("halong.ksv"), [row("2021-01", "TB_MOI", 1.5)])
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("dòng 1: ")


def test_json_boolean_is_refused(client_for):  # type: ignore[no-untyped-def]
    before = state()
    response = post(client_for("halong.ksv"), [row("2021-01", "TB_MOI", True)])
    assert response.status_code == 400
    assert state() == before


def test_value_beyond_the_database_range_is_refused(client_for):  # type: ignore[no-untyped-def]
    before = state()
    response = post(client_for("halong.ksv"), [row("2021-01", "TB_MOI", 10**20)])
    assert response.status_code == 400
    assert response.json()["errors"][0].startswith("dòng 1: ")
    assert state() == before


# --- GET /api/units/{code}/evaluation -------------------------------------------------------------


@pytest.fixture
def ha_long_q1(client_for):  # type: ignore[no-untyped-def]
    """TB-01 for Jan–Mar 2021: 23 solved of 10 + 15 − 1 = 24 (95,83% > 90%)."""
    rows = [
        row("2021-01", "TB_TON_DAU", 10),
        *(row(f"2021-0{m}", "TB_MOI", 5) for m in (1, 2, 3)),
        row("2021-02", "TB_CHUYEN", 1),
        row("2021-01", "TB_DA_GQ", 10),
        row("2021-02", "TB_DA_GQ", 8),
        row("2021-03", "TB_DA_GQ", 5),
        row("2021-03", "TT_TRUY_TO", 3),
        row("2021-03", "TT_DUNG_HAN", 2),
        row("2021-01", "TB_MOI", 7, unit="QUANG-NINH-UONG-BI"),
        row("2021-01", "TB_DA_GQ", 6, unit="QUANG-NINH-UONG-BI"),
    ]
    assert post(client_for("qn.vientruong"), rows).status_code == 200


def evaluation(client, code: str = HA_LONG, query: str = "from=2021-01&to=2021-03"):  # type: ignore[no-untyped-def]
    return client.get(f"/api/units/{code}/evaluation?{query}")


def test_evaluation_returns_the_statuses(client_for, ha_long_q1):  # type: ignore[no-untyped-def]
    response = evaluation(client_for("halong.ksv"))
    assert response.status_code == 200
    body = response.json()
    rows = {r["indicator_code"]: r for r in body["items"]}
    assert body["count"] == len(rows)
    assert rows["TB-01"] == {
        "unit_code": HA_LONG,
        "indicator_code": "TB-01",
        "numerator": 23,
        "denominator": 24,
        "value": "95.8333",
        "status": "VUOT",
        "status_label": "Vượt",
        "display": "95,8%",
    }
    assert (rows["TT-01"]["numerator"], rows["TT-01"]["denominator"]) == (2, 3)
    assert (rows["TT-01"]["status"], rows["TT-01"]["display"]) == ("KHONG_DAT", "66,7%")
    assert rows["TB-03"]["status"] == "CHUA_BAO_CAO"
    assert rows["TB-03"]["numerator"] is None
    assert {r["unit_code"] for r in rows.values()} == {HA_LONG}


def test_evaluation_with_subordinates_pools_the_local_units(client_for, ha_long_q1):  # type: ignore[no-untyped-def]
    response = evaluation(
        client_for("qn.vientruong"), "QUANG-NINH", "from=2021-01&to=2021-03&scope=with-subordinates"
    )
    assert response.status_code == 200
    tb01 = next(r for r in response.json()["items"] if r["indicator_code"] == "TB-01")
    assert (tb01["numerator"], tb01["denominator"]) == (23 + 6, 24 + 7)
    own = evaluation(client_for("qn.vientruong"), "QUANG-NINH").json()["items"]
    assert {r["status"] for r in own} == {"CHUA_BAO_CAO"}


def test_leader_above_reads_the_evaluation(client_for, ha_long_q1):  # type: ignore[no-untyped-def]
    response = evaluation(client_for("qn.vientruong"))
    assert response.status_code == 200
    rows = response.json()["items"]
    assert any(r["indicator_code"] == "TB-01" and r["numerator"] == 23 for r in rows)


@pytest.mark.parametrize("username", ["hagiang.ksv", "nguoingoai"])
def test_evaluation_of_another_unit_is_404(client_for, ha_long_q1, username):  # type: ignore[no-untyped-def]
    assert evaluation(client_for(username)).status_code == 404


def test_evaluation_is_paged_like_every_list(client_for, ha_long_q1):  # type: ignore[no-untyped-def]
    whole = evaluation(client_for("halong.ksv")).json()
    first = evaluation(client_for("halong.ksv"), query="from=2021-01&to=2021-03&limit=2").json()
    rest = evaluation(client_for("halong.ksv"), query="from=2021-01&to=2021-03&offset=2").json()
    assert first["count"] == rest["count"] == whole["count"] > 2
    assert first["items"] + rest["items"] == whole["items"]
    assert (
        evaluation(client_for("halong.ksv"), query="from=2021-01&to=2021-03&limit=501").status_code
        == 422
    )


def test_evaluation_of_an_unknown_unit_is_404(client_for):  # type: ignore[no-untyped-def]
    assert evaluation(client_for("halong.ksv"), "KHONG-CO").status_code == 404


@pytest.mark.parametrize("query", ["from=2021-13&to=2021-03", "from=2021-03&to=2021-01"])
def test_evaluation_refuses_bad_months(client_for, query):  # type: ignore[no-untyped-def]
    response = evaluation(client_for("halong.ksv"), query=query)
    assert response.status_code == 400
    assert "Kỳ không hợp lệ" in response.json()["detail"]
