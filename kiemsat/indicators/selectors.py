"""Scoped reads behind the indicator pages: dashboards, figures, report completeness.

Every function that takes a user-supplied id goes through the org gate first
(`get_unit_for_user`) or through the indicator gates (`kiemsat.indicators.access`); the
catalogue is sector-wide reference data any signed-in user may read. What the pages show
is built in `view_models`, the members' order in `ranking`.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, QuerySet
from django.shortcuts import get_object_or_404

from kiemsat.indicators import engine
from kiemsat.indicators.cache import Revision, cached, data_revision
from kiemsat.indicators.charts import Series
from kiemsat.indicators.evaluation import (
    GroupResult,
    Table,
    evaluate_cluster,
    evaluate_nation,
    evaluate_province,
    evaluate_unit,
    member_ids,
    spec_for,
    units_active_in,
)
from kiemsat.indicators.formula import parse_formula
from kiemsat.indicators.models import (
    Figure,
    Indicator,
    Metric,
    Submission,
)
from kiemsat.indicators.ranking import RankRow, ranking
from kiemsat.indicators.trends import chosen_chart, monthly_figures, monthly_series
from kiemsat.indicators.view_models import (
    SUBMISSION_LABELS,
    Cell,
    Completeness,
    CompletenessRow,
    FigureGrid,
    FigureRow,
    GroupDashboard,
    Row,
    UnitDashboard,
)
from kiemsat.lib.periods import Month, MonthRange, work_year_of
from kiemsat.org.access import AnyUser, OrgGraph, access_for
from kiemsat.org.models import Cluster, ClusterTerm, Level, Membership, Unit, valid_on_q
from kiemsat.org.selectors import tree_order, visible_units

MAX_MONTHS = 120


def default_range(today: date, last_reported: Month | None = None) -> MonthRange:
    """The work year to date, up to the last month with figures (``last_reported``).

    Work year N starts on 1 December N−1. With no figures up to this month, the range
    ends on the last closed month: on 1 December that is the whole previous work year,
    never the new year's empty first days.
    """
    now = Month.of(today)
    last = min(last_reported, now) if last_reported is not None else now.shift(-1)
    return MonthRange(Month(work_year_of(last) - 1, 12), last)


def last_reported_month(unit_ids: Collection[int] | None, today: date) -> Month | None:
    """The last month up to today's that has a figure of any of the units (of any unit
    when None); derived metrics do not count, a register's months are never "reported".
    Cached under the data revision: the nation's answer reads every figure."""
    now = Month.of(today)
    ids = None if unit_ids is None else sorted(unit_ids)

    def build() -> int | None:
        figures = Figure.objects.filter(period__lte=now.index)
        if ids is not None:
            figures = figures.filter(unit_id__in=ids)
        return figures.aggregate(last=Max("period"))["last"]

    key = ("last-reported", now.index, None if ids is None else tuple(ids))
    last = cached(key, build)
    return None if last is None else Month.from_index(last)


def unit_last_reported(unit: Unit, today: date, *, with_subordinates: bool) -> Month | None:
    return last_reported_month(member_ids(unit, with_subordinates=with_subordinates), today)


def cluster_last_reported(
    cluster: Cluster, today: date, *, with_subordinates: bool
) -> Month | None:
    """Over every unit that was ever a member of the cluster (its terms change yearly)."""
    through = ClusterTerm.members.through.objects.filter(clusterterm__cluster=cluster)
    graph = OrgGraph.load()
    ids: set[int] = set()
    for unit in Unit.objects.filter(pk__in=through.values("unit_id")):
        ids |= member_ids(unit, with_subordinates=with_subordinates, graph=graph)
    return last_reported_month(ids, today)


# --- wording ------------------------------------------------------------------------------


# --- the catalogue (reference data) -------------------------------------------------------


def get_indicator(pk: int) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("catalogue"), pk=pk)


def indicator_versions(indicator: Indicator) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(code=indicator.code)
        .exclude(pk=indicator.pk)
        .select_related("catalogue")
        .order_by("-effective_from")
    )


