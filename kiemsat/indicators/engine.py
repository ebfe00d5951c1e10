"""Indicator evaluation, exactly as DESIGN §5 says: pure functions over plain values.

No Django and no database here. The flow for one unit is
`aggregate_unit` (rule 1) → `evaluate_aggregated` (rules 2–5, gap of rule 9); a group pools
its members' aggregated inputs with `pool` (rule 7) before evaluating. The database layer may
skip `aggregate_unit` and pass metric totals it aggregated in SQL. Every comparison is exact
(integers and Fractions); floats never enter.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from kiemsat.indicators.formula import Term, evaluate_formula, parse_formula
from kiemsat.lib.vn import (
    format_decimal,
    format_int,
    format_percent,
    format_percent_distinct,
    round_half_up,
)


class Status(StrEnum):
    VUOT = "VUOT"
    DAT = "DAT"
    KHONG_DAT = "KHONG_DAT"
    KHONG_PHAT_SINH = "KHONG_PHAT_SINH"
    CHUA_BAO_CAO = "CHUA_BAO_CAO"
    KHONG_CO_CHI_TIEU = "KHONG_CO_CHI_TIEU"
    THEO_DOI = "THEO_DOI"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.VUOT: "Vượt",
    Status.DAT: "Đạt",
    Status.KHONG_DAT: "Không đạt",
    Status.KHONG_PHAT_SINH: "Không phát sinh",
    Status.CHUA_BAO_CAO: "Chưa báo cáo",
    Status.KHONG_CO_CHI_TIEU: "Không có chỉ tiêu",
    Status.THEO_DOI: "Theo dõi",
}


class Aggregation(StrEnum):
    """How a metric's monthly figures add up over a range of months."""

    SUM = "sum"
    FIRST = "first"
    LAST = "last"


KINDS = ("ratio", "count")
THRESHOLD_OPS = (">", ">=", "=", "<", "<=")
OPS = (*THRESHOLD_OPS, "zero", "quota", "none")
ELIGIBLE_OPS = frozenset({">", ">=", "<", "<=", "quota"})
"""Ops whose target can be beaten: the indicators counted by the "vượt" summary line."""

