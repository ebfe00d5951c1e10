"""Reading and checking monthly figures from CSV/XLSX files, the grid and the API.

Rows whose value is blank are skipped (cells left empty in the template). Every way in
produces the same rows (line, unit_code, period, metric_code, value) and goes
through ``check_rows``: the whole batch is refused when any row is wrong, with one
Vietnamese message per row ("dòng N: …"), so nothing is ever half-written. (A plain CSV
file of new rows is first offered to ``bulk``, which accepts only what this check would.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from kiemsat.indicators.models import Metric, QuotaLock, Submission, SubmissionStatus
from kiemsat.indicators.providers import derived_codes
from kiemsat.lib.commands import read_path
from kiemsat.lib.excel import ImportRefused, error_limit_reached, read_limited, table_rows
from kiemsat.lib.lookup import CodeOrName, NotFound
from kiemsat.lib.periods import Month, parse_month, parse_month_text
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
class CheckedRows:
    """Valid rows as ids, ready to write: (unit_id, metric_id, period, value)."""

    values: list[tuple[int, int, int, int]] = field(default_factory=list)
    unit_ids: set[int] = field(default_factory=set)
    periods: set[int] = field(default_factory=set)


def read_upload(stream: IO[bytes]) -> bytes:
    """A file uploaded through the web, up to MAX_FILE_BYTES."""
    return read_limited(stream, MAX_FILE_BYTES)


def read_bytes(path: Path) -> bytes:
    """A file named on the command line, up to MAX_COMMAND_BYTES."""
    return read_path(path, MAX_COMMAND_BYTES)


def parse_file(name: str, data: bytes) -> list[RawRow]:
    """Rows of a CSV or XLSX file's bytes; refuses empty or other files whole. A month that
    Excel turned into a date cell is read as that month."""
    return [
        RawRow(
            line,
            cell_text(u),
            str(parse_month(p)) if isinstance(p, date) else cell_text(p),
            cell_text(m),
            v,
        )
        for line, (u, p, m, v) in read_table(name, data, HEADER)
        if v not in (None, "")  # a blank value is a cell left empty in the template
    ]


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


@dataclass
class Reference:
    units: dict[str, tuple[int, int | None, int | None]]
    metrics: dict[str, int]
    derived: frozenset[str]
    last_month: int  # the current month: figures of later months are not known yet
    names: dict[str, CodeOrName[Any]] = field(default_factory=dict)  # loaded when first used

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


def check_rows(rows: Iterable[RawRow], *, writable_unit_ids: set[int] | None = None) -> CheckedRows:
    """Validate every row; raise ImportRefused with all messages, else return id tuples."""
    ref = Reference.load()
    checked = CheckedRows()
    errors: list[str] = []
    seen: dict[tuple[int, int, int], int] = {}
    periods: dict[str, int | None] = {}  # each distinct period text is parsed once
    for row in rows:
        problem, values = _check_row(row, ref, writable_unit_ids, periods)
        if problem:
            errors.append(f"dòng {row.line}: {problem}")
        if values is not None:
            key = values[:3]
            if key in seen:
                errors.append(
                    f"dòng {row.line}: trùng với dòng {seen[key]} "
                    f"({row.unit_code}, {row.period}, {row.metric_code})"
                )
                continue
            seen[key] = row.line
            checked.values.append(values)
        if error_limit_reached(errors):
            break
    checked.unit_ids = {v[0] for v in checked.values}
    checked.periods = {v[2] for v in checked.values}
    if not errors and not checked.values:
        errors.append("Tệp rỗng: không có dòng số liệu nào.")
    if not errors:
        errors = _locked_errors(checked, ref, seen)
    if errors:
        raise ImportRefused(errors)
    return checked


def _check_row(
    row: RawRow, ref: Reference, writable: set[int] | None, periods: dict[str, int | None]
) -> tuple[str, tuple[int, int, int, int] | None]:
    if not row.unit_code:
        return "thiếu mã đơn vị (cột unit_code)", None
    try:
        unit = ref.units[ref.code("unit_code", row.unit_code, writable)]
        metric_code = ref.code("metric_code", row.metric_code, writable)
    except NotFound as missing:
        return str(missing), None
    metric_id = ref.metrics[metric_code]
    if metric_code in ref.derived:
        return (
            f"số liệu '{metric_code}' được tính từ sổ theo dõi, không nhập tay hoặc từ tệp",
            None,
        )
    if row.period not in periods:
        periods[row.period] = parse_period(row.period)
    period = periods[row.period]
    if period is None:
        return f"kỳ '{row.period}' không hợp lệ (MM/YYYY hoặc YYYY-MM)", None
    if period > ref.last_month:
        return _future_problem(row.period, ref), None
    unit_id = unit[0]
    if not existed_in(unit, period):
        return _absent_problem(row.unit_code, unit, period), None
    if writable is not None and unit_id not in writable:
        return f"bạn không có quyền nhập số liệu cho đơn vị '{row.unit_code}'", None
    raw = row.value
    if type(raw) is str and raw.isdigit() and raw.isascii() and len(raw) <= 15:
        return "", (unit_id, metric_id, period, int(raw))  # the common case, below MAX_VALUE
    value, problem = parse_value(raw)
    if value is None:
        return problem, None
    return "", (unit_id, metric_id, period, value)


def _absent_problem(code: str, unit: tuple[int, int | None, int | None], month: int) -> str:
    label, end = Month.from_index(month).label, unit[2]
    if end is not None and month > end:
        return (
            f"đơn vị '{code}' đã kết thúc hoạt động sau tháng {Month.from_index(end).label}, "
            f"không nhận số liệu tháng {label}"
        )
    return f"đơn vị '{code}' không tồn tại trong tháng {label}"


def _future_problem(period: str, ref: Reference) -> str:
    current = Month.from_index(ref.last_month).label
    return f"kỳ '{period}' chưa tới: chỉ nhập số liệu đến tháng hiện tại ({current})"


def existed_in(unit: tuple[int, int | None, int | None], month: int) -> bool:
    """Whether a unit of ``Reference.units`` (id, first month, last month) existed then."""
    _, start, end = unit
    return (start is None or month >= start) and (end is None or month <= end)


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


def _locked_errors(
    checked: CheckedRows, ref: Reference, lines: dict[tuple[int, int, int], int]
) -> list[str]:
    """One message per approved (unit, month), at the first line that writes to it."""
    locked = locked_months({(unit_id, period) for unit_id, _, period, _ in checked.values})
    if not locked:
        return []
    codes = {pk: code for code, (pk, _, _) in ref.units.items()}
    first: dict[tuple[int, int], int] = {}
    for (unit_id, _, period), line in lines.items():
        if (unit_id, period) in locked:
            first[unit_id, period] = min(line, first.get((unit_id, period), line))
    messages = []
    for (unit_id, period), line in sorted(first.items(), key=lambda item: item[1]):
        messages.append(
            f"dòng {line}: tháng {Month.from_index(period).label} của đơn vị '{codes[unit_id]}' "
            "đã được duyệt và khóa; cần lãnh đạo mở lại trước khi sửa số liệu"
        )
    return messages