def metric_names(indicators: Iterable[Indicator]) -> dict[str, str]:
    codes = set()
    for ind in indicators:
        for text in (ind.numerator, ind.denominator, ind.count, ind.base):
            if text:
                codes |= {code for _, code in parse_formula(text)}
    return dict(Metric.objects.filter(code__in=codes).values_list("code", "name"))


def indicator_metrics(indicator: Indicator) -> QuerySet[Metric]:
    codes = spec_for(indicator).metrics()
    return Metric.objects.filter(code__in=codes).order_by("code")


def catalogue_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("catalogue").order_by(
        "catalogue__effective_from", "field", "code"
    )


def indicator_in_force(code: str, day: date) -> Indicator | None:
    rows = Indicator.objects.filter(code=code, effective_from__lte=day).order_by("-effective_from")
    return next((ind for ind in rows if ind.in_force_on(day)), None)


# --- the unit dashboard -------------------------------------------------------------------


def unit_dashboard(
    unit: Unit, months: MonthRange, *, with_subordinates: bool, chart_code: str = ""
) -> UnitDashboard:
    """The evaluations are the same for every reader: cached under the data revision."""
    key = ("unit-dashboard", unit.pk, months.start.index, months.end.index, with_subordinates)
    table, last_year, series = cached(
        key, lambda: _unit_evaluations(unit, months, with_subordinates=with_subordinates)
    )
    previous = last_year.by_code()
    rows = [
        Row(line, previous.get(line.indicator.code), series[line.indicator.code])
        for line in table.lines
    ]
    chosen = chosen_chart(table.lines, chart_code)
    return UnitDashboard(
        unit, months, with_subordinates, table, last_year, rows, series.get(chosen or "")
    )


def _unit_evaluations(
    unit: Unit, months: MonthRange, *, with_subordinates: bool
) -> tuple[Table, Table, dict[str, Series]]:
    table = evaluate_unit(unit, months, with_subordinates=with_subordinates)
    last_year = evaluate_unit(
        unit, months.same_period_last_year(), with_subordinates=with_subordinates
    )
    ids = member_ids(unit, with_subordinates=with_subordinates)
    return table, last_year, monthly_series(ids, table.lines, months)


def unit_cluster_terms(unit: Unit, months: MonthRange) -> QuerySet[ClusterTerm]:
    """The unit's emulation clusters in the work year of the range's last month."""
    return ClusterTerm.objects.filter(members=unit, year=work_year_of(months.end)).select_related(
        "cluster"
    )


# --- groups: clusters, a province "hai cấp", the nation -----------------------------------


@dataclass
class GroupData:
    """The user-independent part of a group dashboard: cached under the data revision."""

    result: GroupResult
    units: dict[str, Unit]
    pooled_ids: frozenset[int]
    ranking: list[RankRow]
    issuer: Unit | None
    note: str = ""


@dataclass(frozen=True)
class GroupHead:
    """What a request needs before it can look up the cached page: small, cheap to load."""

    name: str
    member_unit_ids: frozenset[int]


@dataclass(frozen=True)
class GroupSpec:
    """Which group dashboard: a cluster, a province "hai cấp" or the nation, over a range.

    Build it only after the group's gate has passed; `key` names everything the
    user-independent content depends on, apart from the chart.
    """

    kind: str  # "cluster", "province" or "nation"
    owner: Cluster | Unit | None
    months: MonthRange
    with_subordinates: bool

    @property
    def key(self) -> tuple[Hashable, ...]:
        pk = self.owner.pk if self.owner is not None else None
        months = (str(self.months.start), str(self.months.end))
        return ("group", self.kind, pk, *months, self.with_subordinates)


def cluster_spec(cluster: Cluster, months: MonthRange, *, with_subordinates: bool) -> GroupSpec:
    return GroupSpec("cluster", cluster, months, with_subordinates)


def province_spec(unit: Unit, months: MonthRange) -> GroupSpec:
    return GroupSpec("province", unit, months, with_subordinates=False)


def nation_spec(months: MonthRange) -> GroupSpec:
    return GroupSpec("nation", None, months, with_subordinates=True)


