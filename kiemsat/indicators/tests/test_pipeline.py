"""The one figures pipeline (``imports.check_columns`` then ``services.figures_write``).

Each guard is tried where a whole file is otherwise good: a large plain file (the fast
column-wise path) with one faulty row somewhere in it must be refused with exactly that
row's message and nothing written; the same row alone in an otherwise irregular file
(blank values, XLSX numbers: the slower path) must give the same message.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators import imports, services
from kiemsat.indicators.models import (
    Figure,
    FigureBatch,
    Metric,
    Source,
    Submission,
    SubmissionStatus,
)
from kiemsat.lib.periods import Month

pytestmark = pytest.mark.django_db

HA_LONG = "QUANG-NINH-HA-LONG"
HEADER = "unit_code,period,metric_code,value"
BEFORE_MERGER = time_machine.travel(date(2025, 6, 20), tick=False)


def csv_bytes(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def good_lines(units, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """``count`` distinct valid rows over Quảng Ninh's units that lived through 2021–2024."""
    codes = sorted(
        code
        for code, unit in units.items()
        if code.startswith("QUANG-NINH")
        and (unit.valid_from is None or unit.valid_from <= date(2021, 1, 1))
        and (unit.valid_to is None or unit.valid_to >= date(2024, 12, 31))
    )
    lines = [
        f"{code},{Month.from_index(Month(2021, 1).index + month)},{metric},{(n * 7919) % 1000}"
        for n, (month, code, metric) in enumerate(
            (m, c, x)
            for m in range(48)
            for c in codes
            for x in ("TB_MOI", "TB_DA_GQ", "TB_TON_DAU")
        )
    ]
    assert len(lines) >= count
    return lines[:count]


def state() -> tuple[int, int, int]:
    return Figure.objects.count(), FigureBatch.objects.count(), AuditEntry.objects.count()


def refused(content: bytes, *, actor=None, name: str = "f.csv") -> list[str]:  # type: ignore[no-untyped-def]
    before = state()
    with pytest.raises(imports.ImportRefused) as caught:
        services.figures_import_file(actor=actor, name=name, data=content)
    assert state() == before
    return caught.value.errors


FAULTS = [
    ("KHONG-CO,2021-01,TB_MOI,5", "không có đơn vị mã hoặc tên 'KHONG-CO' (cột unit_code)"),
    (",2021-01,TB_MOI,5", "thiếu mã đơn vị (cột unit_code)"),
    (f"{HA_LONG},2021-01,KHONG_CO,5", "không có số liệu mã hoặc tên 'KHONG_CO' (cột metric_code)"),
    (
        f"{HA_LONG},2021-01,KNG_BAN_HANH,5",
        "số liệu 'KNG_BAN_HANH' được tính từ sổ theo dõi, không nhập tay hoặc từ tệp",
    ),
    (f"{HA_LONG},2021-13,TB_MOI,5", "kỳ '2021-13' không hợp lệ (MM/YYYY hoặc YYYY-MM)"),
    (f"{HA_LONG},2021-1,TB_MOI,5", "kỳ '2021-1' không hợp lệ (MM/YYYY hoặc YYYY-MM)"),
    (
        f"{HA_LONG},2025-07,TB_MOI,5",
        "kỳ '2025-07' chưa tới: chỉ nhập số liệu đến tháng hiện tại (06/2025)",
    ),
    (
        "HA-GIANG,2025-06,TB_MOI,5",
        "",  # valid: Hà Giang existed until 30/06/2025 (a control row)
    ),
    (
        "QUANG-NINH-KV3,2025-06,TB_MOI,5",
        "đơn vị 'QUANG-NINH-KV3' không tồn tại trong tháng 06/2025",
    ),
    (f"{HA_LONG},2021-01,TB_MOI,-3", "giá trị âm (-3)"),
    (f"{HA_LONG},2021-01,TB_MOI,1.5", "giá trị '1.5' không phải số nguyên không âm"),
    (f"{HA_LONG},2021-01,TB_MOI,năm", "giá trị 'năm' không phải số nguyên không âm"),
    (f"{HA_LONG},2021-01,TB_MOI,²", "giá trị '²' không phải số nguyên không âm"),
    (f"{HA_LONG},2021-01,TB_MOI,=1+1", "ô chứa công thức '=1+1', chỉ nhận số"),
    (
        f"{HA_LONG},2021-01,TB_MOI,{10**16}",
        "giá trị quá lớn (10.000.000.000.000.000), tối đa 1.000.000.000.000.000",
    ),
]


