"""What the indicator pages show: Vietnamese words for targets and formulas, and the view
models of the dashboards, the figures grid and report completeness. No queries here: the
selectors build these from what they read."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from kiemsat.indicators.charts import Series
from kiemsat.indicators.evaluation import GroupResult, Line, Table
from kiemsat.indicators.formula import parse_formula
from kiemsat.indicators.models import Indicator, Kind, Metric, SubmissionStatus
from kiemsat.indicators.ranking import RankRow
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.vn import format_decimal, format_int
from kiemsat.org.models import Unit


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return format_int(int(value))
    return format_decimal(value, 3).rstrip("0").rstrip(",")


def target_words(indicator: Indicator, quota: int | None = None) -> str:
    """ "trên 90%", "từ 90% trở lên", "100%", "dưới 1,5%", "không để xảy ra", …"""
    op = indicator.op
    if op == "zero":
        return "không để xảy ra"
    if op == "quota":
        return "≥ chỉ tiêu giao" + (f" ({format_int(quota)})" if quota is not None else "")
    if op == "none" or indicator.target is None:
        return "theo dõi"
    ratio = indicator.kind == Kind.RATIO
    t = _number(Fraction(indicator.target)) + ("%" if ratio else "")
    words = {
        ">": f"trên {t}",
        ">=": f"từ {t} trở lên",
        "=": t if ratio else f"bằng {t}",
        "<": f"dưới {t}",
        "<=": f"không quá {t}",
    }
    return words.get(op, t)


def formula_words(formula: str, names: dict[str, str]) -> str:
    """ "A + B - C" with metric names, the minus sign typeset: "Số … + Số … − Số …"."""
    parts = []
    for i, (sign, code) in enumerate(parse_formula(formula)):
        name = names.get(code, code)
        if sign < 0:
            parts.append(f"− {name}" if i == 0 else f" − {name}")
        else:
            parts.append(name if i == 0 else f" + {name}")
    return "".join(parts)


def _grouped(formula: str, names: dict[str, str]) -> str:
    text = formula_words(formula, names)
    return f"({text})" if len(parse_formula(formula)) > 1 else text


def indicator_formula(indicator: Indicator, names: dict[str, str]) -> list[tuple[str, str]]:
    """(label, words) rows describing how the indicator is computed."""
    if indicator.kind == Kind.RATIO:
        ratio = f"{_grouped(indicator.numerator, names)} ÷ {_grouped(indicator.denominator, names)}"
        return [("Công thức", ratio + " × 100%")]
    rows = [("Số đếm", formula_words(indicator.count, names))]
    if indicator.base:
        rows.append(("Phát sinh khi", f"{formula_words(indicator.base, names)} lớn hơn 0"))
    return rows


@dataclass
class Row:
    line: Line
    last_year: Line | None
    series: Series

    @property
    def target_words(self) -> str:
        return target_words(self.line.indicator, self.line.evaluation.denominator)


@dataclass
class UnitDashboard:
    unit: Unit
    months: MonthRange
    with_subordinates: bool
    table: Table
    last_year: Table
    rows: list[Row]
    chart: Series | None

    @property
    def scope_label(self) -> str:
        return "gồm đơn vị trực thuộc" if self.with_subordinates else "riêng đơn vị"


@dataclass
class GroupRow:
    line: Line
    target: str


@dataclass
class MatrixRow:
    label: str
    unit: Unit | None
    table: Table
    pooled: bool = False


@dataclass
class GroupDashboard:
    code: str
    name: str
    months: MonthRange
    result: GroupResult
    units: dict[str, Unit]
    ranking: list[RankRow]
    chart: Series | None
    issuer: Unit | None
    note: str = ""
    with_subordinates: bool = True
    readable: set[int] = field(default_factory=set)

    @property
    def table(self) -> Table:
        return self.result.group

    @property
    def rows(self) -> list[GroupRow]:
        return [
            GroupRow(line, target_words(line.indicator, line.evaluation.denominator))
            for line in self.table.lines
        ]

    @property
    def matrix(self) -> list[MatrixRow]:
        rows = [MatrixRow(t.name, self.units.get(t.code), t) for t in self.result.members]
        return [*rows, MatrixRow("Cả nhóm (cộng gộp)", None, self.result.group, pooled=True)]

    @property
    def scope_label(self) -> str:
        return "mỗi thành viên gồm đơn vị trực thuộc" if self.with_subordinates else "riêng đơn vị"


SUBMISSION_LABELS = {
    "missing": "Chưa gửi",
    SubmissionStatus.SUBMITTED: "Đã gửi, chờ duyệt",
    SubmissionStatus.APPROVED: "Đã duyệt",
    SubmissionStatus.REOPENED: "Đã mở lại",
    SubmissionStatus.RETURNED: "Bị trả lại",
    "absent": "Không tồn tại",
    "future": "Chưa đến kỳ",
}


SUBMISSION_SHORT = {
    "missing": "Chưa gửi",
    SubmissionStatus.SUBMITTED: "Chờ duyệt",
    SubmissionStatus.APPROVED: "Đã duyệt",
    SubmissionStatus.REOPENED: "Mở lại",
    SubmissionStatus.RETURNED: "Trả lại",
    "absent": "—",
    "future": "",
}


@dataclass
class Cell:
    key: str

    @property
    def label(self) -> str:
        return SUBMISSION_LABELS[self.key]

    @property
    def short(self) -> str:
        return SUBMISSION_SHORT[self.key]


@dataclass
class FigureRow:
    metric: Metric
    values: list[int | None]
    total: int | None

    @property
    def kind_label(self) -> str:
        return self.metric.get_aggregation_display()


@dataclass
class FigureGrid:
    unit: Unit
    months: MonthRange
    with_subordinates: bool
    indicator: Indicator | None
    rows: list[FigureRow]
    submissions: list[Cell]


@dataclass
class CompletenessRow:
    unit: Unit
    depth: int
    cells: list[Cell]


@dataclass
class Completeness:
    months: MonthRange
    rows: list[CompletenessRow]
    totals: list[dict[str, int]]