def _group_data(
    result: GroupResult, *, with_subordinates: bool, issuer: Unit | None, note: str = ""
) -> GroupData:
    units = {u.code: u for u in Unit.objects.filter(code__in=[t.code for t in result.members])}
    graph = OrgGraph.load()
    ids: set[int] = set()
    for unit in units.values():
        ids |= member_ids(unit, with_subordinates=with_subordinates, graph=graph)
    return GroupData(
        result=result,
        units=units,
        pooled_ids=frozenset(ids),
        ranking=ranking(result.members, units),
        issuer=issuer,
        note=note,
    )


NATION_CODE = "TOAN-QUOC"


def cluster_term(cluster: Cluster, months: MonthRange) -> ClusterTerm | None:
    """The cluster's term for the work year of the range's last month."""
    terms = ClusterTerm.objects.select_related("cluster", "leader").prefetch_related("members")
    return terms.filter(cluster=cluster, year=work_year_of(months.end)).first()


def group_spec_for_code(code: str, months: MonthRange, *, with_subordinates: bool) -> GroupSpec:
    """`evaluate --group CODE`: a cluster's code, or TOAN-QUOC for the nation.

    Raises LookupError (with a Vietnamese message) for an unknown code or a cluster that
    has no term in the work year of the range's last month.
    """
    if code == NATION_CODE:
        return nation_spec(months)
    cluster = Cluster.objects.filter(code=code).first()
    if cluster is None or cluster_term(cluster, months) is None:
        year = work_year_of(months.end)
        raise LookupError(f"Không có cụm '{code}' trong năm công tác {year}.")
    return cluster_spec(cluster, months, with_subordinates=with_subordinates)


def group_evaluation(spec: GroupSpec) -> GroupResult:
    """The one evaluation of a group: its dashboard and `evaluate --group` both read it."""
    return _evaluate(spec, _term_of(spec))


def _term_of(spec: GroupSpec) -> ClusterTerm | None:
    if spec.kind != "cluster":
        return None
    assert isinstance(spec.owner, Cluster)
    return cluster_term(spec.owner, spec.months)


def _evaluate(spec: GroupSpec, term: ClusterTerm | None) -> GroupResult:
    if spec.kind == "cluster":
        assert isinstance(spec.owner, Cluster)
        subs = spec.with_subordinates
        return evaluate_cluster(spec.owner, term, spec.months, with_subordinates=subs)
    if spec.kind == "province":
        assert isinstance(spec.owner, Unit)
        return evaluate_province(spec.owner, spec.months)
    return evaluate_nation(spec.months)


def _build_group_data(spec: GroupSpec) -> GroupData:
    term = _term_of(spec)
    result = _evaluate(spec, term)
    if spec.kind == "cluster":
        year = work_year_of(spec.months.end)
        note = "" if term else f"Cụm chưa có thành phần cho năm công tác {year}."
        issuer = term.leader if term else None
        return _group_data(
            result, with_subordinates=spec.with_subordinates, issuer=issuer, note=note
        )
    if spec.kind == "province":
        assert isinstance(spec.owner, Unit)
        return _group_data(result, with_subordinates=False, issuer=spec.owner)
    issuer = Unit.objects.filter(level=Level.SUPREME).order_by("pk").first()
    return _group_data(result, with_subordinates=True, issuer=issuer)


def group_data(spec: GroupSpec, *, revision: Revision | None = None) -> GroupData:
    """The evaluation, ranking and member units of a group (cached, user-independent)."""
    return cached(spec.key, lambda: _build_group_data(spec), revision=revision)


def group_head(spec: GroupSpec, *, revision: Revision | None = None) -> GroupHead:
    def build() -> GroupHead:
        data = group_data(spec, revision=revision)
        return GroupHead(
            name=data.result.group.name,
            member_unit_ids=frozenset(u.pk for u in data.units.values()),
        )

    return cached((*spec.key, "head"), build, revision=revision)


def group_chart(
    spec: GroupSpec, data: GroupData, chart_code: str, *, revision: Revision | None = None
) -> Series | None:
    """The monthly trend of the chosen indicator, pooled over the group (cached)."""
    chosen = chosen_chart(data.result.group.lines, chart_code)
    lines = [ln for ln in data.result.group.lines if ln.indicator.code == chosen]
    if not lines:
        return None

    def build() -> Series | None:
        return monthly_series(data.pooled_ids, lines, spec.months).get(chosen or "")

    return cached((*spec.key, "chart", chosen), build, revision=revision)


