"""Large figure files checked column by column and written by one statement.

A *plain* file is what the template, our exports and other systems write: UTF-8 CSV with
exactly the header ``unit_code,period,metric_code,value``, one row per line and four bare
cells per row (no quotes, no spaces, no blank lines). Such a file is checked by whole
columns: each distinct unit code, metric code and period is looked up once, the values are
checked as one string, and the rows become one JSON object
``{"<unit id:6><metric id:4><month:5>": "<value>", …}`` that the database reads with its
own JSON functions. Python makes no object per row beyond the cells themselves, which is
what lets a million-row file load in a couple of seconds.

This path only ever answers "every row is valid and new" or "not for me" (``None``). Any
doubt (another header, quotes, a blank value, an unknown code, a unit not valid in that
month, a locked month, a row already in the database, a duplicate row) hands the file to
the row-by-row check in ``imports``, which writes the messages. Both paths therefore
accept the same files and write the same rows; the tests hold them to it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise, repeat
from typing import Any

from django.db import IntegrityError, connection, transaction

from kiemsat.indicators.imports import (
    HEADER,
    MAX_VALUE,
    Reference,
    existed_in,
    locked_months,
    parse_period,
)
from kiemsat.indicators.models import Figure

PLAIN_HEADER = ",".join(HEADER)
VALUE_DIGITS = len(str(MAX_VALUE)) - 1  # every value of this many digits is ≤ MAX_VALUE
UNIT_WIDTH, METRIC_WIDTH, PERIOD_WIDTH = 6, 4, 5
LINE = "\x00"  # marks the start of a line while scanning (a plain body has no NUL)


@dataclass
class Columns:
    """One plain file's rows as the JSON object the database reads, and what they touch."""

    document: str
    rows: int
    pairs: set[tuple[str, str]]  # (unit code, period text)


@dataclass
class Loaded:
    rows: int
    unit_ids: set[int]
    periods: set[int]


class _Declined(Exception):
    """Some row needs the row-by-row check."""


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Millions of short strings would make the cyclic collector walk them again and
    again; none of them can form a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plain_body(name: str, data: bytes) -> str | None:
    """The rows' text of a plain CSV file, or None when the file is anything else."""
    if not name.lower().endswith(".csv"):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    text = text.replace("\r\n", "\n")
    header, _, body = text.partition("\n")
    body = body.rstrip("\n")
    if header != PLAIN_HEADER or not body or any(c in body for c in '"\r\x00'):
        return None
    return body


def scan(body: str, units: Mapping[str, str], metrics: Mapping[str, str]) -> Columns | None:
    """The rows of a plain body as one JSON object, or None if any row needs a closer look.

    ``units`` and ``metrics`` map the codes that may be imported to their zero-padded ids.
    """
    with _collector_paused():
        # Every line's first cell gets a mark, so a line with more or fewer than four cells
        # puts a marked cell where no code or value can match, or misses one where a unit
        # code must be: either way the row is declined, without a pass per line.
        marked = {LINE + code: value for code, value in units.items()}
        cells = (LINE + body.replace("\n", "," + LINE)).split(",")
        unit_codes, period_texts, metric_codes, values = (cells[i::4] for i in range(4))
        del cells
        digits = "".join(values)
        if not (digits.isascii() and digits.isdigit()):
            return None
        if min(map(len, values)) == 0 or max(map(len, values)) > VALUE_DIGITS:
            return None
        periods = {}
        for text in set(period_texts):
            index = parse_period(text)
            if index is None or index >= 10**PERIOD_WIDTH:
                return None
            periods[text] = f"{index:0{PERIOD_WIDTH}d}"
        try:
            items = map(
                "".join,  # type: ignore[arg-type]  # a None (unknown code) raises
                zip(
                    map(marked.get, unit_codes),
                    map(metrics.get, metric_codes),
                    map(periods.__getitem__, period_texts),
                    repeat('":"', len(values)),
                    values,
                    strict=True,
                ),
            )
            document = '{"' + '","'.join(items) + '"}'
        except TypeError:  # ''.join met None: a unit or metric that may not be imported
            return None
        except ValueError:  # columns of different lengths: the cells are not a multiple of 4
            return None
        pairs = {(code[1:], text) for code, text in set(zip(unit_codes, period_texts, strict=True))}
        return Columns(document, len(values), pairs)


