"""Reading and checking monthly figures from CSV/XLSX files, the grid and the API.

Every way in gives the same batch, as columns (line, unit_code, period, metric_code,
value), to one check, ``check_columns``. It works column by column: each distinct unit
code, metric code, period and (unit, period) pair is judged once, the values in one pass,
so a million-row file is accepted in seconds; only when something is wrong does it go
back to the rows to name them, one Vietnamese message per row ("dòng N: …"), and the whole
batch is refused, so nothing is ever half-written. Rows whose value is blank are skipped
(cells left empty in the template).

Over 500 lines: the reading of a figures file, its one check and the messages that name
its rows belong together; every way in (file, grid, API, demo) goes through them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import islice, repeat, zip_longest
from operator import add
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from kiemsat.indicators.models import Metric, QuotaLock, Submission, SubmissionStatus
from kiemsat.indicators.providers import derived_codes
from kiemsat.lib.commands import read_path
from kiemsat.lib.excel import (
    ImportRefused,
    error_limit_reached,
    plain_csv_columns,
    read_limited,
    table_rows,
)
from kiemsat.lib.lookup import CodeOrName, NotFound
from kiemsat.lib.periods import Month, parse_month, parse_month_text
from kiemsat.lib.validity import within
from kiemsat.lib.vn import format_int
from kiemsat.org.models import Unit
from kiemsat.org.selectors import units_by_code_or_name

HEADER = ("unit_code", "period", "metric_code", "value")
MAX_FILE_BYTES = 10 * 1024 * 1024  # uploads through the web
MAX_COMMAND_BYTES = 200 * 1024 * 1024  # files given to import_figures
FORMULA_PREFIXES = ("=", "+", "@")
MAX_VALUE = 10**15  # far above any real count, far below the database's 64-bit limit
MAX_ROWS = 1_048_575  # the rows below the header of one Excel sheet


@dataclass(slots=True)
class RawRow:
    line: int
    unit_code: str
    period: str
    metric_code: str
    value: Any


@dataclass
class FigureColumns:
    """A batch of rows as columns of equal length; ``lines`` name the rows in messages."""

    lines: Sequence[int]
    units: Sequence[Any]
    periods: Sequence[Any]
    metrics: Sequence[Any]
    values: Sequence[Any]

    @classmethod
    def of_rows(cls, rows: Iterable[RawRow]) -> FigureColumns:
        """The rows of the entry grid, the API or the demo, as columns."""
        cells = [(r.line, r.unit_code, r.period, r.metric_code, r.value) for r in rows]
        return cls(*_transposed(cells, 5))


PERIOD_SPAN = 10**5  # month indexes (year·12 + month − 1) stay below this until year 8333


@dataclass
class CheckedRows:
    """Valid rows ready to write: each row's value by its key (its unit id, metric id and
    month packed in one integer, ``row_key``), in line order, with the rows' lines, and the
    (unit id, month) pairs written to."""

    rows: dict[int, int] = field(default_factory=dict)
    lines: Sequence[int] = ()
    pairs: set[tuple[int, int]] = field(default_factory=set)
    metric_span: int = 10  # a power of ten above every metric id

    def row_key(self, unit_id: int, metric_id: int, period: int) -> int:
        return (unit_id * self.metric_span + metric_id) * PERIOD_SPAN + period

    def unpacked(self, key: int) -> tuple[int, int, int]:
        """(unit id, metric id, month) of a row key."""
        unit_metric, period = divmod(key, PERIOD_SPAN)
        return (*divmod(unit_metric, self.metric_span), period)

    @property
    def count(self) -> int:
        return len(self.rows)

    @cached_property
    def unit_ids(self) -> set[int]:
        return {unit_id for unit_id, _ in self.pairs}

    @cached_property
    def periods(self) -> set[int]:
        return {period for _, period in self.pairs}


def read_upload(stream: IO[bytes]) -> bytes:
    """A file uploaded through the web, up to MAX_FILE_BYTES."""
    return read_limited(stream, MAX_FILE_BYTES)


def read_bytes(path: Path) -> bytes:
    """A file named on the command line, up to MAX_COMMAND_BYTES."""
    return read_path(path, MAX_COMMAND_BYTES)


def read_columns(name: str, data: bytes) -> FigureColumns:
    """The rows of a CSV or XLSX file's bytes as columns; refuses empty or other files."""
    plain = plain_csv_columns(name, data, HEADER, max_rows=MAX_ROWS)
    if plain is not None:
        return FigureColumns(*plain)
    table = table_rows(name, data, max_rows=MAX_ROWS)
    positions = _check_header(table.header, HEADER)
    lines: list[int] = []
    cells: list[list[Any]] = [[] for _ in positions]
    # A slice of rows at a time: the rows read so far never pile up as objects.
    while chunk := list(islice(table.rows, READ_CHUNK)):
        chunk_lines, rows = _transposed(chunk, 2)
        lines.extend(chunk_lines)
        chunk_cells = _transposed(rows, max(positions) + 1, longest=True)
        for column, i in zip(cells, positions, strict=True):
            column.extend(chunk_cells[i])
    return FigureColumns(lines, *cells)


