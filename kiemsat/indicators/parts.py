"""The check of a large figures file by two processes, for ``manage.py import_figures``.

A command may use a second process where a web request never does (its requests call
``imports.check_columns``), and only while it runs one thread. A plain ASCII CSV of at
least ``MIN_BYTES`` is cut at a line end into two parts; a forked child reads and judges
the second (``imports.check_against``, which needs no database once the reference is
loaded) while this process does the first.
``checked_parts`` gives the first part's rows as soon as they are checked, so that
``services.figures_write`` writes them while the child goes on, then the second part's.
Together they are exactly the rows ``check_columns(read_columns(name, data))`` gives.

The file is cut at the line end nearest past its middle: this process checks and writes
its half while the child checks the other (a row costs about as much to write as to check)
and sends it back, so neither waits long for the other.

Whenever a part is refused, names a unit or a metric otherwise than by its code, repeats a
row of the other part, or the child gives no answer, ``Recheck`` is raised (before the
second part is written, so the write is undone): the whole file is then to be checked by
the one path, which names the rows at fault.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from array import array
from collections.abc import Iterator
from dataclasses import replace

from kiemsat.indicators.imports import (
    CheckedRows,
    ImportRefused,
    LookupNeeded,
    Reference,
    check_against,
    check_columns,
    read_columns,
)

MIN_BYTES = 4 * 1024 * 1024  # below this a second process saves less than it costs


class Recheck(Exception):
    """The file is to be checked whole by ``check_columns``, which names its faults."""


def checked_parts(name: str, data: bytes) -> Iterator[CheckedRows]:
    """The checked rows of a figures file: one part, or for a large plain file two, the
    second checked by a child process while the first is used. Raises ImportRefused (one
    part) or Recheck (two parts) as the module's text says."""
    cut = _cut(data) if _alone() else None
    if cut is None:
        yield check_columns(read_columns(name, data))
        return
    first, second, shift = cut
    ref = replace(Reference.load(), lookups=False)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's work is seen in its answer
        status = 1
        try:
            os.close(reading)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(_packed(_judged(name, second, ref, shift)))
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    with os.fdopen(reading, "rb") as pipe:
        try:
            mine = _judged(name, first, ref)
            if mine is None:
                raise Recheck
            yield mine
            answer = pipe.read()
            _, status = os.waitpid(child, 0)
            child = 0
        finally:
            if child:  # the first part was refused, or the write given up: stop the child
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
    theirs = _unpacked(answer, mine) if status == 0 else None
    if theirs is None:
        raise Recheck
    yield theirs


def _alone() -> bool:
    """Whether this process may fork: it can, and runs one thread (a child forked beside
    other threads could wait forever on a lock one of them held)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _cut(data: bytes) -> tuple[bytes, bytes, int] | None:
    """(the header and the first part of the rows, the header and the rest, the number of
    lines the first part holds before the rest), or None when the file is not for cutting."""
    if len(data) < MIN_BYTES or b'"' in data or not data.isascii():
        return None
    header_end = data.find(b"\n") + 1
    cut = data.find(b"\n", max(header_end, len(data) // 2)) + 1
    if not 0 < header_end < cut < len(data):
        return None
    return data[:cut], data[:header_end] + data[cut:], data.count(b"\n", header_end, cut)


def _judged(name: str, data: bytes, ref: Reference, shift: int = 0) -> CheckedRows | None:
    """The rows of one part checked against ``ref``, their lines shifted by ``shift``; None
    when the part is refused, needs the database, or is not read line for line."""
    try:
        columns = read_columns(name, data)
        if not isinstance(columns.lines, range):
            return None
        lines = columns.lines
        columns.lines = range(lines.start + shift, lines.stop + shift)
        checked = check_against(columns, ref, None)
    except (ImportRefused, LookupNeeded):
        return None
    return checked if isinstance(checked.lines, range) else None


def _packed(checked: CheckedRows | None) -> bytes:
    """A checked part as bytes for the pipe; empty when there is nothing to send."""
    if checked is None:
        return b""
    try:
        keys, values = array("q", checked.rows.keys()), array("q", checked.rows.values())
    except OverflowError:  # not a 64-bit integer: the whole file is checked instead
        return b""
    return pickle.dumps((checked.lines, checked.pairs, keys, values), pickle.HIGHEST_PROTOCOL)


def _unpacked(answer: bytes, mine: CheckedRows) -> CheckedRows | None:
    """The child's part, or None when it gave no answer or repeats a row of ``mine``."""
    if not answer:
        return None
    lines, pairs, keys, values = pickle.loads(answer)  # noqa: S301 - our own child's bytes
    rows = dict(zip(keys, values, strict=True))
    if lines.start != mine.lines[-1] + 1 or not mine.rows.keys().isdisjoint(rows):
        return None
    return CheckedRows(rows, lines, pairs, mine.metric_span)


__all__ = ["MIN_BYTES", "Recheck", "checked_parts"]
