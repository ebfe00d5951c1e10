"""From figures in the database to engine evaluations, for units and groups.

Each member of an evaluation is a set of unit ids: the unit, the units it took over
(its predecessors' past figures count as its own) and, for "with subordinates", the
units below. Metrics are aggregated per unit by one SQL query, summed per member, then
pooled across members for a group (DESIGN §5.7).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, When

from kiemsat.indicators import engine
from kiemsat.indicators.engine import AggregatedInput, Evaluation, IndicatorSpec, Summary
from kiemsat.indicators.models import Figure, Indicator, Metric, Quota
from kiemsat.indicators.providers import PROVIDERS
from kiemsat.lib.periods import MonthRange, work_year_of
from kiemsat.lib.validity import overlaps_q, valid_on_q
from kiemsat.lib.vn import sort_key
from kiemsat.org.access import OrgGraph
from kiemsat.org.models import Cluster, ClusterTerm, Level, Unit

MemberTotals = dict[str, int]


@dataclass
class Line:
    """One indicator's result, with the definition it was judged against."""

    indicator: Indicator
    evaluation: Evaluation

    @property
    def display_value(self) -> str:
        return engine.display_value(self.evaluation)

    @property
    def display_gap(self) -> str:
        return engine.display_gap(self.evaluation)


@dataclass
class Table:
    """The evaluation of one unit or group over one range."""

    code: str
    name: str
    months: MonthRange
    lines: list[Line]
    summary: Summary = field(init=False)

    def __post_init__(self) -> None:
        self.summary = engine.summarize(line.evaluation for line in self.lines)

    def by_code(self) -> dict[str, Line]:
        return {line.indicator.code: line for line in self.lines}


@dataclass
class GroupResult:
    group: Table
    members: list[Table]


def indicators_in_force(day: date, levels: Collection[str]) -> list[Indicator]:
    """The version of each indicator in force on ``day`` that applies to any of ``levels``."""
    rows = Indicator.objects.filter(valid_on_q(day, start="effective_from", end="effective_to"))
    chosen: dict[str, Indicator] = {}
    for ind in rows.order_by("code", "-effective_from"):
        if ind.code in chosen or not ind.in_force_on(day):
            continue
        if set(ind.levels) & set(levels):
            chosen[ind.code] = ind
    return sorted(chosen.values(), key=lambda i: _code_key(i.code))


def _code_key(code: str) -> tuple[str, int, str]:
    prefix, _, number = code.rpartition("-")
    return (prefix, int(number), code) if number.isdigit() else (code, 0, code)


def spec_for(indicator: Indicator) -> IndicatorSpec:
    return IndicatorSpec.from_formulas(
        indicator.code,
        op=indicator.op,
        target=Fraction(indicator.target) if indicator.target is not None else None,
        numerator=indicator.numerator or None,
        denominator=indicator.denominator or None,
        count=indicator.count or None,
        base=indicator.base or None,
    )


def unit_totals(
    unit_ids: Collection[int], metric_codes: Collection[str], months: MonthRange
) -> dict[int, tuple[MemberTotals, set[str]]]:
    """Per unit: each metric aggregated over the range by its kind, and the metrics present.

    One GROUP BY (unit, metric) query; the CASE picks each metric's months by its kind
    (all months for ``sum``, the first for ``first``, the last for ``last``).
    """
    metrics = Metric.objects.filter(code__in=metric_codes).values_list("pk", "code", "aggregation")
    codes = {pk: code for pk, code, _ in metrics}
    kinds = {code: kind for _, code, kind in metrics}
    by_kind = {k: [pk for pk, _, kind in metrics if kind == k] for k in ("first", "last")}
    first, last = months.start.index, months.end.index
    picks = [
        When(metric_id__in=ids, then=Case(When(period=month, then="value")))
        for ids, month in ((by_kind["first"], first), (by_kind["last"], last))
        if ids
    ]
    chosen = Case(*picks, default="value", output_field=IntegerField())
    query = (
        Figure.objects.filter(
            unit_id__in=list(unit_ids),
            metric_id__in=list(codes),
            period__gte=first,
            period__lte=last,
        )
        .order_by()
        .values_list("unit_id", "metric_id")
        .annotate(value=Sum(chosen), n=Count("*"))
    )
    result: dict[int, tuple[MemberTotals, set[str]]] = defaultdict(lambda: ({}, set()))
    for unit_id, metric_id, value, n in _raw_rows(query):
        _add(result[unit_id], codes[metric_id], value, n)
    for unit_id, code, value, n in _provider_rows(unit_ids, kinds, first, last):
        _add(result[unit_id], code, value, n)
    return dict(result)


