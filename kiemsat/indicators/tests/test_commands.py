"""`evaluate` and `load_catalogue` (DESIGN §6), and the engine checked against DuckDB end to end.

The acceptance test imports random figures with `import_figures`, evaluates every unit and
the cluster with `evaluate --format csv`, and requires the same rows as
bench/duckdb_engine.evaluate_duckdb computed from the same CSV file.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from openpyxl import Workbook

from bench.duckdb_engine import evaluate_duckdb
from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.evaluation import spec_for
from kiemsat.indicators.models import Catalogue, Figure, Indicator, Metric, Quota
from kiemsat.lib.periods import Month, MonthRange
from kiemsat.org.models import ClusterTerm

COLUMNS = ["unit_code", "indicator_code", "numerator", "denominator", "value", "status"]
HEADER = "unit_code,period,metric_code,value"
HA_LONG = "QUANG-NINH-HA-LONG"


def write_csv(path: Path, rows: list[tuple[str, str, str, object]]) -> Path:
    lines = [HEADER, *(",".join(str(c) for c in row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_csv(path: Path) -> str:
    out = io.StringIO()
    call_command("import_figures", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def evaluate_csv(*who: str, start: str, end: str) -> list[dict[str, str]]:
    text = run("evaluate", *who, "--from", start, "--to", end, "--format", "csv")
    reader = csv.reader(io.StringIO(text))
    assert next(reader) == COLUMNS
    return [dict(zip(COLUMNS, row, strict=True)) for row in reader]


def by_indicator(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["indicator_code"]: row for row in rows}


# --- evaluate: output formats ---------------------------------------------------------------


@pytest.fixture
def ha_long_q1(units, tmp_path):  # type: ignore[no-untyped-def]
    """Ha Long, Jan–Mar 2021: TB-01 23/24 (VUOT), TB-02 1/3, TT-01 4/4 (DAT), TB-03 2 of 3."""
    rows = [
        (HA_LONG, "2021-01", "TB_TON_DAU", 10),
        (HA_LONG, "2021-02", "TB_TON_DAU", 7),  # not the first month: ignored
        *((HA_LONG, f"2021-0{m}", "TB_MOI", 5) for m in (1, 2, 3)),
        (HA_LONG, "2021-02", "TB_CHUYEN", 1),
        (HA_LONG, "2021-01", "TB_DA_GQ", 10),
        (HA_LONG, "2021-02", "TB_DA_GQ", 8),
        (HA_LONG, "2021-03", "TB_DA_GQ", 5),
        (HA_LONG, "2021-04", "TB_DA_GQ", 50),  # outside the range
        (HA_LONG, "2021-01", "TB_QUA_HAN", 9),  # not the last month: ignored
        (HA_LONG, "2021-03", "TB_QUA_HAN", 1),
        (HA_LONG, "2021-03", "TB_CHUA_GQ", 3),
        (HA_LONG, "2021-02", "TT_TRUY_TO", 4),
        (HA_LONG, "2021-02", "TT_DUNG_HAN", 4),
        (HA_LONG, "2021-03", "TB_KSTT", 2),
    ]
    import_csv(write_csv(tmp_path / "q1.csv", rows))
    Quota.objects.create(unit=units[HA_LONG], indicator_code="TB-03", work_year=2021, value=3)
    Quota.objects.create(unit=units[HA_LONG], indicator_code="TB-03", work_year=2020, value=1)


def test_evaluate_csv_rows_and_values(ha_long_q1):  # type: ignore[no-untyped-def]
    rows = evaluate_csv("--unit", HA_LONG, start="2021-01", end="2021-03")
    got = by_indicator(rows)
    assert {r["unit_code"] for r in rows} == {HA_LONG}
    assert set(got) == set(Indicator.objects.values_list("code", flat=True))
    assert got["TB-01"] == dict(
        unit_code=HA_LONG,
        indicator_code="TB-01",
        numerator="23",
        denominator="24",
        value="95.8333",
        status="VUOT",
    )
    assert (got["TB-02"]["numerator"], got["TB-02"]["denominator"]) == ("1", "3")
    assert (got["TB-02"]["value"], got["TB-02"]["status"]) == ("33.3333", "THEO_DOI")
    assert (got["TT-01"]["value"], got["TT-01"]["status"]) == ("100.0000", "DAT")
    # a count: numerator is the count, denominator the quota of work year 2021
    assert [got["TB-03"][k] for k in COLUMNS[2:]] == ["2", "3", "2.0000", "KHONG_DAT"]
    assert [got["XX-01"][k] for k in COLUMNS[2:]] == ["", "", "", "CHUA_BAO_CAO"]


def test_evaluate_json_has_the_same_rows(ha_long_q1):  # type: ignore[no-untyped-def]
    expected = evaluate_csv("--unit", HA_LONG, start="2021-01", end="2021-03")
    text = run(
        "evaluate", "--unit", HA_LONG, "--from", "2021-01", "--to", "2021-03", "--format", "json"
    )
    rows = json.loads(text)
    assert all(list(row) == COLUMNS for row in rows)
    assert [{k: str(v) for k, v in row.items()} for row in rows] == expected


def test_evaluate_reads_months_as_mm_yyyy_too(ha_long_q1):  # type: ignore[no-untyped-def]
    expected = evaluate_csv("--unit", HA_LONG, start="2021-01", end="2021-03")
    assert evaluate_csv("--unit", HA_LONG, start="01/2021", end="3/2021") == expected


def test_evaluate_table_prints_the_summary_lines(ha_long_q1):  # type: ignore[no-untyped-def]
    text = run("evaluate", "--unit", HA_LONG, "--from", "2021-01", "--to", "2021-03")
    lines = text.splitlines()
    # arising: TB-01 VUOT, TT-01 DAT, TB-03 KHONG_DAT; eligible (>, quota): TB-01, TB-03
    unreported = [ln for ln in lines if ln.endswith("Chưa báo cáo")]
    assert f"2/3 chỉ tiêu đạt (66,7%); {len(unreported)} chỉ tiêu chưa báo cáo" in lines
    assert len(unreported) >= 5
    assert "1/2 chỉ tiêu vượt (50,0%)" in lines
    assert any(line.startswith("TB-01") and "95,8%" in line for line in lines)


def test_evaluate_refuses_unknown_unit_and_bad_months(units):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="KHONG-CO"):
        run("evaluate", "--unit", "KHONG-CO", "--from", "2021-01", "--to", "2021-03")
    with pytest.raises(CommandError, match="2021-13"):
        run("evaluate", "--unit", HA_LONG, "--from", "2021-13", "--to", "2021-03")
    with pytest.raises(CommandError):
        run("evaluate", "--unit", HA_LONG, "--from", "2021-05", "--to", "2021-03")


def cum6_members(year: int = 2021) -> list[str]:
    term = ClusterTerm.objects.get(cluster__code="CUM-6", year=year)
    return sorted(term.members.values_list("code", flat=True))


def test_evaluate_group_pools_the_members(units, tmp_path):  # type: ignore[no-untyped-def]
    members = cum6_members()
    assert len(members) == 6
    a, b, c = members[:3]
    rows = [
        (a, "2020-12", "TB_TON_DAU", 4),
        (a, "2021-03", "TB_MOI", 10),
        (a, "2021-04", "TB_DA_GQ", 13),
        (b, "2021-11", "TB_MOI", 6),
        (b, "2021-11", "TB_DA_GQ", 6),
        (b, "2021-12", "TB_DA_GQ", 100),  # next work year
        (c, "2021-05", "TB_CHUYEN", 2),
        (c, "2021-05", "TT_TRUY_TO", 1),
    ]
    import_csv(write_csv(tmp_path / "cum6.csv", rows))
    group = evaluate_csv("--group", "CUM-6", start="2020-12", end="2021-11")
    assert {r["unit_code"] for r in group} == {"CUM-6"}
    each = [
        by_indicator(evaluate_csv("--unit", m, start="2020-12", end="2021-11")) for m in members
    ]
    tb01 = by_indicator(group)["TB-01"]
    numerators = [int(e["TB-01"]["numerator"] or 0) for e in each]
    assert int(tb01["numerator"]) == sum(numerators) == 19
    assert int(tb01["denominator"]) == (4 + 10) + 6 + (0 + 0 - 2) == 18
    assert (tb01["value"], tb01["status"]) == ("105.5556", "VUOT")
    assert [e["TB-01"]["status"] for e in each].count("CHUA_BAO_CAO") == 3
    assert by_indicator(group)["XX-01"]["status"] == "CHUA_BAO_CAO"


# --- the acceptance test: evaluate == DuckDB on the same CSV ---------------------------------

START, END = Month(2020, 12), Month(2021, 11)
QUOTA_INDICATORS = ("TB-03", "TG-02", "XX-03")
QN_UNITS = ["QUANG-NINH", HA_LONG, "QUANG-NINH-UONG-BI", "QUANG-NINH-CO-TO"]
VALUES = (0, 0, 1, 1, 2, 3, 4, 5, 7, 9, 12, 20)


def random_rows(rng: random.Random, codes: list[str], metrics: list[str]) -> list[tuple]:
    """Sparse, sometimes zero, sometimes missing figures, with a few rows around the range."""
    months = [str(m) for m in MonthRange(START.shift(-1), END.shift(1))]
    rows: list[tuple] = []
    for code in codes:
        for metric in metrics:
            mode = rng.random()
            if mode < 0.15:
                continue  # never reported
            if mode < 0.25:
                chosen = rng.sample(months, rng.randint(1, 3))
            else:
                chosen = [m for m in months if rng.random() < 0.8]
            zero = rng.random() < 0.1
            for month in chosen:
                rows.append((code, month, metric, 0 if zero else rng.choice(VALUES)))
    # make some "=" ratios exact
    prosecuted = {r[:2]: r[3] for r in rows if r[2] == "TT_TRUY_TO"}
    for i, (code, month, metric, _) in enumerate(rows):
        if metric == "TT_DUNG_HAN" and (code, month) in prosecuted and rng.random() < 0.6:
            rows[i] = (code, month, metric, prosecuted[(code, month)])
    rng.shuffle(rows)
    return rows


def indicators_on(day: date) -> list[Indicator]:
    rows = Indicator.objects.filter(effective_from__lte=day).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=day)
    )
    latest: dict[str, Indicator] = {}
    for ind in rows.order_by("code", "-effective_from"):
        latest.setdefault(ind.code, ind)
    return list(latest.values())


def expected_value(ind: Indicator, numerator: str, denominator: str, status: str) -> str:
    if status == "CHUA_BAO_CAO" or (ind.kind == "ratio" and status == "KHONG_PHAT_SINH"):
        return ""
    exact = Fraction(int(numerator))
    if ind.kind == "ratio":
        exact = Fraction(100 * int(numerator), int(denominator))
    units4 = (exact * 10000 * 2 + 1) // 2  # half up; values here are ≥ 0
    return f"{units4 // 10000}.{units4 % 10000:04d}"


def duckdb_rows(path: Path, indicators: list[Indicator], codes: list[str], members: list[str]):  # type: ignore[no-untyped-def]
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE figures AS
        SELECT unit_code,
               CAST(substr(period, 1, 4) AS INTEGER) * 12 + CAST(substr(period, 6, 2) AS INTEGER)
                   - 1 AS month,
               metric_code, CAST(value AS BIGINT) AS value
        FROM read_csv(?, header = true, all_varchar = true)
        WHERE value IS NOT NULL AND trim(value) <> ''""",
        [str(path)],
    )
    quotas = {
        (q.unit.code, q.indicator_code): q.value
        for q in Quota.objects.filter(work_year=2021).select_related("unit")
    }
    return evaluate_duckdb(
        con,
        "figures",
        [spec_for(ind) for ind in indicators],
        [m.index for m in MonthRange(START, END)],
        quotas,
        {"CUM-6": members},
        kinds=dict(Metric.objects.values_list("code", "aggregation")),
        units=codes,
    )