@BEFORE_MERGER
@pytest.mark.parametrize(("line", "message"), FAULTS)
@pytest.mark.parametrize("where", [0, 1234, 1999])
def test_one_faulty_row_in_a_large_plain_file_is_named(units, line, message, where) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 2000)
    lines.insert(where, line.replace("2021-01", "2020-12"))  # a month no good row uses
    content = csv_bytes(lines)
    if not message:
        assert services.figures_import_file(actor=None, name="f.csv", data=content).rows == 2001
        return
    assert refused(content) == [f"dòng {where + 2}: {message.replace('2021-01', '2020-12')}"]


@BEFORE_MERGER
@pytest.mark.parametrize(("line", "message"), [f for f in FAULTS if f[1]])
def test_the_same_row_in_an_irregular_file_gets_the_same_message(units, line, message) -> None:  # type: ignore[no-untyped-def]
    """A blank value elsewhere takes the file off the all-digits path."""
    content = csv_bytes([f"{HA_LONG},2021-02,TB_MOI,", f"{HA_LONG},2021-02,TB_DA_GQ, 4 ", line])
    assert refused(content) == [f"dòng 4: {message}"]


@BEFORE_MERGER
def test_every_faulty_row_is_named_in_line_order(units) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 500)
    lines[10] = "KHONG-CO,2021-01,TB_MOI,5"
    lines[20] = f"{HA_LONG},2021-01,TB_MOI,-1"
    lines[30] = lines[5]
    errors = refused(csv_bytes(lines))
    code, period, metric, _ = lines[5].split(",")
    assert errors == [
        "dòng 12: không có đơn vị mã hoặc tên 'KHONG-CO' (cột unit_code)",
        "dòng 22: giá trị âm (-1)",
        f"dòng 32: trùng với dòng 7 ({code}, {period}, {metric})",
    ]


@BEFORE_MERGER
def test_a_repeated_row_in_a_large_plain_file_is_named_with_its_first(units) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 2000)
    lines.append(lines[1500].rsplit(",", 1)[0] + ",9")
    code, period, metric, _ = lines[1500].split(",")
    assert refused(csv_bytes(lines)) == [
        f"dòng 2002: trùng với dòng 1502 ({code}, {period}, {metric})"
    ]


@BEFORE_MERGER
def test_a_unit_outside_the_users_units_is_refused(units, cast) -> None:  # type: ignore[no-untyped-def]
    lines = [f"{HA_LONG},2021-0{m},TB_MOI,{m}" for m in range(1, 10)] + [
        "HA-GIANG,2021-01,TB_MOI,5"
    ]
    errors = refused(csv_bytes(lines), actor=cast["halong.ksv"])
    assert errors == ["dòng 11: bạn không có quyền nhập số liệu cho đơn vị 'HA-GIANG'"]
    result = services.figures_import_file(
        actor=cast["halong.ksv"], name="f.csv", data=csv_bytes(lines[:-1])
    )
    assert (result.rows, result.created) == (9, 9)


@BEFORE_MERGER
def test_a_metric_flagged_derived_is_refused(units) -> None:  # type: ignore[no-untyped-def]
    Metric.objects.filter(code="TB_DA_GQ").update(derived=True)
    content = csv_bytes([f"{HA_LONG},2021-01,TB_MOI,1", f"{HA_LONG},2021-01,TB_DA_GQ,2"])
    assert refused(content) == [
        "dòng 3: số liệu 'TB_DA_GQ' được tính từ sổ theo dõi, không nhập tay hoặc từ tệp"
    ]


@BEFORE_MERGER
def test_an_approved_month_locks_only_its_own_unit(units) -> None:  # type: ignore[no-untyped-def]
    Submission.objects.create(
        unit=units[HA_LONG], period=Month(2021, 1).index, status=SubmissionStatus.APPROVED
    )
    content = csv_bytes(
        [
            f"{HA_LONG},2021-02,TB_MOI,1",
            "QUANG-NINH,2021-01,TB_MOI,3",
            f"{HA_LONG},2021-01,TB_MOI,2",
        ]
    )
    locked = [
        f"dòng 4: tháng 01/2021 của đơn vị '{HA_LONG}' đã được duyệt và khóa; "
        "cần lãnh đạo mở lại trước khi sửa số liệu"
    ]
    assert refused(content) == locked
    with pytest.raises(imports.ImportRefused) as dry_run:  # the check alone sees it too
        services.figures_preview_file(actor=None, name="f.csv", data=content)
    assert dry_run.value.errors == locked
    result = services.figures_import_file(actor=None, name="f.csv", data=csv_bytes(
        [f"{HA_LONG},2021-02,TB_MOI,1", "QUANG-NINH,2021-01,TB_MOI,3"]
    ))  # fmt: skip
    assert result.created == 2