def _raw_rows(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of an aggregate query as plain tuples (no per-value converters: it is hot)."""
    try:
        sql, params = query.query.get_compiler(using=query.db).as_sql()
    except EmptyResultSet:  # an empty IN (): nothing can match
        return []
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _add(slot: tuple[MemberTotals, set[str]], code: str, value: int | None, n: int) -> None:
    values, present = slot
    values[code] = values.get(code, 0) + int(value or 0)
    if n:
        present.add(code)


def _provider_rows(
    unit_ids: Collection[int], kinds: Mapping[str, str], first: int, last: int
) -> list[tuple[int, str, int, int]]:
    """Registered providers' values aggregated like figures: (unit, code, value, n), where
    n > 0 means the unit reported the code. Codes that are all summed are totalled by the
    provider itself; others need its monthly values to pick the first or last month."""
    wanted = set(kinds)
    cells: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for provider in PROVIDERS:
        codes = provider.metric_codes & wanted
        if not codes:
            continue
        if all(kinds[code] == "sum" for code in codes):
            rows = provider.range_totals(unit_ids, first, last)
        else:
            rows = _picked(provider.monthly_values(unit_ids, first, last), kinds, first, last)
        for unit_id, code, value in rows:
            if code in wanted:
                cell = cells[(unit_id, code)]
                cell[0] += value
                cell[1] += 1
    return [(u, c, v, n) for (u, c), (v, n) in cells.items()]


def _picked(
    monthly: Iterable[tuple[int, str, int, int]], kinds: Mapping[str, str], first: int, last: int
) -> Iterator[tuple[int, str, int]]:
    """Monthly values as (unit, code, value counted): every month of a summed code, only
    the first or last month of the others (the other months still count as reported)."""
    for unit_id, code, period, value in monthly:
        kind = kinds.get(code)
        if kind is None:
            continue
        if kind == "sum" or period == (first if kind == "first" else last):
            yield unit_id, code, value
        else:
            yield unit_id, code, 0


def quotas(unit_ids: Collection[int], months: MonthRange) -> dict[tuple[int, str], int]:
    """Quotas for the work year of the range's last month, of the units that existed at
    some point of the range: a quota left on a unit after its end date never counts."""
    active = Unit.objects.filter(units_active_in(months), pk__in=list(unit_ids))
    rows = Quota.objects.filter(unit__in=active, work_year=work_year_of(months.end))
    return {
        (u, code): value
        for u, code, value in rows.values_list("unit_id", "indicator_code", "value")
    }


def member_inputs(
    members: Mapping[str, Collection[int]],
    indicators: Sequence[Indicator],
    months: MonthRange,
) -> dict[str, dict[str, AggregatedInput]]:
    """Per member key and indicator code, the engine input (values, reported, quota).

    Each unit of a member is pooled like a member of a group (§5.7): a unit that did not
    report adds nothing, its quota included. So a province "hai cấp", the province with
    its subordinates and any group holding the same units give the same sums.
    """
    metrics = {ind.code: spec_for(ind).metrics() for ind in indicators}
    all_ids = {u for ids in members.values() for u in ids}
    per_unit = unit_totals(all_ids, set().union(*metrics.values()), months)
    by_unit: dict[int, dict[str, int]] = defaultdict(dict)
    for (unit_id, code), value in quotas(all_ids, months).items():
        by_unit[unit_id][code] = value
    result: dict[str, dict[str, AggregatedInput]] = {}
    for key, ids in members.items():
        reporting = [u for u in ids if u in per_unit]
        totals, present = _summed([per_unit[u] for u in reporting])
        member_quotas = [(per_unit[u][1], by_unit[u]) for u in reporting if u in by_unit]
        result[key] = {
            code: AggregatedInput(
                {m: totals.get(m, 0) for m in used},
                True,
                _quota(code, used, member_quotas),
            )
            if not present.isdisjoint(used)
            else NOT_REPORTED
            for code, used in metrics.items()
        }
    return result


NOT_REPORTED = engine.pool([])


def _summed(slots: list[tuple[MemberTotals, set[str]]]) -> tuple[MemberTotals, set[str]]:
    """The units' totals added up and the metrics any of them reported. A unit adds
    nothing to the metrics it did not report (it has no total for them), so this is what
    ``engine.pool`` gives for every indicator, whichever of the units reported it."""
    if len(slots) == 1:
        return slots[0]
    totals: dict[str, int] = {}
    present: set[str] = set()
    for values, reported in slots:
        present |= reported
        for code, value in values.items():
            totals[code] = totals.get(code, 0) + value
    return totals, present


def _quota(
    code: str, used: frozenset[str], member_quotas: list[tuple[set[str], dict[str, int]]]
) -> int | None:
    """The quotas of the units that reported the indicator, summed (``engine.pool``)."""
    found = [
        unit_quotas[code]
        for reported, unit_quotas in member_quotas
        if code in unit_quotas and not reported.isdisjoint(used)
    ]
    return sum(found) if found else None


def _table(
    code: str,
    name: str,
    months: MonthRange,
    indicators: Sequence[Indicator],
    inputs: Mapping[str, AggregatedInput],
) -> Table:
    lines = [Line(ind, engine.evaluate(spec_for(ind), inputs[ind.code])) for ind in indicators]
    return Table(code=code, name=name, months=months, lines=lines)


def member_ids(unit: Unit, *, with_subordinates: bool, graph: OrgGraph | None = None) -> set[int]:
    graph = graph or OrgGraph.load()
    own = graph.taken_over([unit.pk])
    return own | graph.below(own) if with_subordinates else own


def evaluate_unit(unit: Unit, months: MonthRange, *, with_subordinates: bool = False) -> Table:
    ids = member_ids(unit, with_subordinates=with_subordinates)
    levels = {unit.level}
    if with_subordinates:
        levels |= set(Unit.objects.filter(pk__in=ids).values_list("level", flat=True))
    indicators = indicators_in_force(months.last_day(), levels)
    inputs = member_inputs({unit.code: ids}, indicators, months)[unit.code]
    return _table(unit.code, unit.name, months, indicators, inputs)


_GROUP = ""  # the member key of the whole group; no unit has an empty code


def evaluate_members(
    code: str, name: str, members: Sequence[Unit], months: MonthRange, *, with_subordinates: bool
) -> GroupResult:
    """A group pooled from its members (each with its predecessors, maybe subordinates)."""
    graph = OrgGraph.load()
    ids = {m.code: member_ids(m, with_subordinates=with_subordinates, graph=graph) for m in members}
    all_ids = {u for s in ids.values() for u in s}
    levels = set(Unit.objects.filter(pk__in=all_ids).values_list("level", flat=True))
    indicators = indicators_in_force(months.last_day(), levels)
    # The group pools each unit once, even where members overlap (a successor and the
    # unit it took over, both members of a province "hai cấp" over the merger's year).
    inputs = member_inputs({**ids, _GROUP: all_ids}, indicators, months)
    pooled = inputs[_GROUP]
    member_tables = [_table(m.code, m.name, months, indicators, inputs[m.code]) for m in members]
    return GroupResult(group=_table(code, name, months, indicators, pooled), members=member_tables)


def units_active_in(months: MonthRange) -> Q:
    """Units that existed at some point of the range."""
    return overlaps_q(months.first_day(), months.last_day())


def evaluate_province(unit: Unit, months: MonthRange) -> GroupResult:
    """A unit "hai cấp": its own figures and its local units', pooled."""
    children = list(unit.children.filter(units_active_in(months)).order_by("name_folded"))
    result = evaluate_members(
        unit.code, f"{unit.name} (hai cấp)", [unit, *children], months, with_subordinates=False
    )
    return result


def evaluate_nation(months: MonthRange) -> GroupResult:
    members = nation_members(months.last_day())
    return evaluate_members("TOAN-QUOC", "Toàn ngành", members, months, with_subordinates=True)


def nation_members(day: date) -> list[Unit]:
    """The provincial units (with their local units pooled in) valid on ``day``."""
    return list(
        Unit.objects.filter(valid_on_q(day), level=Level.PROVINCIAL).order_by("name_folded")
    )


__all__ = [
    "GroupResult",
    "Line",
    "Table",
    "evaluate_cluster",
    "evaluate_members",
    "evaluate_unit",
    "indicators_in_force",
    "member_inputs",
    "nation_members",
]


def evaluate_cluster(
    cluster: Cluster,
    term: ClusterTerm | None,
    months: MonthRange,
    *,
    with_subordinates: bool = False,
) -> GroupResult:
    """A cluster's term pooled: the one evaluation behind its dashboard, `evaluate --group`
    and published results (members in Vietnamese name order, under the cluster's own code
    and name). Without a term for the year the cluster has no members."""
    members = sorted(term.members.all(), key=lambda u: sort_key(u.name)) if term else []
    return evaluate_members(
        cluster.code, cluster.name, members, months, with_subordinates=with_subordinates
    )