def load(
    body: str,
    ref: Reference,
    *,
    writable_unit_ids: set[int] | None,
    source: str,
    updated_at: Any,
    processes: int | None = None,
) -> Loaded | None:
    """Check and insert every row of a plain body, or write nothing and return None.

    With two processes (by default for a large body on a machine with more than one core)
    a forked process scans the later parts of the body while this one scans and inserts
    the first: the database writes on one core while Python scans on both.
    """
    if processes is None:
        processes = _processes_for(body)
    units = {
        code: f"{pk:0{UNIT_WIDTH}d}"
        for code, (pk, _, _) in ref.units.items()
        if pk < 10**UNIT_WIDTH and (writable_unit_ids is None or pk in writable_unit_ids)
    }
    metrics = {
        code: f"{pk:0{METRIC_WIDTH}d}"
        for code, pk in ref.metrics.items()
        if code not in ref.derived and pk < 10**METRIC_WIDTH
    }
    sql = (
        f"INSERT INTO {Figure._meta.db_table} "  # noqa: S608
        "(unit_id, metric_id, period, value, source, updated_at) "
        f"SELECT unit_id, metric_id, period, value, %s, %s FROM ({_rows_sql()}) AS new_rows"
    )
    loaded = Loaded(0, set(), set())
    parts: Iterable[Columns | None]
    if processes > 1:
        parts = _scanned_in_parts(body, units, metrics)
    else:
        parts = [scan(body, units, metrics)]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for columns in parts:
                if columns is None:
                    raise _Declined
                pairs = _valid_pairs(columns.pairs, ref)
                loaded.unit_ids.update(u for u, _ in pairs)
                loaded.periods.update(p for _, p in pairs)
                loaded.rows += columns.rows
                cursor.execute(sql, [source, updated_at, columns.document])
    except (_Declined, IntegrityError):  # IntegrityError: a row already there, or twice
        return None
    finally:
        if isinstance(parts, Generator):
            parts.close()
    return loaded


def _valid_pairs(texts: set[tuple[str, str]], ref: Reference) -> set[tuple[int, int]]:
    """(unit id, month) of every (unit code, period) if the month has come, the unit existed
    in it and it is not approved; else _Declined."""
    months = {text: parse_period(text) for _, text in texts}
    pairs = set()
    for code, text in texts:
        unit = ref.units[code]
        month = months[text]
        assert month is not None  # scan accepted only valid periods
        if month > ref.last_month or not existed_in(unit, month):
            raise _Declined
        pairs.add((unit[0], month))
    if locked_months(pairs):
        raise _Declined
    return pairs


# Below this many characters (about 100,000 rows) starting a process costs more than it saves.
TWO_PROCESSES_FROM = 4_000_000


def _processes_for(body: str) -> int:
    """Fork only where it is safe: a single-threaded process on a system that can fork."""
    if (
        len(body) < TWO_PROCESSES_FROM
        or (os.cpu_count() or 1) < 2
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return 1
    return 2


# Where the body is cut: this process scans the first part and inserts it while a forked
# one scans the others in turn. Scanning and inserting a row take about the same time, so
# each part is ready just when this process has inserted the ones before it.
CUTS = (0.23, 0.65)


def _scanned_in_parts(
    body: str, units: Mapping[str, str], metrics: Mapping[str, str]
) -> Generator[Columns | None]:
    """Every part of the body, scanned in order; all but the first by a forked process."""
    cuts = [0]
    for share in CUTS:
        cut = body.find("\n", max(int(len(body) * share), cuts[-1]))
        if cut < 0:
            break
        cuts.append(cut + 1)
    cuts.append(len(body) + 1)
    if len(cuts) == 2:
        yield scan(body, units, metrics)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_scan_and_send, args=(sender, body, cuts[1:], units, metrics), daemon=True
    )
    try:
        worker.start()
    except OSError:  # no process to be had (memory, limits): scan it all here
        receiver.close()
        sender.close()
        yield scan(body, units, metrics)
        return
    sender.close()
    try:
        yield scan(body[: cuts[1] - 1], units, metrics)
        for _ in cuts[2:]:
            try:
                yield receiver.recv()
            except EOFError:  # the worker died without an answer
                yield None
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join()


def _scan_and_send(
    sender: Any, body: str, cuts: list[int], units: Mapping[str, str], metrics: Mapping[str, str]
) -> None:
    """In the forked process: scan each part from one cut to the next and send it."""
    for start, end in pairwise(cuts):
        try:
            columns = scan(body[start : end - 1], units, metrics)
        except Exception:
            columns = None
        sender.send(columns)
        if columns is None:
            break
    sender.close()


def _rows_sql() -> str:
    """Rows (unit_id, metric_id, period, value) of the JSON object given as the parameter."""
    if connection.vendor == "postgresql":
        cells = "json_each_text(%s::json)"
        integer = "bigint"
    else:
        cells = "json_each(%s)"
        integer = "integer"
    unit = 10 ** (METRIC_WIDTH + PERIOD_WIDTH)
    metric = 10**PERIOD_WIDTH
    digits = 10**METRIC_WIDTH
    sql = (
        "SELECT k / {unit} AS unit_id, k / {metric} %% {digits} AS metric_id, "
        "k %% {metric} AS period, v AS value FROM (SELECT CAST(key AS {integer}) AS k, "
        "CAST(value AS {integer}) AS v FROM {cells}) AS cells"
    )
    return sql.format(unit=unit, metric=metric, digits=digits, integer=integer, cells=cells)


__all__ = ["Columns", "Loaded", "load", "plain_body", "scan"]
