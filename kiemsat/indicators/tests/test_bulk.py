"""The bulk path for plain CSV files (``indicators.bulk``) against the row-by-row check.

The bulk path may only decline: whatever it accepts, the row-by-row check must accept with
exactly the same rows, and whatever that check refuses, the bulk path must decline. Plain
files of valid new rows must go in bulk, or the path would be dead weight.
"""

from __future__ import annotations

import io
import multiprocessing
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators import bulk, imports, services
from kiemsat.indicators.models import Figure, FigureBatch, Source, Submission, SubmissionStatus
from kiemsat.indicators.providers import derived_codes
from kiemsat.lib.periods import Month

pytestmark = pytest.mark.django_db

HA_LONG = "QUANG-NINH-HA-LONG"
HEADER = "unit_code,period,metric_code,value"
NOW = "2026-11-26 08:00:00"

# Each example runs in a savepoint rolled back at its end, so sharing `units` is safe.
SLOW_DB = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


class _Undo(Exception):
    def __init__(self, result: object):
        self.result = result


def undone(work):  # type: ignore[no-untyped-def]
    """What ``work()`` returns and the figures it wrote, with every write rolled back."""
    try:
        with transaction.atomic():
            before = Figure.objects.count()
            result = work()
            rows = sorted(
                Figure.objects.order_by("id")[before:].values_list(
                    "unit_id", "metric_id", "period", "value"
                )
            )
            raise _Undo((result, rows))
    except _Undo as undo:
        return undo.result


def by_bulk(content: bytes, *, processes: int = 1, writable: set[int] | None = None):  # type: ignore[no-untyped-def]
    def work():  # type: ignore[no-untyped-def]
        body = bulk.plain_body("f.csv", content)
        if body is None:
            return None
        return bulk.load(
            body,
            imports.Reference.load(),
            writable_unit_ids=writable,
            source=Source.IMPORT,
            updated_at=NOW,
            processes=processes,
        )

    return undone(work)


def row_by_row(content: bytes):  # type: ignore[no-untyped-def]
    def work():  # type: ignore[no-untyped-def]
        try:
            return services.figures_import(actor=None, rows=imports.parse_file("f.csv", content))
        except imports.ImportRefused as refused:
            return refused

    return undone(work)


def csv_bytes(lines: list[str], *, end: str = "\n") -> bytes:
    return (end.join([HEADER, *lines]) + end).encode()


# --- the two paths agree ---------------------------------------------------------------------

valid_cells = st.tuples(
    st.sampled_from([HA_LONG, "QUANG-NINH"]),
    st.sampled_from(["2021-01", "2021-02", "2025-06"]),
    st.sampled_from(["TB_MOI", "TB_DA_GQ", "TB_TON_DAU"]),
    st.one_of(st.integers(0, 10**15 - 1).map(str), st.sampled_from(["0", "007"])),
)
valid_rows = st.lists(valid_cells, min_size=1, max_size=10, unique_by=lambda r: r[:3])

# Cells that are wrong, or right only once tidied up, for each column.
ODD_CELLS = (
    ["HA-GIANG", "QUANG-NINH-KV3", "KHONG-CO", f" {HA_LONG}", "quang-ninh", ""],
    ["2025-07", "2099-12", "2021-13", "2021-1", "²⁰²¹-01", "2021/01", " 2021-01", ""],
    ["KNG_BAN_HANH", "KHONG_CO", "tb_moi", ""],
    ["1" + "0" * 15, "9" * 16, "", "-3", "1.5", "²", "٣", " 5", "=1+1", "1e3", "0x1"],
)
odd_lines = ["", ",,,", f"{HA_LONG},2021-01,TB_MOI", f'"{HA_LONG}",2021-01,TB_MOI,1']


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """Mostly valid rows, with now and then one odd cell, odd line or odd layout."""
    rows = [list(r) for r in draw(valid_rows)]
    if draw(st.booleans()):
        row, column = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, 3))
        rows[row][column] = draw(st.sampled_from(ODD_CELLS[column]))
    if draw(st.integers(0, 3)) == 0:  # a row twice
        rows.append(list(draw(st.sampled_from(rows))))
    lines = [",".join(r) for r in rows]
    if draw(st.integers(0, 3)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(odd_lines)))
    if draw(st.integers(0, 3)) == 0:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] += draw(st.sampled_from([",9", ",,", ",x,y,z,1"]))
    content = csv_bytes(lines, end=draw(st.sampled_from(["\n", "\r\n"])))
    if draw(st.booleans()):
        content = content.rstrip(b"\r\n")
    if draw(st.booleans()):
        content = "\ufeff".encode() + content
    return content


