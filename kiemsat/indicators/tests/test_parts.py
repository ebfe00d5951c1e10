"""A large figures file checked in pieces (``parts.checked_parts``) for the command, each
written while the next is checked.

The pieces together must be exactly what the one path (``check_columns``) gives, and every
way a piece can fail or disagree must end in the one path's answer: the same messages for
a faulty file, the same rows written for a good one, nothing half-written. ``MIN_BYTES`` is
lowered so that small files are cut too; nothing may fork.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kiemsat.indicators import imports, parts, services
from kiemsat.indicators.models import Figure, Source, Submission, SubmissionStatus
from kiemsat.indicators.tests.test_pipeline import (
    BEFORE_MERGER,
    HA_LONG,
    csv_bytes,
    good_lines,
    state,
)
from kiemsat.lib.periods import Month

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_files_are_cut(monkeypatch):  # type: ignore[no-untyped-def]
    def no_fork() -> int:
        raise AssertionError("an import forked")

    monkeypatch.setattr(parts, "MIN_BYTES", 1)
    monkeypatch.setattr(os, "fork", no_fork)
    with BEFORE_MERGER:
        yield


def whole(content: bytes) -> imports.CheckedRows:
    return imports.check_columns(imports.read_columns("f.csv", content))


def refusal(err: str) -> list[str]:
    """The messages the command printed before its closing line."""
    *messages, closing = err.strip().splitlines()
    assert closing.startswith("Không nhập:") and closing.endswith("cơ sở dữ liệu không đổi.")
    return messages


def import_command(tmp_path, content: bytes) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.suppress(SystemExit, CommandError):  # refused: the messages are in err
        call_command("import_figures", str(path), "-v", "2", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def given_until_recheck(got) -> list[imports.CheckedRows]:  # type: ignore[no-untyped-def]
    """The parts given before ``Recheck`` is raised (which it must be)."""
    given = []
    with pytest.raises(parts.Recheck):
        for part in got:
            given.append(part)
    return given


def piece_of(content: bytes, row: int) -> int:
    """The number (from 0) of the piece that holds the row ``row`` (from 0) of ``content``."""
    pieces = parts._pieces(content)
    assert pieces is not None
    return max(number for number, (_, before) in enumerate(pieces) if before <= row)


@pytest.mark.parametrize("count", [2, 3, 10, 999])
@pytest.mark.parametrize("ending", ["\n", "\r\n"])
@pytest.mark.parametrize("shuffled", [False, True], ids=["by-unit-and-month", "shuffled"])
def test_the_parts_are_the_whole_files_rows(units, count, ending, shuffled) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, count)  # three rows a (unit, month), one after the other
    if shuffled:  # pieces share (unit, month)s, and none repeats a row
        random.Random(count).shuffle(lines)
    content = csv_bytes(lines).replace(b"\n", ending.encode())
    given = list(parts.checked_parts("f.csv", content))
    one = whole(content)
    assert [row for part in given for row in part.rows.items()] == list(one.rows.items())
    assert [line for part in given for line in part.lines] == list(one.lines)
    assert set().union(*(part.pairs for part in given)) == one.pairs
    assert {part.metric_span for part in given} == {one.metric_span}
    counts = [part.count for part in given]
    assert min(counts) > 0 and max(counts) <= 2 * min(counts) + 3  # pieces of about one size
    if not shuffled:  # cut where the (unit, month) changes: no two pieces share one
        assert len(given) == min(len(one.pairs), parts.PIECES)
        assert all(a.pairs.isdisjoint(b.pairs) for a, b in itertools.combinations(given, 2))


@pytest.mark.parametrize(
    "content",
    [
        b"unit_code,period,metric_code,value\n" + b"x" * 10,  # one line of rows: nothing to cut
        b'unit_code,period,metric_code,value\n"A",2021-01,TB_MOI,1\nB,2021-01,TB_MOI,2\n',
        "unit_code,period,metric_code,value\nHạ Long,2021-01,TB_MOI,1\nB,2021-01,X,2\n".encode(),
    ],
    ids=["one-row", "quoted", "not-ascii"],
)
def test_files_not_for_cutting_are_checked_whole(content) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(imports.ImportRefused) as caught:
        list(parts.checked_parts("f.csv", content))
    with pytest.raises(imports.ImportRefused) as one:
        whole(content)
    assert caught.value.errors == one.value.errors


@pytest.mark.parametrize("where", [5, 300, 900], ids=["first-piece", "third-piece", "last-piece"])
@pytest.mark.parametrize(
    "fault",
    [
        "KHONG-CO,2020-12,TB_MOI,5",
        f"{HA_LONG},2020-12,TB_MOI,-3",
        f"{HA_LONG},2020-12,TB_MOI,",  # a blank value: the piece is not all digits
        "repeat",
    ],
)
def test_a_fault_in_any_piece_is_named_as_by_one_check(units, tmp_path, where, fault) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 999)
    if fault == "repeat":  # a later piece repeats a row of the first
        lines.insert(where, lines[3].rsplit(",", 1)[0] + ",1")
    else:
        lines.insert(where, fault)
    content = csv_bytes(lines)
    given = given_until_recheck(parts.checked_parts("f.csv", content))
    # The pieces before the fault's are given (and written) before it is found.
    assert len(given) == piece_of(content, where) == {5: 0, 300: 2, 900: 7}[where]
    assert [part.lines[-1] < where + 2 for part in given] == [True] * len(given)
    before = state()
    out, err = import_command(tmp_path, content)
    try:
        whole(content)
    except imports.ImportRefused as refused:
        assert refusal(err) == refused.errors
        assert state() == before
    else:  # a blank value alone is skipped: the file is good
        assert "Đã nhập: 999 dòng – thêm mới 999" in out
        assert Figure.objects.count() == 999


def test_a_code_in_another_case_in_the_last_piece_is_found(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = [*good_lines(units, 999), f"{HA_LONG.lower()},2020-12,TB_MOI,5"]
    # A piece does not read the database to find it.
    first, *others = given_until_recheck(parts.checked_parts("f.csv", csv_bytes(lines)))
    assert len(others) == parts.PIECES - 2
    out, err = import_command(tmp_path, csv_bytes(lines))
    # The pieces were being written when the last was found wanting; then the whole file.
    assert out.startswith(f"Đang ghi {first.count} dòng…\nĐang ghi thêm ")
    assert "Đang ghi 1.000 dòng…" in out
    assert "Đã nhập: 1.000 dòng – thêm mới 1.000" in out, err
    december = Figure.objects.get(period=Month(2020, 12).index)
    assert (december.unit.code, december.metric.code, december.value) == (HA_LONG, "TB_MOI", 5)


def test_an_approved_month_in_either_part_is_named_and_nothing_is_written(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 999)
    first_code, second_code = lines[10].split(",")[0], lines[900].split(",")[0]
    for code, month in ((first_code, lines[10]), (second_code, lines[900])):
        period = Month.from_index(imports.parse_period(month.split(",")[1]) or 0)
        Submission.objects.create(
            unit=units[code], period=period.index, status=SubmissionStatus.APPROVED
        )
    content = csv_bytes(lines)
    before = state()
    out, err = import_command(tmp_path, content)
    with pytest.raises(imports.ImportRefused) as one:
        whole(content)
    assert refusal(err) == one.value.errors
    assert len(one.value.errors) == 2
    assert state() == before
    assert "Đã nhập" not in out


def test_a_month_approved_while_the_first_part_is_written_undoes_it(units) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 999)
    second = imports.check_columns(imports.read_columns("f.csv", csv_bytes(lines[600:])))
    first = imports.check_columns(imports.read_columns("f.csv", csv_bytes(lines[:600])))
    code, month = lines[700].split(",")[:2]

    def approving():  # type: ignore[no-untyped-def]
        yield first
        Submission.objects.create(
            unit=units[code],
            period=imports.parse_period(month),
            status=SubmissionStatus.APPROVED,
        )
        yield second

    before = state()
    with pytest.raises(imports.ImportRefused, match="đã được duyệt và khóa"):
        services.figures_write(actor=None, parts=approving(), source=Source.IMPORT)
    assert state() == before
