"""Quota rows from the grid, a CSV/XLSX file or ``import_quotas``, checked all or nothing.

Every way in produces the same rows (line, unit_code, work_year, indicator_code, value)
and goes through ``check_quota_rows``, like the figures (``imports.check_rows``): the
whole batch is refused when any row is wrong, with one message per row ("dòng N: …").
A value of None (an emptied grid cell) clears the quota; a blank cell of a file is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kiemsat.indicators import quotas
from kiemsat.indicators.imports import cell_text, parse_value, read_table
from kiemsat.indicators.models import Indicator, Quota
from kiemsat.indicators.services import approver_unit_id, can_approve
from kiemsat.lib.excel import ImportRefused, error_limit_reached
from kiemsat.lib.lookup import CodeOrName, NotFound
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.vn import format_int, short_date
from kiemsat.org.models import Level, Unit
from kiemsat.org.selectors import units_by_code_or_name

HEADER = ("unit_code", "work_year", "indicator_code", "value")
TEMPLATE_HEADER = (
    "unit_code",
    "unit_name",
    "work_year",
    "indicator_code",
    "indicator_name",
    "value",
)
MAX_QUOTA = 100_000  # far above any yearly count a unit is given


@dataclass(slots=True)
class QuotaRow:
    line: int
    unit_code: str
    work_year: Any
    indicator_code: str
    value: Any


@dataclass(frozen=True)
class CheckedQuota:
    unit: Unit
    indicator_code: str
    work_year: int
    value: int | None  # None: no quota

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.unit.pk, self.indicator_code, self.work_year)


def parse_quota_file(name: str, data: bytes) -> list[QuotaRow]:
    """Rows of a CSV or XLSX file with the columns of ``HEADER`` (others are ignored)."""
    return [
        QuotaRow(line, cell_text(unit), year, cell_text(code), value)
        for line, (unit, year, code, value) in read_table(name, data, HEADER)
        if value not in (None, "")  # a blank value is a cell left empty in the template
    ]


def parse_year(raw: Any) -> int | None:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = cell_text(raw)
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None


@dataclass
class _Reference:
    units: CodeOrName[Unit]
    indicators: dict[int, dict[str, Indicator]]  # work year → code → quota indicator
    indicator_codes: CodeOrName[Indicator]
    quota_codes: set[str]
    known_codes: set[str]
    locked: set[tuple[int, int]]
    last_year: int

    @classmethod
    def load(cls, rows: list[QuotaRow], actor: Any) -> _Reference:
        years = {y for y in map(parse_year, (r.work_year for r in rows)) if y is not None}
        units = units_by_code_or_name(
            usable=lambda u: actor is None or can_approve(actor, u), column="unit_code"
        )
        pairs = {(approver_unit_id(u), y) for u in units.by_code.values() for y in years}
        quota = Indicator.objects.filter(op="quota").order_by("code", "-effective_from")
        return cls(
            units=units,
            indicators={y: {i.code: i for i in quotas.quota_indicators(y)} for y in years},
            indicator_codes=CodeOrName(quota, what="chỉ tiêu", column="indicator_code"),
            quota_codes=set(quota.values_list("code", flat=True)),
            known_codes=set(Indicator.objects.values_list("code", flat=True)),
            locked=quotas.locked_pairs(pairs),
            last_year=quotas.last_assignable_year(),
        )

    def indicator_code(self, text: str) -> str:
        """The code ``text`` names (a code, or a quota indicator's name); an unknown text is
        kept as it is for the messages of ``_indicator_problem``."""
        try:
            return self.indicator_codes.find(text).code
        except NotFound as missing:
            if missing.ambiguous:
                raise
            return text


def check_quota_rows(rows: Iterable[QuotaRow], *, actor: Any) -> list[CheckedQuota]:
    """Validate every row; raise ImportRefused with all messages, else the quotas to set.
    ``actor`` None is the command line; anyone else may give only the quotas they assign."""
    rows = list(rows)
    ref = _Reference.load(rows, actor)
    checked: list[CheckedQuota] = []
    errors: list[str] = []
    seen: dict[tuple[int, str, int], int] = {}
    for row in rows:
        problem, quota = _check_row(row, ref, actor)
        if quota is not None and quota.key in seen:
            first = seen[quota.key]
            problem = (
                f"trùng với dòng {first} ({row.unit_code}, {quota.work_year}, {row.indicator_code})"
            )
        if problem:
            errors.append(f"dòng {row.line}: {problem}")
        elif quota is not None:
            seen[quota.key] = row.line
            checked.append(quota)
        if error_limit_reached(errors):
            break
    if not errors and not checked:
        errors.append("Tệp rỗng: không có dòng chỉ tiêu giao nào.")
    if errors:
        raise ImportRefused(errors)
    return checked


def _check_row(row: QuotaRow, ref: _Reference, actor: Any) -> tuple[str, CheckedQuota | None]:
    try:
        unit = ref.units.find(row.unit_code)
        code = ref.indicator_code(row.indicator_code)
    except NotFound as missing:
        return str(missing), None
    if actor is not None and not can_approve(actor, unit):
        return f"bạn không có quyền giao chỉ tiêu cho đơn vị '{unit.code}'", None
    year = parse_year(row.work_year)
    if year is None:
        text = cell_text(row.work_year)
        return f"năm công tác '{text}' không hợp lệ (4 chữ số, ví dụ 2026)", None
    if year > ref.last_year:
        return f"năm công tác {year} chưa tới: chỉ giao được đến năm {ref.last_year}", None
    problem = _lifetime_problem(unit, year)
    if problem:
        return problem, None
    indicator = ref.indicators[year].get(code)
    if indicator is None:
        return _indicator_problem(code, year, ref), None
    if unit.level not in indicator.levels:
        level = Level(unit.level).label.lower()
        return f"chỉ tiêu '{indicator.code}' không áp dụng cho đơn vị {level}", None
    value, problem = _quota_value(row.value)
    if problem:
        return problem, None
    if (approver_unit_id(unit), year) in ref.locked:
        return _locked_problem(unit, year), None
    return "", CheckedQuota(unit, indicator.code, year, value)


def _lifetime_problem(unit: Unit, year: int) -> str:
    months = MonthRange.work_year(year)
    if unit.valid_to is not None and unit.valid_to < months.first_day():
        return (
            f"đơn vị '{unit.code}' đã kết thúc ngày {short_date(unit.valid_to)}, "
            f"trước năm công tác {year}"
        )
    if unit.valid_from is not None and unit.valid_from > months.last_day():
        return (
            f"đơn vị '{unit.code}' thành lập ngày {short_date(unit.valid_from)}, "
            f"sau năm công tác {year}"
        )
    return ""


def _indicator_problem(code: str, year: int, ref: _Reference) -> str:
    if code in ref.quota_codes:
        return f"chỉ tiêu '{code}' không áp dụng trong năm công tác {year}"
    if code in ref.known_codes:
        return f"chỉ tiêu '{code}' không phải chỉ tiêu được giao (loại quota)"
    return f"không có chỉ tiêu mã '{code}'"


def _quota_value(raw: Any) -> tuple[int | None, str]:
    if raw is None:
        return None, ""
    value, problem = parse_value(raw)
    if value is not None and value > MAX_QUOTA:
        return None, f"giá trị quá lớn ({format_int(value)}), tối đa {format_int(MAX_QUOTA)}"
    return value, problem


def _locked_problem(unit: Unit, year: int) -> str:
    giver = unit.parent or unit
    return (
        f"chỉ tiêu giao năm công tác {year} của các đơn vị trực thuộc '{giver.code}' đã được "
        "duyệt và khóa; cần lãnh đạo mở lại trước khi sửa"
    )


def existing_quotas(checked: list[CheckedQuota]) -> dict[tuple[int, str, int], Quota]:
    rows = Quota.objects.filter(
        unit_id__in={c.unit.pk for c in checked},
        work_year__in={c.work_year for c in checked},
    )
    return {(q.unit_id, q.indicator_code, q.work_year): q for q in rows}