def assert_paths_agree(content: bytes) -> bool:
    """Whether the bulk path took the file; if it did, the row check writes the same."""
    loaded, bulk_rows = by_bulk(content)
    outcome, rows = row_by_row(content)
    if loaded is None:
        assert bulk_rows == []
        return False
    assert isinstance(outcome, services.ImportPreview), outcome.errors
    assert bulk_rows == rows
    assert (loaded.rows, len(loaded.unit_ids), len(loaded.periods)) == (
        outcome.created, outcome.units, outcome.periods,
    )  # fmt: skip
    return True


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW_DB)
@given(content=files())
def test_bulk_accepts_only_what_the_row_check_accepts_and_writes_the_same(
    units, content: bytes
) -> None:
    assert "KNG_BAN_HANH" in derived_codes()
    event("bulk " + ("accepted" if assert_paths_agree(content) else "declined"))


GOOD = [[HA_LONG, "2021-01", "TB_MOI", "5"], ["QUANG-NINH", "2021-02", "TB_DA_GQ", "7"]]


@pytest.mark.parametrize(
    ("column", "cell"), [(c, cell) for c, cells in enumerate(ODD_CELLS) for cell in cells]
)
def test_every_odd_cell_is_declined_or_read_alike(units, column, cell) -> None:  # type: ignore[no-untyped-def]
    rows = [list(r) for r in GOOD]
    rows[1][column] = cell
    assert_paths_agree(csv_bytes([",".join(r) for r in rows]))


@pytest.mark.parametrize("line", odd_lines)
@pytest.mark.parametrize("where", [0, 1, 2])
def test_every_odd_line_is_declined_or_read_alike(units, line, where) -> None:  # type: ignore[no-untyped-def]
    lines = [",".join(r) for r in GOOD]
    lines.insert(where, line)
    assert_paths_agree(csv_bytes(lines))


@pytest.mark.parametrize("extra", [",9", ",,", ",x,y,z,1", f",{HA_LONG},2021-03,TB_MOI,1"])
def test_a_line_with_extra_cells_is_declined_or_read_alike(units, extra) -> None:  # type: ignore[no-untyped-def]
    lines = [",".join(r) for r in GOOD]
    lines[0] += extra
    assert_paths_agree(csv_bytes(lines))


def test_good_rows_with_crlf_bom_and_no_final_line_break_go_in_bulk(units) -> None:  # type: ignore[no-untyped-def]
    content = "\ufeff".encode() + csv_bytes([",".join(r) for r in GOOD], end="\r\n")
    assert assert_paths_agree(content.rstrip(b"\r\n"))


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_DB)
@given(rows=valid_rows)
def test_plain_files_of_new_valid_rows_go_in_bulk(units, rows) -> None:  # type: ignore[no-untyped-def]
    content = csv_bytes([",".join(r) for r in rows])
    loaded, written = by_bulk(content)
    assert loaded is not None
    unit_ids = {units[u].pk for u, *_ in rows}
    assert (loaded.rows, loaded.unit_ids) == (len(rows), unit_ids)
    metric_ids = {m: pk for m, pk in imports.Reference.load().metrics.items()}
    assert written == sorted(
        (units[u].pk, metric_ids[m], imports.parse_period(p), int(v)) for u, p, m, v in rows
    )


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        ([f"{HA_LONG},2021-01,TB_MOI,5", f"{HA_LONG},2021-01,TB_MOI,6"], "twice in the file"),
        ([f"{HA_LONG},2021-01,TB_MOI,5", "HA-GIANG,2025-07,TB_MOI,5"], "unit gone that month"),
        ([f"{HA_LONG},2021-01,KNG_BAN_HANH,5"], "derived metric"),
        ([f"{HA_LONG},2021-01,TB_MOI,5", "HA-GIANG,2021-01,TB_MOI,5"], "outside the scope"),
    ],
)
def test_bulk_declines_and_writes_nothing(units, lines, why) -> None:  # type: ignore[no-untyped-def]
    writable = {units[HA_LONG].pk} if why == "outside the scope" else None
    before = Figure.objects.count()
    assert by_bulk(csv_bytes(lines), writable=writable) == (None, [])
    assert Figure.objects.count() == before