def test_evaluate_agrees_with_duckdb_on_random_figures(units, tmp_path):  # type: ignore[no-untyped-def]
    rng = random.Random(20211130)
    members = cum6_members()
    reporting = members[:4]  # the last two members report nothing at all
    codes = [*members, *QN_UNITS]
    metrics = sorted(Metric.objects.filter(derived=False).values_list("code", flat=True))
    rows = random_rows(rng, [*reporting, *QN_UNITS], metrics)
    rows.append((members[4], "2021-01", "TB_MOI", ""))  # a blank cell reports nothing
    path = write_csv(tmp_path / "random.csv", rows)
    import_csv(path)
    for code in codes:
        for ind in QUOTA_INDICATORS:
            if rng.random() < 0.7:
                Quota.objects.create(
                    unit=units[code], indicator_code=ind, work_year=2021, value=rng.randint(0, 15)
                )
            Quota.objects.create(unit=units[code], indicator_code=ind, work_year=2020, value=99)

    indicators = indicators_on(END.last_day())
    kinds = {ind.code: ind for ind in indicators}
    expected = sorted(duckdb_rows(path, indicators, codes, members))
    got = []
    for who in [*(("--unit", c) for c in codes), ("--group", "CUM-6")]:
        for row in evaluate_csv(*who, start=str(START), end=str(END)):
            n, d, s = row["numerator"], row["denominator"], row["status"]
            assert row["value"] == expected_value(kinds[row["indicator_code"]], n, d, s), row
            got.append(
                (row["unit_code"], row["indicator_code"], int(n) if n else None,
                 int(d) if d else None, s)
            )  # fmt: skip
    diff = sorted(set(got) ^ set(expected))
    assert not diff, diff[:20]
    assert sorted(got) == expected
    statuses = {row[4] for row in got}
    assert statuses >= {
        "VUOT", "DAT", "KHONG_DAT", "KHONG_PHAT_SINH", "CHUA_BAO_CAO", "KHONG_CO_CHI_TIEU",
        "THEO_DOI",
    }  # fmt: skip