READ_CHUNK = 10_000


def _transposed(rows: Iterable[Sequence[Any]], width: int, *, longest: bool = False) -> list[Any]:
    """``width`` columns of ``rows``; with ``longest``, short rows are padded with None."""
    columns = list((zip_longest if longest else zip)(*rows))
    count = len(columns[0]) if columns else 0
    return columns + [(None,) * count] * (width - len(columns))


def read_table(name: str, data: bytes, header: Sequence[str]) -> Iterator[tuple[int, list[Any]]]:
    """(line, the cells of ``header``'s columns) for each non-blank row of a CSV or XLSX
    file (``kiemsat.lib.excel.table_rows``: a cell right of the header is an error; named
    columns not in ``header`` are ignored). CSV cells are stripped text, XLSX cells raw."""
    table = table_rows(name, data, max_rows=MAX_ROWS)
    columns = _check_header(table.header, header)
    width = max(columns) + 1
    for line, cells in table.rows:
        padded = [*cells, *([None] * (width - len(cells)))]
        yield line, [_cell(padded[i]) for i in columns]


def _cell(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _check_header(names: list[str], header: Sequence[str]) -> list[int]:
    missing = [h for h in header if h not in names]
    if missing:
        raise ImportRefused(
            [f"dòng 1: tiêu đề không đúng, cần '{','.join(header)}' (thiếu {', '.join(missing)})."]
        )
    return [names.index(h) for h in header]


def cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


class LookupNeeded(Exception):
    """A cell names a unit or a metric otherwise than by its code, and the reference was
    told not to read the database to find it."""


@dataclass
class Reference:
    units: dict[str, tuple[int, int | None, int | None]]
    metrics: dict[str, int]
    derived: frozenset[str]
    last_month: int  # the current month: figures of later months are not known yet
    names: dict[str, CodeOrName[Any]] = field(default_factory=dict)  # loaded when first used
    lookups: bool = True  # False: a cell that is not a code raises LookupNeeded

    @classmethod
    def load(cls) -> Reference:
        units = {}
        for pk, code, start, end in Unit.objects.values_list(
            "pk", "code", "valid_from", "valid_to"
        ):
            units[code] = (
                pk,
                Month.of(start).index if start else None,
                Month.of(end).index if end else None,
            )
        metrics = dict(Metric.objects.values_list("code", "pk"))
        derived = derived_codes() | frozenset(
            Metric.objects.filter(derived=True).values_list("code", flat=True)
        )
        return cls(units, metrics, derived, Month.of(timezone.localdate()).index)

    def code(self, column: str, text: str, writable: set[int] | None) -> str:
        """The code a cell of ``column`` names: a code as stored, else a code or name found
        by ``kiemsat.lib.lookup`` (a unit's name among the units ``writable``); NotFound."""
        if text in (self.units if column == "unit_code" else self.metrics):
            return text
        if not self.lookups:
            raise LookupNeeded(text)
        if column not in self.names:
            self.names[column] = (
                units_by_code_or_name(
                    usable=lambda u: writable is None or u.pk in writable, column=column
                )
                if column == "unit_code"
                else CodeOrName(Metric.objects.all(), what="số liệu", column=column)
            )
        return str(self.names[column].find(text).code)


def parse_period(text: str) -> int | None:
    """The month index of a month as files carry it (YYYY-MM, MM/YYYY or M/YYYY), or None."""
    try:
        month = parse_month_text(text)
    except ValueError:
        return None
    return month.index if month.year >= 1900 else None


def parse_value(raw: Any) -> tuple[int | None, str]:
    if isinstance(raw, bool):
        return None, f"giá trị '{raw}' không phải số nguyên"
    if isinstance(raw, float):
        if not raw.is_integer():
            return None, f"giá trị '{raw:g}' không phải số nguyên"
        raw = int(raw)
    if isinstance(raw, int):
        if raw < 0:
            return None, f"giá trị âm ({raw})"
        if raw > MAX_VALUE:
            return None, f"giá trị quá lớn ({format_int(raw)[:40]}), tối đa {format_int(MAX_VALUE)}"
        return raw, ""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None, "thiếu giá trị"
    if text.startswith(FORMULA_PREFIXES):
        return None, f"ô chứa công thức '{text[:30]}', chỉ nhận số"
    if text.isascii() and text.isdigit():
        return parse_value(int(text))
    if text.startswith("-") and text[1:].replace(".", "", 1).replace(",", "", 1).isdigit():
        return None, f"giá trị âm ({text})"
    return None, f"giá trị '{text[:30]}' không phải số nguyên không âm"


# --- the check --------------------------------------------------------------------------------


def check_rows(rows: Iterable[RawRow], *, writable_unit_ids: set[int] | None = None) -> CheckedRows:
    """``check_columns`` of rows given one by one (the grid, the API, the demo)."""
    return check_columns(FigureColumns.of_rows(rows), writable_unit_ids=writable_unit_ids)


def check_columns(
    columns: FigureColumns, *, writable_unit_ids: set[int] | None = None
) -> CheckedRows:
    """Validate every row; raise ImportRefused with all messages, else the rows to write."""
    ref = Reference.load()
    checked = check_against(columns, ref, writable_unit_ids)
    errors = locked_errors(checked, ref)
    if errors:
        raise ImportRefused(errors)
    return checked


def check_against(
    columns: FigureColumns, ref: Reference, writable_unit_ids: set[int] | None
) -> CheckedRows:
    """Every row judged against ``ref`` (all but the approved months, ``locked_errors``):
    ImportRefused with every row's problem, else the rows to write. Reads the database
    only where a cell names a unit or a metric otherwise than by its code."""
    counts = _plain_counts(columns.values)
    if counts is None:
        columns = _without_blank_values(columns)
    judged = _Judged(columns, ref, writable_unit_ids, counts=counts)
    errors = judged.errors()
    if errors:
        raise ImportRefused(errors)
    checked = judged.checked()
    if not checked.count:
        raise ImportRefused(["Tệp rỗng: không có dòng số liệu nào."])
    return checked


def _without_blank_values(columns: FigureColumns) -> FigureColumns:
    """The rows whose value is not blank (a cell left empty in the template)."""
    keep = [i for i, v in enumerate(columns.values) if _cell(v) not in (None, "")]
    return FigureColumns(*([column[i] for i in keep] for column in vars(columns).values()))


def _plain_counts(values: Sequence[Any]) -> list[int] | None:
    """Each value as a count when every value is a text of ASCII digits (none blank) whose
    number is at most MAX_VALUE; else None, and each value is read by ``parse_value``."""
    try:
        digits = "".join(values)
    except TypeError:  # a cell that is not text (an XLSX number, a date)
        return None
    if not values or not (digits.isascii() and digits.isdigit()):
        return None
    try:
        counts = list(map(int, values))
    except ValueError:  # a blank cell, or more digits than Python reads
        return None
    return counts if max(counts) <= MAX_VALUE else None


Verdicts = dict[Any, tuple[int | None, str]]  # a distinct cell -> (its id, or its problem)


def _judge(
    cells: Iterable[Hashable],
    verdict: Callable[[Any], tuple[int | None, str]],
    *,
    raw: bool = False,
) -> Verdicts:
    """Each distinct cell of a column judged once (as text unless ``raw``)."""
    return {cell: verdict(cell if raw else cell_text(cell)) for cell in set(cells)}


def _shares(column: Sequence[Any], verdicts: Verdicts, scale: int) -> Iterator[int]:
    """Each row's id by its cell's verdict times ``scale`` (0 where the cell is wrong)."""
    shares = {cell: (verdict[0] or 0) * scale for cell, verdict in verdicts.items()}
    return map(shares.__getitem__, column)


class _Judged:
    """Each column's distinct cells and each distinct (unit, month) judged once, each row's
    value read; the rows themselves are visited only to name those in fault."""

    def __init__(
        self,
        columns: FigureColumns,
        ref: Reference,
        writable: set[int] | None,
        *,
        counts: list[int] | None,
    ) -> None:
        self.columns = columns
        self.units = _judge(columns.units, lambda code: _unit_verdict(code, ref, writable))
        self.metrics = _judge(columns.metrics, lambda code: _metric_verdict(code, ref, writable))
        self.periods = _judge(columns.periods, lambda cell: _period_verdict(cell, ref), raw=True)
        self.metric_span = 10 ** len(str(max(ref.metrics.values(), default=0)))
        self.unit_share = self.metric_span * PERIOD_SPAN
        # Each row's unit and month as one number, its share of the row's key (unit id ·
        # unit_share + month, 0 for a wrong cell): the distinct ones are judged once each.
        self.places = list(
            map(
                add,
                _shares(columns.units, self.units, self.unit_share),
                _shares(columns.periods, self.periods, 1),
            )
        )
        codes = {pk: code for code, (pk, _, _) in ref.units.items()}
        # The (unit id, month) pairs, made in one go; ids and months are never 0.
        self.pairs = set(map(divmod, set(self.places), repeat(self.unit_share)))
        self.pair_problems: dict[tuple[int, int], str] = {}
        for pair in self.pairs:
            unit_id, month = pair
            if unit_id and month:
                unit = ref.units[codes[unit_id]]
                problem = _pair_problem(codes[unit_id], unit, month, writable)
                if problem:
                    self.pair_problems[pair] = problem
        self.values: Sequence[int | None] = counts if counts is not None else []
        self.value_problems: dict[int, str] = {}
        if counts is None:
            self.values, self.value_problems = _values(columns.values)

    def faulty(self) -> set[int]:
        """Positions of the rows with a problem of their own, found column by column."""
        found = set(self.value_problems)
        for column, verdicts in (
            (self.columns.units, self.units),
            (self.columns.metrics, self.metrics),
            (self.columns.periods, self.periods),
        ):
            bad = {cell for cell, (_, problem) in verdicts.items() if problem}
            if bad:
                found.update(i for i, cell in enumerate(column) if cell in bad)
        bad_places = {u * self.unit_share + m for u, m in self.pair_problems}
        if bad_places:
            found.update(i for i, place in enumerate(self.places) if place in bad_places)
        return found

    def problem(self, i: int) -> str:
        """The first problem of row ``i``, in the order a person would fix them."""
        c = self.columns
        return (
            self.units[c.units[i]][1]
            or self.metrics[c.metrics[i]][1]
            or self.periods[c.periods[i]][1]
            or self.pair_problems.get(divmod(self.places[i], self.unit_share), "")
            or self.value_problems.get(i, "")
        )

    def errors(self) -> list[str]:
        """Every row's problem and every repeated row, in line order."""
        faulty = self.faulty()
        found = {i: self.problem(i) for i in faulty}
        if not faulty:
            if len(self.rows) < len(self.keys):
                found.update(self.repeated(self.keys, faulty))
        else:
            keys = [-1 if i in faulty else key for i, key in enumerate(self.keys)]
            found.update(self.repeated(keys, faulty))
        errors: list[str] = []
        for i in sorted(found):
            errors.append(f"dòng {self.columns.lines[i]}: {found[i]}")
            if error_limit_reached(errors):
                break
        return errors

    @cached_property
    def keys(self) -> list[int]:
        """Each row's key (``CheckedRows.row_key``); meaningless for a faulty row. Summed
        from each row's place and its metric's share of the key."""
        return list(map(add, self.places, _shares(self.columns.metrics, self.metrics, PERIOD_SPAN)))

    def repeated(self, keys: list[int], faulty: set[int]) -> dict[int, str]:
        """Each row (not otherwise faulty) that repeats an earlier one's unit, metric, month."""
        first: dict[int, int] = {}
        found = {}
        c = self.columns
        for i, key in enumerate(keys):
            if i in faulty:
                continue
            if key in first:
                found[i] = (
                    f"trùng với dòng {c.lines[first[key]]} ({cell_text(c.units[i])}, "
                    f"{cell_text(c.periods[i])}, {cell_text(c.metrics[i])})"
                )
            else:
                first[key] = i
        return found

    @cached_property
    def rows(self) -> dict[int, Any]:
        """Each row's value by its key; shorter than the rows when a key repeats."""
        return dict(zip(self.keys, self.values, strict=True))

    def checked(self) -> CheckedRows:
        """The rows to write; only once ``errors`` found none."""
        return CheckedRows(
            self.rows,
            self.columns.lines,
            self.pairs,
            self.metric_span,
        )


def _unit_verdict(text: str, ref: Reference, writable: set[int] | None) -> tuple[int | None, str]:
    if not text:
        return None, "thiếu mã đơn vị (cột unit_code)"
    try:
        return ref.units[ref.code("unit_code", text, writable)][0], ""
    except NotFound as missing:
        return None, str(missing)


def _metric_verdict(text: str, ref: Reference, writable: set[int] | None) -> tuple[int | None, str]:
    try:
        code = ref.code("metric_code", text, writable)
    except NotFound as missing:
        return None, str(missing)
    if code in ref.derived:
        return None, f"số liệu '{code}' được tính từ sổ theo dõi, không nhập tay hoặc từ tệp"
    return ref.metrics[code], ""


def _period_verdict(cell: Any, ref: Reference) -> tuple[int | None, str]:
    text = str(parse_month(cell)) if isinstance(cell, date) else cell_text(cell)
    period = parse_period(text)
    if period is None:
        return None, f"kỳ '{text}' không hợp lệ (MM/YYYY hoặc YYYY-MM)"
    if period > ref.last_month:
        current = Month.from_index(ref.last_month).label
        return None, f"kỳ '{text}' chưa tới: chỉ nhập số liệu đến tháng hiện tại ({current})"
    return period, ""


def _pair_problem(
    code: str, unit: tuple[int, int | None, int | None], month: int, writable: set[int] | None
) -> str:
    if not within(month, unit[1], unit[2]):
        return _absent_problem(code, unit, month)
    if writable is not None and unit[0] not in writable:
        return f"bạn không có quyền nhập số liệu cho đơn vị '{code}'"
    return ""


def _values(cells: Sequence[Any]) -> tuple[list[int | None], dict[int, str]]:
    """Each row's value, and the problem of each row whose value is not a count."""
    values: list[int | None] = []
    problems = {}
    for i, cell in enumerate(cells):
        value, problem = parse_value(_cell(cell))
        values.append(value)
        if problem:
            problems[i] = problem
    return values, problems


def _absent_problem(code: str, unit: tuple[int, int | None, int | None], month: int) -> str:
    label, end = Month.from_index(month).label, unit[2]
    if end is not None and month > end:
        return (
            f"đơn vị '{code}' đã kết thúc hoạt động sau tháng {Month.from_index(end).label}, "
            f"không nhận số liệu tháng {label}"
        )
    return f"đơn vị '{code}' không tồn tại trong tháng {label}"


def locked_months(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (unit id, month) pairs among ``pairs`` whose month is approved, so locked."""
    return approved_pairs(Submission, "period", pairs)


def approved_pairs(
    model: type[Submission | QuotaLock], field: str, pairs: Collection[tuple[int, int]]
) -> set[tuple[int, int]]:
    """The (unit id, ``field``) pairs among ``pairs`` whose row of ``model`` is approved."""
    approved = model.objects.filter(
        unit_id__in={u for u, _ in pairs},
        **{f"{field}__in": {p for _, p in pairs}},
        status=SubmissionStatus.APPROVED,
    ).values_list("unit_id", field)
    return {pair for pair in approved if pair in pairs}


def locked_errors(checked: CheckedRows, ref: Reference) -> list[str]:
    """One message per approved (unit, month), at the first line that writes to it."""
    locked = locked_months(checked.pairs)
    if not locked:
        return []
    codes = {pk: code for code, (pk, _, _) in ref.units.items()}
    first: dict[tuple[int, int], int] = {}
    for key, line in zip(checked.rows, checked.lines, strict=True):
        unit_id, _, period = checked.unpacked(key)
        if (unit_id, period) in locked and (unit_id, period) not in first:
            first[unit_id, period] = line
    return [
        f"dòng {line}: tháng {Month.from_index(period).label} của đơn vị '{codes[unit_id]}' "
        "đã được duyệt và khóa; cần lãnh đạo mở lại trước khi sửa số liệu"
        for (unit_id, period), line in sorted(first.items(), key=lambda item: item[1])
    ]