@BEFORE_MERGER
def test_a_month_approved_between_the_check_and_the_write_is_refused(units) -> None:  # type: ignore[no-untyped-def]
    checked = imports.check_columns(
        imports.read_columns("f.csv", csv_bytes([f"{HA_LONG},2021-01,TB_MOI,1"]))
    )
    Submission.objects.create(
        unit=units[HA_LONG], period=Month(2021, 1).index, status=SubmissionStatus.APPROVED
    )
    before = state()
    with pytest.raises(imports.ImportRefused, match="dòng 2: tháng 01/2021"):
        services.figures_write(actor=None, parts=[checked], source=Source.IMPORT)
    assert state() == before


@BEFORE_MERGER
def test_a_large_plain_file_is_written_exactly_and_audited_once(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 2000)
    path = tmp_path / "quy.csv"
    path.write_bytes(csv_bytes(lines))
    out = io.StringIO()
    call_command("import_figures", str(path), stdout=out)
    assert "Đã nhập: 2.000 dòng – thêm mới 2.000, cập nhật 0, giữ nguyên 0;" in out.getvalue()
    ids = imports.Reference.load()
    expected = sorted(
        (ids.units[u][0], ids.metrics[m], imports.parse_period(p), int(v))
        for u, p, m, v in (line.split(",") for line in lines)
    )
    written = Figure.objects.values_list("unit_id", "metric_id", "period", "value", "source")
    assert sorted(written) == [(*row, Source.IMPORT) for row in expected]
    batch = FigureBatch.objects.get()
    assert (batch.file_name, batch.rows, batch.created, batch.updated) == ("quy.csv", 2000, 2000, 0)
    entry = AuditEntry.objects.get(action="indicators.figures_import")
    assert entry.object_id == str(batch.pk)
    assert entry.changes["periods"][0] == "2021-01"


@BEFORE_MERGER
def test_a_second_import_updates_only_what_changed(units) -> None:  # type: ignore[no-untyped-def]
    first = csv_bytes([f"{HA_LONG},2021-01,TB_MOI,5", f"{HA_LONG},2021-01,TB_DA_GQ,2"])
    services.figures_import_file(actor=None, name="a.csv", data=first)
    Figure.objects.update(source=Source.ENTRY)
    second = csv_bytes(
        [
            f"{HA_LONG},2021-01,TB_MOI,7",
            f"{HA_LONG},2021-01,TB_DA_GQ,2",
            "QUANG-NINH,2021-01,TB_MOI,1",
        ]
    )
    result = services.figures_import_file(actor=None, name="b.csv", data=second)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    rows = Figure.objects.filter(period=Month(2021, 1).index).values_list(
        "unit__code", "metric__code", "value", "source"
    )
    assert sorted(rows) == [
        ("QUANG-NINH", "TB_MOI", 1, Source.IMPORT),
        (HA_LONG, "TB_DA_GQ", 2, Source.ENTRY),  # unchanged: not touched
        (HA_LONG, "TB_MOI", 7, Source.IMPORT),
    ]


@BEFORE_MERGER
def test_a_dry_run_only_reads(units) -> None:  # type: ignore[no-untyped-def]
    """No transaction, no savepoint, no write: a dry run never asks for the write lock."""
    services.figures_import_file(
        actor=None, name="a.csv", data=csv_bytes([f"{HA_LONG},2020-12,TB_MOI,5"])
    )
    content = csv_bytes([f"{HA_LONG},2020-12,TB_MOI,6", *good_lines(units, 200)[1:]])
    before = state()
    with CaptureQueriesContext(connection) as queries:
        preview = services.figures_preview_file(actor=None, name="f.csv", data=content)
    assert (preview.rows, preview.created, preview.updated) == (200, 199, 1)
    assert state() == before
    statements = [q["sql"].split(None, 1)[0].upper() for q in queries.captured_queries]
    assert set(statements) == {"SELECT"}, statements


@BEFORE_MERGER
def test_rows_of_the_grid_and_the_api_go_through_the_same_check(units, cast) -> None:  # type: ignore[no-untyped-def]
    rows = [
        imports.RawRow(1, HA_LONG, "2021-01", "TB_MOI", 3),
        imports.RawRow(2, HA_LONG, "2025-07", "TB_MOI", 3),
        imports.RawRow(3, HA_LONG, "2021-01", "TB_DA_GQ", 2.5),
        imports.RawRow(4, HA_LONG, "2021-01", "TB_TON_DAU", -3),
        imports.RawRow(5, HA_LONG, "2021-02", "TB_TON_DAU", True),
    ]
    with pytest.raises(imports.ImportRefused) as caught:
        services.figures_import(actor=cast["halong.ksv"], rows=rows)
    assert caught.value.errors == [
        "dòng 2: kỳ '2025-07' chưa tới: chỉ nhập số liệu đến tháng hiện tại (06/2025)",
        "dòng 3: giá trị '2.5' không phải số nguyên",
        "dòng 4: giá trị âm (-3)",
        "dòng 5: giá trị 'True' không phải số nguyên",
    ]
    assert not Figure.objects.exists()
