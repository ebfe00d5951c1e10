"""The check of a large figures file in pieces, each written while the next is checked, for
``manage.py import_figures``.

A plain ASCII CSV of at least ``MIN_BYTES`` is cut at line ends into ``PIECES`` pieces of
about the same size. ``checked_parts`` reads and judges one piece at a time
(``imports.check_against``, against a reference loaded once; it reads no database, whose
connection the write is using meanwhile) and gives it as soon as it is checked, so that
``services.figures_write`` writes it on its second thread (the database driver lets a
statement run beside Python) while this thread checks the next: the write begins after the
first piece, and the check and the write share the time instead of following each other.
Together the pieces are exactly the rows ``check_columns(read_columns(name, data))`` gives.

The cuts fall where the (unit, month) changes, so that in a file written unit by unit and
month by month no two pieces share one, and a row need only be looked up in a piece before
it that shares its (unit, month). Whenever a piece is refused, names a unit or a metric
otherwise than by its code, or repeats a row of a piece before it, ``Recheck`` is raised
(before the last piece is written, so the write is undone): the whole file is then to be
checked by the one path, which names the rows at fault. A web request checks its file
whole (``check_columns``).
"""

from __future__ import annotations

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
from kiemsat.lib.excel import csv_delimiter

MIN_BYTES = 4 * 1024 * 1024  # below this the whole file is checked before the write
PIECES = 8  # the write begins once the first is checked
PAIR_LINES = 100  # how far a cut moves on to where the (unit, month) changes


class Recheck(Exception):
    """The file is to be checked whole by ``check_columns``, which names its faults."""


def checked_parts(name: str, data: bytes) -> Iterator[CheckedRows]:
    """The checked rows of a figures file: one part, or for a large plain file a part a
    piece, each given once checked. Raises ImportRefused (one part) or Recheck (pieces) as
    the module's text says."""
    pieces = _pieces(data)
    if pieces is None:
        yield check_columns(read_columns(name, data))
        return
    ref = replace(Reference.load(), lookups=False)
    given: list[CheckedRows] = []
    for piece, shift in pieces:
        part = _judged(name, piece, ref, shift)
        if part is None or _repeats(part, given):
            raise Recheck
        given.append(part)
        yield part


def _repeats(part: CheckedRows, given: list[CheckedRows]) -> bool:
    """Whether ``part`` repeats a row of a part ``given`` before it. Only a part that shares a
    (unit, month) with it can, and the pieces are cut where the (unit, month) changes: in a
    file in that order no two share one, and no row is looked up again."""
    return any(
        not part.pairs.isdisjoint(earlier.pairs) and not earlier.rows.keys().isdisjoint(part.rows)
        for earlier in given
    )


def _pieces(data: bytes) -> list[tuple[bytes, int]] | None:
    """The file's rows in up to ``PIECES`` pieces, each with the header and the number of
    rows before it; None when the file is not for cutting. Each cut is at the line end
    nearest past its share of the bytes, moved on to where the (unit, month) changes (up to
    ``PAIR_LINES`` lines); a file of few lines has fewer pieces."""
    if len(data) < MIN_BYTES or b'"' in data or not data.isascii():
        return None
    header_end = data.find(b"\n") + 1
    delimiter = csv_delimiter(data[:header_end].decode()).encode()
    body = len(data) - header_end
    cuts = [header_end]
    for share in range(1, PIECES):
        cut = data.find(b"\n", max(cuts[-1], header_end + body * share // PIECES)) + 1
        cut = _next_pair(data, cut, delimiter)
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


def _next_pair(data: bytes, cut: int, delimiter: bytes) -> int:
    """``cut`` (a line's start), or the start of one of the next ``PAIR_LINES`` lines that
    begins another (unit, month) than the line before it, where there is one."""
    before = _pair_cells(data, data.rfind(b"\n", 0, cut - 1) + 1, delimiter)
    start = cut
    for _ in range(PAIR_LINES):
        if not 0 < start < len(data) or _pair_cells(data, start, delimiter) != before:
            return start  # past the end when the rest of the file is one (unit, month)
        start = data.find(b"\n", start) + 1
    return cut


def _pair_cells(data: bytes, start: int, delimiter: bytes) -> list[bytes]:
    """The first two cells (unit and month) of the line beginning at ``start``."""
    end = data.find(b"\n", start)
    return data[start : end if end >= 0 else len(data)].split(delimiter, 2)[:2]


def _judged(name: str, data: bytes, ref: Reference, shift: int = 0) -> CheckedRows | None:
    """The rows of one piece checked against ``ref``, their lines shifted by ``shift``;
    None when the piece is refused, needs the database, or is not read line for line."""
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


__all__ = ["MIN_BYTES", "PIECES", "Recheck", "checked_parts"]