# --- load_catalogue ---------------------------------------------------------------------------

YAML_OK = """\
catalogue:
  code: "THU-2030"
  name: "Bộ chỉ tiêu thử"
  basis: "Quyết định thử"
  effective_from: "2030-01-01"
  effective_to: "2030-12-31"
metrics:
  - {code: THU_A, aggregation: sum, name: "Số A"}
  - {code: THU_B, aggregation: last, name: "Số B"}
indicators:
  - code: THU-01
    field: "Thử"
    name: "Tỷ lệ A trên B"
    numerator: "THU_A"
    denominator: "THU_B + TB_MOI"
    target: {op: ">=", value: 87.5}
    levels: [provincial, local]
    verified: true
    target_verified: partial
  - code: THU-02
    field: "Thử"
    name: "Số A so với chỉ tiêu được giao"
    count: "THU_A"
    target: {op: "quota"}
    levels: [local]
    verified: false
    target_verified: false
"""


def counts() -> tuple[int, int, int, int]:
    return (
        Catalogue.objects.count(),
        Metric.objects.count(),
        Indicator.objects.count(),
        AuditEntry.objects.count(),
    )


def check_loaded() -> None:
    catalogue = Catalogue.objects.get(code="THU-2030")
    assert (catalogue.effective_from, catalogue.effective_to) == (
        date(2030, 1, 1),
        date(2030, 12, 31),
    )
    assert dict(
        Metric.objects.filter(code__startswith="THU_").values_list("code", "aggregation")
    ) == {
        "THU_A": "sum",
        "THU_B": "last",
    }
    one = Indicator.objects.get(code="THU-01")
    assert (one.kind, one.op, one.target, one.catalogue_id) == (
        "ratio",
        ">=",
        Decimal("87.5"),
        catalogue.pk,
    )
    assert (one.numerator, one.denominator, one.levels) == (
        "THU_A",
        "THU_B + TB_MOI",
        ["provincial", "local"],
    )
    assert (one.verified, one.target_verified) == ("yes", "partial")
    assert (one.effective_from, one.effective_to) == (date(2030, 1, 1), date(2030, 12, 31))
    two = Indicator.objects.get(code="THU-02")
    assert (two.kind, two.count, two.op, two.target, two.levels) == (
        "count",
        "THU_A",
        "quota",
        None,
        ["local"],
    )


