"""A large figures file checked by two processes (``parts.checked_parts``) for the command.

The parts together must be exactly what the one path (``check_columns``) gives, and every
way the second process can fail or disagree must end in the one path's answer: the same
messages for a faulty file, the same rows written for a good one, nothing half-written.
``MIN_BYTES`` is lowered so that small files are cut too.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import time

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

ALONE = parts._alone
pytestmark = [
    pytest.mark.django_db,
    # The test runner's own threads: the command forks from a process of one thread only.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


@pytest.fixture(autouse=True)
def small_files_are_cut(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parts, "MIN_BYTES", 1)
    monkeypatch.setattr(parts, "_alone", lambda: True)
    with BEFORE_MERGER:
        yield


@pytest.fixture
def forks(monkeypatch):  # type: ignore[no-untyped-def]
    """The pids of the children forked, to see that each is reaped."""
    children: list[int] = []
    fork = os.fork

    def recorded() -> int:
        pid = fork()
        if pid:
            children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    return children


def reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


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


@pytest.mark.parametrize("count", [2, 3, 10, 999])
@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_the_parts_are_the_whole_files_rows(units, forks, count, ending) -> None:  # type: ignore[no-untyped-def]
    content = csv_bytes(good_lines(units, count)).replace(b"\n", ending.encode())
    given = list(parts.checked_parts("f.csv", content))
    one = whole(content)
    assert [row for part in given for row in part.rows.items()] == list(one.rows.items())
    assert [line for part in given for line in part.lines] == list(one.lines)
    assert set().union(*(part.pairs for part in given)) == one.pairs
    assert {part.metric_span for part in given} == {one.metric_span}
    assert len(given) == min(count, parts.PIECES + 1)
    assert min(part.count for part in given) > 0
    *mine, theirs = given
    # This process checks the first half in pieces, the child the second half.
    assert abs(sum(part.count for part in mine) - theirs.count) <= 1 + count // 10
    assert theirs.document == theirs.as_json() == imports.json.dumps(theirs.rows)
    assert len(forks) == 1 and reaped(forks[0])


@pytest.mark.parametrize(
    "content",
    [
        b"unit_code,period,metric_code,value\n" + b"x" * 10,  # one line of rows: nothing to cut
        b'unit_code,period,metric_code,value\n"A",2021-01,TB_MOI,1\nB,2021-01,TB_MOI,2\n',
        "unit_code,period,metric_code,value\nHạ Long,2021-01,TB_MOI,1\nB,2021-01,X,2\n".encode(),
    ],
    ids=["one-row", "quoted", "not-ascii"],
)
def test_files_not_for_cutting_are_checked_whole(content, forks) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(imports.ImportRefused) as caught:
        list(parts.checked_parts("f.csv", content))
    with pytest.raises(imports.ImportRefused) as one:
        whole(content)
    assert caught.value.errors == one.value.errors
    assert forks == []


@pytest.mark.parametrize("where", [5, 300, 900], ids=["first-piece", "third-piece", "child"])
@pytest.mark.parametrize(
    "fault",
    [
        "KHONG-CO,2020-12,TB_MOI,5",
        f"{HA_LONG},2020-12,TB_MOI,-3",
        f"{HA_LONG},2020-12,TB_MOI,",  # a blank value: the part is not all digits
        "repeat",
    ],
)
def test_a_fault_in_either_part_is_named_as_by_one_check(
    units, tmp_path, forks, where, fault
) -> None:  # type: ignore[no-untyped-def]
    lines = good_lines(units, 999)
    if fault == "repeat":  # a later part repeats a row of the first
        lines.insert(where, lines[3].rsplit(",", 1)[0] + ",1")
    else:
        lines.insert(where, fault)
    content = csv_bytes(lines)
    given = given_until_recheck(parts.checked_parts("f.csv", content))
    # The parts before the fault's are given (and written) before it is found.
    assert [part.lines[-1] < where + 2 for part in given] == [True] * len(given)
    assert len(given) == {5: 0, 300: 2, 900: parts.PIECES}[where]
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
    assert all(reaped(pid) for pid in forks)


def test_a_code_in_another_case_in_the_second_part_is_found(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lines = [*good_lines(units, 999), f"{HA_LONG.lower()},2020-12,TB_MOI,5"]
    # The child does not read the database to find it.
    given = given_until_recheck(parts.checked_parts("f.csv", csv_bytes(lines)))
    assert len(given) == parts.PIECES
    out, err = import_command(tmp_path, csv_bytes(lines))
    assert "Đã nhập: 1.000 dòng – thêm mới 1.000" in out, err
    december = Figure.objects.get(period=Month(2020, 12).index)
    assert (december.unit.code, december.metric.code, december.value) == (HA_LONG, "TB_MOI", 5)


def test_a_child_without_answer_leaves_the_file_to_one_check(
    units, tmp_path, monkeypatch, forks
) -> None:  # type: ignore[no-untyped-def]
    def dies(checked):  # type: ignore[no-untyped-def]
        raise MemoryError

    monkeypatch.setattr(parts, "_packed", dies)  # in the child: it exits with status 1
    content = csv_bytes(good_lines(units, 999))
    first, *_ = given_until_recheck(parts.checked_parts("f.csv", content))
    out, err = import_command(tmp_path, content)
    # The first part was being written when the child failed; then the whole file.
    assert out.startswith(f"Đang ghi {first.count} dòng…\nĐang ghi thêm ")
    assert "Đang ghi 999 dòng…" in out
    assert "Đã nhập: 999 dòng – thêm mới 999" in out, err
    assert Figure.objects.count() == 999
    assert all(reaped(pid) for pid in forks)


def test_a_write_given_up_after_the_first_part_stops_the_child(units, forks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    statuses: list[int] = []
    waitpid = os.waitpid

    def recorded(pid: int, options: int) -> tuple[int, int]:
        done = waitpid(pid, options)
        statuses.append(done[1])
        return done

    monkeypatch.setattr(parts, "_packed", lambda checked: time.sleep(600))  # a slow child
    monkeypatch.setattr(os, "waitpid", recorded)
    got = parts.checked_parts("f.csv", csv_bytes(good_lines(units, 999)))
    next(got)
    got.close()  # the write was given up (a locked month, a busy database, an error)
    monkeypatch.undo()
    assert len(forks) == 1 and reaped(forks[0])
    assert len(statuses) == 1 and os.WIFSIGNALED(statuses[0])
    assert os.WTERMSIG(statuses[0]) == signal.SIGKILL


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


def test_a_web_request_never_forks(units, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_fork() -> int:
        raise AssertionError("a web request forked")

    monkeypatch.setattr(os, "fork", no_fork)
    content = csv_bytes(good_lines(units, 999))
    result = services.figures_import_file(actor=None, name="f.csv", data=content)
    assert result.created == 999


def test_a_process_running_other_threads_checks_in_one(units, forks, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parts, "_alone", ALONE)  # the real test of whether it may fork
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        got = list(parts.checked_parts("f.csv", csv_bytes(good_lines(units, 999))))
    finally:
        release.set()
        other.join()
    assert [part.count for part in got] == [999]
    assert forks == []
