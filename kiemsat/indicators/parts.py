"""The check of a large figures file by two processes, for ``manage.py import_figures``.

A command may use a second process where a web request never does (its requests call
``imports.check_columns``), and only while it runs one thread. A plain ASCII CSV of at
least ``MIN_BYTES`` is cut at line ends: a forked child reads and judges the second half
of its rows (``imports.check_against``, which needs no database once the reference is
loaded) while this process does the first half in up to ``PIECES`` pieces.
``checked_parts`` gives each piece's rows as soon as they are checked, so that
``services.figures_write`` writes each while this process checks the next and the child
goes on, then the child's half, which comes with its JSON made. Together the parts are
exactly the rows ``check_columns(read_columns(name, data))`` gives.

The file is cut at its middle: a row costs about as much to write as to check, so the
write, begun after the first piece, is fed without a pause by this process's pieces and
then by the child's half, and neither process waits long for the other.

Whenever a part is refused, names a unit or a metric otherwise than by its code, repeats a
row of a part before it, or the child gives no answer, ``Recheck`` is raised (before the
last part is written, so the write is undone): the whole file is then to be checked by
the one path, which names the rows at fault.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise

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
PIECES = 4  # the write begins once the first of this process's pieces is checked


class Recheck(Exception):
    """The file is to be checked whole by ``check_columns``, which names its faults."""


def checked_parts(name: str, data: bytes) -> Iterator[CheckedRows]:
    """The checked rows of a figures file: one part, or for a large plain file several, the
    last checked by a child process while the others are used. Raises ImportRefused (one
    part) or Recheck (several parts) as the module's text says."""
    pieces = _pieces(data) if _alone() else None
    if pieces is None:
        yield check_columns(read_columns(name, data))
        return
    *mine, (theirs, their_shift) = pieces
    ref = replace(Reference.load(), lookups=False)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's work is seen in its answer
        status = 1
        try:
            os.close(reading)
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(_packed(_judged(name, theirs, ref, their_shift)))
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    given: set[int] = set()  # the keys of the rows given so far
    with os.fdopen(reading, "rb") as pipe:
        try:
            for piece, shift in mine:
                part = _following(given, _judged(name, piece, ref, shift))
                given.update(part.rows)
                yield part
            answer = pipe.read()
            _, status = os.waitpid(child, 0)
            child = 0
        finally:
            if child:  # a part was refused, or the write given up: stop the child
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
    last = _following(given, _unpacked(answer) if status == 0 else None)
    del given, answer  # freed now, not while the last part waits to be written
    yield last


def _following(given: set[int], part: CheckedRows | None) -> CheckedRows:
    """``part``, checked and repeating none of the rows ``given``; else Recheck (the whole
    file's check names the repeats)."""
    if part is None or not given.isdisjoint(part.rows):
        raise Recheck
    return part


def _alone() -> bool:
    """Whether this process may fork: it can, and runs one thread (a child forked beside
    other threads could wait forever on a lock one of them held)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _pieces(data: bytes) -> list[tuple[bytes, int]] | None:
    """This process's pieces of the first half of the rows (up to ``PIECES``) and the
    child's second half, each with the header and the number of rows before it; None when
    the file is not for cutting. Each cut is at the line end nearest past its share of the
    bytes; a file of few lines has fewer pieces."""
    if len(data) < MIN_BYTES or b'"' in data or not data.isascii():
        return None
    header_end = data.find(b"\n") + 1
    body = len(data) - header_end
    cuts = [header_end]
    for share in range(1, PIECES + 1):
        cut = data.find(b"\n", max(cuts[-1], header_end + body * share // (2 * PIECES))) + 1
        if cuts[-1] < cut < len(data):
            cuts.append(cut)
    if not 0 < header_end < cuts[-1]:
        return None
    cuts.append(len(data))
    header, pieces, shift = data[:header_end], [], 0
    view = memoryview(data)  # each piece is copied once, with the header before it
    for start, stop in pairwise(cuts):
        pieces.append((header + view[start:stop], shift))
        shift += data.count(b"\n", start, stop)
    return pieces


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
    """A checked part as bytes for the pipe, with its JSON made; empty when there is
    nothing to send."""
    if checked is None:
        return b""
    fields = (checked.rows, checked.lines, checked.pairs, checked.metric_span)
    return pickle.dumps((*fields, checked.as_json()), pickle.HIGHEST_PROTOCOL)


def _unpacked(answer: bytes) -> CheckedRows | None:
    """The child's part, or None when it gave no answer."""
    if not answer:
        return None
    # The bytes are our own child's (S301 warns of unpickling what others send).
    return CheckedRows(*pickle.loads(answer))  # noqa: S301


__all__ = ["MIN_BYTES", "PIECES", "Recheck", "checked_parts"]