def test_load_catalogue_yaml_creates_then_changes_nothing(units, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "thu.yaml"
    path.write_text(YAML_OK, encoding="utf-8")
    before = counts()
    out = run("load_catalogue", str(path))
    assert "thêm 2 số liệu, thêm 2 và cập nhật 0 chỉ tiêu" in out
    check_loaded()
    after = counts()
    assert after[:3] == (before[0] + 1, before[1] + 2, before[2] + 2)
    again = run("load_catalogue", str(path))
    assert "thêm 0 số liệu, thêm 0 và cập nhật 0 chỉ tiêu" in again
    assert counts() == after
    check_loaded()


def catalogue_book(path: Path, *, dates_as_cells: bool) -> Path:
    book = Workbook()
    head = book.active
    head.title = "catalogue"
    start, end = (
        (date(2030, 1, 1), date(2030, 12, 31)) if dates_as_cells else ("2030-01-01", "2030-12-31")
    )
    for key, value in [
        ("code", "THU-2030"),
        ("name", "Bộ chỉ tiêu thử"),
        ("basis", "Quyết định thử"),
        ("effective_from", start),
        ("effective_to", end),
    ]:
        head.append([key, value])
    metrics = book.create_sheet("metrics")
    metrics.append(["code", "name", "aggregation"])
    metrics.append(["THU_A", "Số A", "sum"])
    metrics.append(["THU_B", "Số B", "last"])
    indicators = book.create_sheet("indicators")
    indicators.append(
        ["code", "field", "name", "numerator", "denominator", "count", "base", "op", "target",
         "levels", "verified", "target_verified"]
    )  # fmt: skip
    indicators.append(
        ["THU-01", "Thử", "Tỷ lệ A trên B", "THU_A", "THU_B + TB_MOI", None, None, ">=", 87.5,
         "provincial, local", True, "partial"]
    )  # fmt: skip
    indicators.append(
        ["THU-02", "Thử", "Số A so với chỉ tiêu được giao", None, None, "THU_A", None, "quota",
         None, "local", False, False]
    )  # fmt: skip
    book.save(path)
    return path


def test_load_catalogue_xlsx_creates_then_changes_nothing(units, tmp_path):  # type: ignore[no-untyped-def]
    path = catalogue_book(tmp_path / "thu.xlsx", dates_as_cells=False)
    before = counts()
    assert "thêm 2 số liệu, thêm 2 và cập nhật 0 chỉ tiêu" in run("load_catalogue", str(path))
    check_loaded()
    after = counts()
    assert after[:3] == (before[0] + 1, before[1] + 2, before[2] + 2)
    assert "thêm 0 số liệu, thêm 0 và cập nhật 0 chỉ tiêu" in run("load_catalogue", str(path))
    assert counts() == after


def test_load_catalogue_xlsx_with_date_cells_changes_nothing_the_second_time(units, tmp_path):  # type: ignore[no-untyped-def]
    path = catalogue_book(tmp_path / "thu.xlsx", dates_as_cells=True)
    run("load_catalogue", str(path))
    check_loaded()
    after = counts()
    again = run("load_catalogue", str(path))
    assert counts() == after
    assert "thêm 0 số liệu, thêm 0 và cập nhật 0 chỉ tiêu" in again


def test_load_catalogue_refuses_an_unknown_metric_and_creates_nothing(units, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "sai.yaml"
    path.write_text(
        YAML_OK.replace('"THU_B + TB_MOI"', '"THU_B + KHONG_CO_SO_NAY"'), encoding="utf-8"
    )
    before = counts()
    with pytest.raises(CommandError) as raised:
        run("load_catalogue", str(path))
    message = str(raised.value)
    assert "THU-01" in message
    assert "số liệu chưa khai báo KHONG_CO_SO_NAY" in message
    assert counts() == before
    assert not Catalogue.objects.filter(code="THU-2030").exists()
    assert not Metric.objects.filter(code__startswith="THU_").exists()


def test_load_catalogue_refuses_a_missing_file_and_other_formats(units, tmp_path):  # type: ignore[no-untyped-def]
    before = counts()
    with pytest.raises(CommandError, match="Không tìm thấy"):
        run("load_catalogue", str(tmp_path / "khong-co.yaml"))
    other = tmp_path / "thu.csv"
    other.write_text("code,name\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"chỉ nhận \.yaml hoặc \.xlsx"):
        run("load_catalogue", str(other))
    assert counts() == before
    assert Figure.objects.count() == 0


def test_load_catalogue_refuses_a_damaged_or_bomb_workbook_before_reading_it(units, tmp_path):  # type: ignore[no-untyped-def]
    from kiemsat.lib.tests.test_bad_files import bad_workbooks

    before = counts()
    for content, message in bad_workbooks():
        path = tmp_path / "danh-muc.xlsx"
        path.write_bytes(content)
        with pytest.raises(CommandError, match=message):
            run("load_catalogue", str(path))
    assert counts() == before