def test_a_new_metric_in_an_approved_month_is_refused(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    Submission.objects.create(
        unit=units[HA_LONG], period=Month(2021, 1).index, status=SubmissionStatus.APPROVED
    )
    content = csv_bytes([f"{HA_LONG},2021-02,TB_MOI,1", f"{HA_LONG},2021-01,TB_DA_GQ,3"])
    assert by_bulk(content) == (None, [])
    path = tmp_path / "khoa.csv"
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_figures", str(path), stdout=io.StringIO(), stderr=err)
    assert f"tháng 01/2021 của đơn vị '{HA_LONG}' đã được duyệt và khóa" in err.getvalue()
    assert not Figure.objects.filter(unit=units[HA_LONG]).exists()


def test_an_approved_month_locks_only_its_own_unit(units) -> None:  # type: ignore[no-untyped-def]
    """Hạ Long's January is approved; Quảng Ninh's January and Hạ Long's February are not."""
    Submission.objects.create(
        unit=units[HA_LONG], period=Month(2021, 1).index, status=SubmissionStatus.APPROVED
    )
    content = csv_bytes([f"{HA_LONG},2021-02,TB_MOI,1", "QUANG-NINH,2021-01,TB_MOI,3"])
    outcome, rows = row_by_row(content)
    assert isinstance(outcome, services.ImportPreview), outcome.errors
    assert len(rows) == 2
    assert assert_paths_agree(content)


def test_a_row_already_in_the_database_goes_row_by_row_and_is_updated(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lan-1.csv"
    path.write_bytes(csv_bytes([f"{HA_LONG},2021-01,TB_MOI,5"]))
    call_command("import_figures", str(path), stdout=io.StringIO())
    path.write_bytes(csv_bytes([f"{HA_LONG},2021-01,TB_MOI,7", f"{HA_LONG},2021-01,TB_DA_GQ,2"]))
    out = io.StringIO()
    call_command("import_figures", str(path), stdout=out)
    assert "thêm mới 1, cập nhật 1, giữ nguyên 0" in out.getvalue()
    rows = Figure.objects.filter(unit=units[HA_LONG], period=Month(2021, 1).index)
    assert dict(rows.values_list("metric__code", "value")) == {"TB_MOI": 7, "TB_DA_GQ": 2}


# --- the command and the second process ------------------------------------------------------


def many_rows(units, count: int, *, last: str = "") -> bytes:  # type: ignore[no-untyped-def]
    """``count`` distinct valid rows over Quảng Ninh's units and 2021–2024 (and ``last``)."""
    first, last_day = date(2021, 1, 1), date(2024, 12, 31)
    codes = sorted(
        code
        for code, unit in units.items()
        if code.startswith("QUANG-NINH")
        and (unit.valid_from is None or unit.valid_from <= first)
        and (unit.valid_to is None or unit.valid_to >= last_day)
    )
    lines = []
    for month in range(48):
        period = str(Month.from_index(Month(2021, 1).index + month))
        for code in codes:
            for metric in ("TB_MOI", "TB_DA_GQ", "TB_TON_DAU"):
                lines.append(f"{code},{period},{metric},{(len(lines) * 7919) % 1000}")
    assert len(lines) >= count
    return csv_bytes(lines[:count] + ([last] if last else []))


# Under pytest-xdist the test process has the runner's own thread; the forked scan touches
# no lock it could hold (production forks only when single-threaded, tested below).
FORK_BESIDE_THREADS = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


@FORK_BESIDE_THREADS
def test_two_processes_write_exactly_what_one_writes(units) -> None:  # type: ignore[no-untyped-def]
    content = many_rows(units, 1500)
    one = by_bulk(content, processes=1)
    two = by_bulk(content, processes=2)
    assert one[0] is not None and two[0] is not None
    assert len(two[1]) == 1500
    assert two == one
    assert multiprocessing.active_children() == []


def test_without_a_second_process_the_body_is_scanned_here(units, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tried: list[bool] = []

    def refused(self):  # type: ignore[no-untyped-def]
        tried.append(True)
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", refused)
    content = many_rows(units, 600)
    assert by_bulk(content, processes=2) == by_bulk(content, processes=1)
    assert len(by_bulk(content, processes=2)[1]) == 600
    assert tried


@FORK_BESIDE_THREADS
@pytest.mark.parametrize("bad", ["KHONG-CO,2021-01,TB_MOI,1", f"{HA_LONG},2021-01,TB_MOI"])
def test_a_bad_row_in_the_forked_part_declines_the_whole_file(units, bad) -> None:  # type: ignore[no-untyped-def]
    before = Figure.objects.count()
    assert by_bulk(many_rows(units, 1500, last=bad), processes=2) == (None, [])
    assert Figure.objects.count() == before
    assert multiprocessing.active_children() == []


def test_command_writes_a_plain_file_in_bulk_and_audits_it(units, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_row_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a plain file of new valid rows must not go row by row")

    monkeypatch.setattr(services, "check_rows", no_row_check)
    path = tmp_path / "quy.csv"
    path.write_bytes(many_rows(units, 900))
    out = io.StringIO()
    call_command("import_figures", str(path), stdout=out)
    assert "Đã nhập: 900 dòng – thêm mới 900, cập nhật 0, giữ nguyên 0;" in out.getvalue()
    assert Figure.objects.filter(source=Source.IMPORT).count() == 900
    batch = FigureBatch.objects.get()
    assert (batch.file_name, batch.rows, batch.created, batch.updated) == ("quy.csv", 900, 900, 0)
    entry = AuditEntry.objects.get(action="indicators.figures_import")
    assert entry.object_id == str(batch.pk)
    assert entry.changes["rows"] == 900
    assert entry.changes["periods"][0] == "2021-01"


def test_dry_run_in_bulk_counts_and_writes_nothing(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "thu.csv"
    path.write_bytes(many_rows(units, 300))
    before = (Figure.objects.count(), FigureBatch.objects.count(), AuditEntry.objects.count())
    out = io.StringIO()
    call_command("import_figures", str(path), "--dry-run", stdout=out)
    assert "Kiểm tra (không ghi): 300 dòng – thêm mới 300" in out.getvalue()
    after = (Figure.objects.count(), FigureBatch.objects.count(), AuditEntry.objects.count())
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_foreign_key_checks_are_back_on_after_a_bulk_import(units) -> None:  # type: ignore[no-untyped-def]
    result = services.figures_import_file(
        actor=None, name="q.csv", data=csv_bytes([f"{HA_LONG},2021-01,TB_MOI,5"])
    )
    assert (result.rows, result.created) == (1, 1)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1


def test_a_file_that_is_not_plain_is_left_to_the_row_check() -> None:
    plain = csv_bytes([f"{HA_LONG},2021-01,TB_MOI,5"])
    assert bulk.plain_body("a.csv", plain) == f"{HA_LONG},2021-01,TB_MOI,5"
    assert bulk.plain_body("a.CSV", b"\xef\xbb\xbf" + plain) is not None
    assert bulk.plain_body("a.xlsx", plain) is None
    assert bulk.plain_body("a.csv", plain.replace(b"unit_code", b"Unit_Code")) is None
    assert bulk.plain_body("a.csv", plain.replace(b"5\n", b'"5"\n')) is None
    assert bulk.plain_body("a.csv", plain + b"\xff") is None
    assert bulk.plain_body("a.csv", HEADER.encode() + b"\n") is None


def test_scan_cuts_nothing_off_a_body_without_a_final_line_break() -> None:
    columns = bulk.scan("A,2021-01,M,5\nA,2021-02,M,6", {"A": "000001"}, {"M": "0002"})
    assert columns is not None
    assert columns.document == '{"000001000224252":"5","000001000224253":"6"}'
    assert columns.pairs == {("A", "2021-01"), ("A", "2021-02")}


def test_a_second_process_only_for_a_large_body_in_a_single_threaded_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Forking costs more than it saves on a small upload, and is unsafe beside threads."""
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)
    big = "x" * bulk.TWO_PROCESSES_FROM
    assert bulk._processes_for(big) == 2
    assert bulk._processes_for(big[:-1]) == 1
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 3)
    assert bulk._processes_for(big) == 1
    monkeypatch.setattr(bulk.threading, "active_count", lambda: 1)
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 1)
    assert bulk._processes_for(big) == 1