_MET: dict[str, Callable[[Fraction, Fraction], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
}
_BETTER: dict[str, Callable[[Fraction, Fraction], bool]] = {
    ">": operator.gt,
    ">=": operator.gt,
    "<": operator.lt,
    "<=": operator.lt,
}


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator as the engine needs it: formulas as parsed terms, operator and target.

    A ratio uses `numerator` and `denominator`; a count uses `count` and optionally `base`
    (the indicator arises only when the base is above zero). `target` is in percent for
    ratios and a plain number for counts; ops `zero`, `quota` and `none` need none.
    """

    code: str
    kind: str
    numerator: Sequence[Term] = ()
    denominator: Sequence[Term] = ()
    count: Sequence[Term] = ()
    base: Sequence[Term] | None = None
    op: str = "none"
    target: Fraction | None = None

    def __post_init__(self) -> None:
        for name in ("numerator", "denominator", "count", "base"):
            terms = getattr(self, name)
            if terms is not None:
                object.__setattr__(self, name, tuple(terms))
        if self.target is not None:
            object.__setattr__(self, "target", Fraction(self.target))
        if problem := self._problem():
            raise ValueError(f"Chỉ tiêu {self.code}: {problem}")
        parts = (self.numerator, self.denominator, self.count, self.base or ())
        # computed once: evaluations of a whole group ask for it per member
        object.__setattr__(self, "_metrics", frozenset(c for terms in parts for _, c in terms))

    def _problem(self) -> str | None:
        if self.kind not in KINDS:
            return f"loại chỉ tiêu không hợp lệ ({self.kind!r})"
        if self.op not in OPS:
            return f"phép so sánh không hợp lệ ({self.op!r})"
        if self.kind == "ratio" and not (self.numerator and self.denominator):
            return "chỉ tiêu tỷ lệ cần cả tử số và mẫu số"
        if self.kind == "ratio" and self.op in ("zero", "quota"):
            return f"chỉ tiêu tỷ lệ không dùng phép so sánh {self.op!r}"
        if self.kind == "count" and not self.count:
            return "chỉ tiêu đếm cần công thức số đếm"
        if self.op in THRESHOLD_OPS and self.target is None:
            return f"phép so sánh {self.op!r} cần giá trị chỉ tiêu"
        return None

    @classmethod
    def from_formulas(
        cls,
        code: str,
        *,
        op: str,
        target: Fraction | Decimal | int | None = None,
        numerator: str | None = None,
        denominator: str | None = None,
        count: str | None = None,
        base: str | None = None,
    ) -> IndicatorSpec:
        """Build from formula texts as the catalogue writes them ("A + B - C")."""
        return cls(
            code=code,
            kind="count" if count is not None else "ratio",
            numerator=parse_formula(numerator) if numerator is not None else (),
            denominator=parse_formula(denominator) if denominator is not None else (),
            count=parse_formula(count) if count is not None else (),
            base=parse_formula(base) if base is not None else None,
            op=op,
            target=Fraction(target) if target is not None else None,
        )

    def metrics(self) -> frozenset[str]:
        """Every metric code the indicator's formulas use."""
        return self._metrics  # type: ignore[attr-defined,no-any-return]


UnitFigures = Mapping[str, Mapping[int, int]]
"""One unit's figures: metric code → month index → value, holding only the figures present."""


class AggregatedInput(NamedTuple):
    """What the evaluation of one indicator needs for one unit or one pooled group."""

    values: Mapping[str, int]
    reported: bool
    quota: int | None = None


@dataclass(frozen=True)
class Evaluation:
    """The result of one indicator for one unit (or group) and one range of months.

    For a ratio, numerator/denominator are N and D and value is 100·N/D. For a count the
    numerator is the count C, the denominator the quota Q (None unless op is `quota` and a
    quota exists) and value is C. Nothing is filled in when the status is CHUA_BAO_CAO.
    `gap` is set only for KHONG_DAT: how much the numerator (or count) must grow — or, for
    `<`, `<=` and `zero`, shrink — to meet the target; `gap_impossible` when no whole
    change can within the period (the numerator would pass the denominator or go below
    zero, or `=` asks for a fraction of a case).
    """

    indicator_code: str
    kind: str
    status: Status
    numerator: int | None
    denominator: int | None
    value: Fraction | None
    target: Fraction | None
    op: str
    gap: int | None = None
    gap_impossible: bool = False

    @property
    def arising(self) -> bool:
        return self.status in (Status.VUOT, Status.DAT, Status.KHONG_DAT)

    @property
    def met(self) -> bool:
        return self.status in (Status.VUOT, Status.DAT)


# --- rule 1: aggregation over the months of the range -------------------------------------


def aggregate(monthly: Mapping[int, int], kind: str, months: Sequence[int]) -> int:
    """One metric over the range `months` (month indices in order); a missing month is 0."""
    if not months:
        return 0
    if kind == Aggregation.SUM:
        return sum(monthly.get(m, 0) for m in months)
    if kind == Aggregation.FIRST:
        return monthly.get(months[0], 0)
    if kind == Aggregation.LAST:
        return monthly.get(months[-1], 0)
    raise ValueError(f"Cách cộng dồn không hợp lệ: {kind!r}")


def aggregate_unit(
    figures: UnitFigures, metrics: Mapping[str, str], months: Sequence[int]
) -> tuple[dict[str, int], set[str]]:
    """Aggregate each metric of `metrics` (code → aggregation kind) over the range.

    Returns the totals and the metrics that have at least one figure in the range.
    """
    in_range = set(months)
    totals: dict[str, int] = {}
    reported: set[str] = set()
    for code, kind in metrics.items():
        monthly = figures.get(code, {})
        totals[code] = aggregate(monthly, kind, months)
        if not in_range.isdisjoint(monthly):
            reported.add(code)
    return totals, reported


def aggregate_for(
    spec: IndicatorSpec,
    figures: UnitFigures,
    kinds: Mapping[str, str],
    months: Sequence[int],
    quota: int | None = None,
) -> AggregatedInput:
    """The input of one indicator for one unit, from its monthly figures."""
    missing = sorted(spec.metrics() - kinds.keys())
    if missing:
        raise ValueError(f"Chưa khai báo cách cộng dồn của chỉ số: {', '.join(missing)}")
    totals, reported = aggregate_unit(figures, {m: kinds[m] for m in spec.metrics()}, months)
    return AggregatedInput(totals, bool(reported), quota)


# --- rule 7: groups -----------------------------------------------------------------------


def pool(
    inputs: Iterable[AggregatedInput | tuple[Mapping[str, int], bool, int | None]],
) -> AggregatedInput:
    """Pool members' inputs for a group: sum the values of members that reported.

    A member that did not report adds nothing to the sums, its quota included (§5.7);
    quotas are summed over the reporting members that have one (None when none has).
    A group is reported iff any member reported.
    """
    values: dict[str, int] = {}
    reported = False
    quotas: list[int] = []
    for member_values, member_reported, quota in inputs:
        if member_reported:
            if quota is not None:
                quotas.append(quota)
            reported = True
            for code, value in member_values.items():
                values[code] = values.get(code, 0) + value
    return AggregatedInput(values, reported, sum(quotas) if quotas else None)


# --- rules 2–5 and 9: evaluation ----------------------------------------------------------


def evaluate_aggregated(
    spec: IndicatorSpec, values: Mapping[str, int], reported: bool, quota: int | None = None
) -> Evaluation:
    """Evaluate one indicator on aggregated metric totals (a unit's or a pooled group's)."""
    if not reported:
        return _result(spec, Status.CHUA_BAO_CAO, None, None, None)
    if spec.kind == "ratio":
        n = evaluate_formula(spec.numerator, values)
        return _evaluate_ratio(spec, n, evaluate_formula(spec.denominator, values))
    base = evaluate_formula(spec.base, values) if spec.base is not None else None
    return _evaluate_count(spec, evaluate_formula(spec.count, values), base, quota)


def evaluate(spec: IndicatorSpec, data: AggregatedInput) -> Evaluation:
    """`evaluate_aggregated` on an `AggregatedInput` (from `aggregate_for` or `pool`)."""
    return evaluate_aggregated(spec, data.values, data.reported, data.quota)


def _result(
    spec: IndicatorSpec,
    status: Status,
    numerator: int | None,
    denominator: int | None,
    value: Fraction | None,
    gap: int | None = None,
) -> Evaluation:
    if status != Status.KHONG_DAT:
        gap = None
    impossible = status == Status.KHONG_DAT and gap is None
    return Evaluation(
        spec.code, spec.kind, status, numerator, denominator, value, spec.target, spec.op,
        gap, impossible,
    )  # fmt: skip


def _evaluate_ratio(spec: IndicatorSpec, n: int, d: int) -> Evaluation:
    if d <= 0:
        return _result(spec, Status.KHONG_PHAT_SINH, n, d, None)
    value = Fraction(100 * n, d)
    status = _judge(spec.op, value, spec.target)
    gap = None
    if status == Status.KHONG_DAT:
        assert spec.target is not None
        gap = _threshold_gap(spec.op, n, spec.target * d / 100, upper=d)
    return _result(spec, status, n, d, value, gap)


def _evaluate_count(spec: IndicatorSpec, c: int, base: int | None, quota: int | None) -> Evaluation:
    shown_quota = quota if spec.op == "quota" else None
    if base is not None and base <= 0:
        return _result(spec, Status.KHONG_PHAT_SINH, c, shown_quota, Fraction(c))
    if spec.op == "quota":
        if quota is None:
            return _result(spec, Status.KHONG_CO_CHI_TIEU, c, None, Fraction(c))
        status = _judge(">=", Fraction(c), Fraction(quota))
        return _result(spec, status, c, quota, Fraction(c), quota - c)
    if spec.op == "zero":
        # The gap of a zero target is the number of violations to avoid.
        return _result(spec, _judge("=", Fraction(c), Fraction(0)), c, None, Fraction(c), c)
    status = _judge(spec.op, Fraction(c), spec.target)
    gap = None
    if status == Status.KHONG_DAT:
        assert spec.target is not None
        gap = _threshold_gap(spec.op, c, spec.target, upper=None)
    return _result(spec, status, c, None, Fraction(c), gap)


def _judge(op: str, value: Fraction, target: Fraction | None) -> Status:
    """Rules 4–5 for a threshold op; `none` is tracked only."""
    if op == "none" or target is None:
        return Status.THEO_DOI
    if not _MET[op](value, target):
        return Status.KHONG_DAT
    better = _BETTER.get(op)
    return Status.VUOT if better is not None and better(value, target) else Status.DAT


def _threshold_gap(op: str, n: int, limit: Fraction, upper: int | None) -> int | None:
    """Smallest whole x such that n ± x meets `op limit`; None if it cannot be done.

    The numerator can grow up to `upper` (if any) or shrink down to 0, no further.

    For a ratio `limit` is t·D/100 (the numerator at the target) and `upper` is D.
    """
    if op == ">":
        x = math.floor(limit) + 1 - n
    elif op == ">=":
        x = math.ceil(limit) - n
    elif op == "=":
        x = limit.numerator - n if limit.denominator == 1 else 0
    elif op == "<":
        x = n - math.ceil(limit) + 1
    else:  # "<="
        x = n - math.floor(limit)
    shrink = op in ("<", "<=")
    feasible = n - x >= 0 if shrink else upper is None or n + x <= upper
    return x if x >= 1 and feasible else None


# --- rule 6: summaries --------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Counts of indicators in a set of evaluations (DESIGN §5.6)."""

    arising: int = 0
    met: int = 0
    eligible: int = 0
    exceeded: int = 0
    by_status: Mapping[Status, int] = field(default_factory=dict, compare=False)

    def met_line(self) -> str:
        """E.g. "127/129 chỉ tiêu đạt (98,4%)"."""
        return _summary_line(self.met, self.arising, "đạt")

    def exceeded_line(self) -> str:
        """E.g. "59/60 chỉ tiêu vượt (98,3%)"."""
        return _summary_line(self.exceeded, self.eligible, "vượt")

    @property
    def unreported(self) -> int:
        return self.by_status.get(Status.CHUA_BAO_CAO, 0)

    def headline(self) -> str:
        """The met line with the unreported count beside it, so that "1/1 chỉ tiêu đạt"
        never hides eleven indicators without figures: "1/1 chỉ tiêu đạt (100,0%);
        11 chỉ tiêu chưa báo cáo"."""
        return f"{self.met_line()}; {self.unreported} chỉ tiêu chưa báo cáo"


def summarize(evaluations: Iterable[Evaluation]) -> Summary:
    arising = met = eligible = exceeded = 0
    by_status = dict.fromkeys(Status, 0)
    for ev in evaluations:
        by_status[ev.status] += 1
        if ev.arising:
            arising += 1
            met += ev.met
            eligible += ev.op in ELIGIBLE_OPS
            exceeded += ev.status == Status.VUOT
    return Summary(arising, met, eligible, exceeded, by_status)


def _summary_line(part: int, whole: int, verb: str) -> str:
    percent = format_percent(part, whole)
    line = f"{part}/{whole} chỉ tiêu {verb}"
    return f"{line} ({percent})" if percent else line


# --- display (rule 8) ---------------------------------------------------------------------


def display_value(evaluation: Evaluation) -> str:
    """The value as users read it: "98,4%" for a ratio, "15.548" for a count, "" for none.

    One decimal, rounded half up once. When the rounded figure would equal the target
    although the value does not (89,96% against 90% reads "90,0%"), decimals are added
    until it differs: with the ops we have, a value ≠ target never has the status that
    equality would give (VUOT/KHONG_DAT vs DAT), so showing it as equal would mislead.
    """
    value = evaluation.value
    if value is None:
        return ""
    if evaluation.kind == "count":
        return format_decimal(value, 0)
    return format_percent_distinct(value, evaluation.target)


def display_gap(evaluation: Evaluation) -> str:
    """ "cần thêm" column: the gap as a whole number, or why it cannot be closed."""
    if evaluation.gap_impossible:
        return "không thể đạt trong kỳ"
    return "" if evaluation.gap is None else format_int(evaluation.gap)


def csv_value(evaluation: Evaluation) -> str:
    """The value column of `evaluate --format csv|json`: "." and 4 decimals, "" when none."""
    if evaluation.value is None:
        return ""
    return f"{round_half_up(evaluation.value, 4):f}"