def group_dashboard(
    spec: GroupSpec,
    user: AnyUser,
    *,
    chart_code: str = "",
    revision: Revision | None = None,
    readable: Collection[int] | None = None,
) -> GroupDashboard:
    """The group dashboard for ``user``, whose gate must already have passed.

    ``readable`` narrows the units linked to (default: every unit the user can read).
    """
    if revision is None:
        revision = data_revision()
    data = group_data(spec, revision=revision)
    chart = group_chart(spec, data, chart_code, revision=revision)
    return GroupDashboard(
        code=data.result.group.code,
        name=data.result.group.name,
        months=spec.months,
        result=data.result,
        units=data.units,
        ranking=data.ranking,
        chart=chart,
        issuer=data.issuer,
        note=data.note,
        with_subordinates=spec.with_subordinates,
        readable=set(access_for(user).unit_ids() if readable is None else readable),
    )


# --- figures behind a dashboard -----------------------------------------------------------


def figure_grid(
    unit: Unit, months: MonthRange, *, with_subordinates: bool, indicator_code: str = ""
) -> FigureGrid:
    """Monthly figures by metric × month, summed over the unit (and what it took over)."""
    indicator = indicator_in_force(indicator_code, months.last_day()) if indicator_code else None
    metrics = list(indicator_metrics(indicator) if indicator else Metric.objects.order_by("code"))
    ids = member_ids(unit, with_subordinates=with_subordinates)
    figures = monthly_figures(ids, [m.code for m in metrics], months)
    indices = [m.index for m in months]
    rows = []
    for metric in metrics:
        monthly = figures.get(metric.code, {})
        total = engine.aggregate(monthly, metric.aggregation, indices) if monthly else None
        rows.append(FigureRow(metric, [monthly.get(i) for i in indices], total))
    states = submission_states([unit.pk], months)
    cells = [Cell(states.get((unit.pk, i), "missing")) for i in indices]
    return FigureGrid(unit, months, with_subordinates, indicator, rows, cells)


def submission_states(unit_ids: Collection[int], months: MonthRange) -> dict[tuple[int, int], str]:
    """(unit id, month index) → submission status, in one query."""
    rows = Submission.objects.filter(
        unit_id__in=list(unit_ids), period__gte=months.start.index, period__lte=months.end.index
    ).values_list("unit_id", "period", "status")
    return {(unit_id, period): status for unit_id, period, status in rows}


# --- report completeness ------------------------------------------------------------------


def completeness(
    user: AnyUser,
    months: MonthRange,
    today: date,
    root: Unit | None = None,
) -> Completeness:
    """Visible units valid in the range (under ``root`` if given) × months: what was sent."""
    units = list(visible_units(user).filter(units_active_in(months)))
    if root is not None:
        subtree = OrgGraph.load().below([root.pk]) | {root.pk}
        units = [u for u in units if u.pk in subtree]
    states = submission_states([u.pk for u in units], months)
    now = Month.of(today)
    rows = [
        CompletenessRow(unit, depth, [_cell(unit, m, states, now) for m in months])
        for unit, depth in tree_order(units)
    ]
    totals = [dict.fromkeys(SUBMISSION_LABELS, 0) for _ in months]
    for row in rows:
        for total, cell in zip(totals, row.cells, strict=True):
            total[cell.key] += 1
    return Completeness(months, rows, totals)


def _cell(unit: Unit, month: Month, states: dict[tuple[int, int], str], now: Month) -> Cell:
    if not (unit.is_valid_on(month.first_day()) or unit.is_valid_on(month.last_day())):
        return Cell("absent")
    if month > now:
        return Cell("future")
    return Cell(states.get((unit.pk, month.index), "missing"))


def dashboard_units(user: AnyUser, today: date) -> QuerySet[Unit]:
    """The chooser on /chi-tieu/: visible units valid today."""
    return visible_units(user).filter(valid_on_q(today)).order_by("level", "name_folded")


def first_own_unit(user: AnyUser) -> Unit | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user).select_related("unit").order_by("pk").first()
    return membership.unit if membership else None
