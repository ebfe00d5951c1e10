"""Scoped reads behind the indicator pages: dashboards, figures, report completeness.

Every function that takes a user-supplied id goes through the org gate first
(`get_unit_for_user`) or through a gate defined here (`get_cluster_for_user`,
`require_nation_reader`); the catalogue is sector-wide reference data any signed-in user
may read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.core.exceptions import PermissionDenied
from django.db.models import Max, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from kiemsat.indicators import engine
from kiemsat.indicators.cache import Revision, cached, data_revision
from kiemsat.indicators.charts import Point, Series
from kiemsat.indicators.evaluation import (
    GroupResult,
    Line,
    Table,
    evaluate_cluster_term,
    evaluate_members,
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
    Kind,
    Metric,
    Submission,
    SubmissionStatus,
)
from kiemsat.indicators.providers import PROVIDERS
from kiemsat.lib.periods import Month, MonthRange, work_year_of
from kiemsat.lib.vn import format_decimal, format_int, format_percent, sort_key
from kiemsat.org.access import OrgGraph, access_for, is_sector_admin
from kiemsat.org.models import Cluster, ClusterTerm, Level, Membership, Unit, valid_on_q
from kiemsat.org.selectors import readable_clusters, visible_units

MAX_MONTHS = 120
LEVEL_ORDER = {Level.SUPREME: 0, Level.APPELLATE: 1, Level.PROVINCIAL: 2, Level.LOCAL: 3}


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


# --- monthly trends -----------------------------------------------------------------------


def monthly_figures(
    unit_ids: Collection[int], codes: Collection[str], months: MonthRange
) -> dict[str, dict[int, int]]:
    """Metric code → month index → value summed over the units (registers' figures too)."""
    figures: dict[str, dict[int, int]] = defaultdict(dict)
    rows = (
        Figure.objects.filter(
            unit_id__in=list(unit_ids),
            metric__code__in=list(codes),
            period__gte=months.start.index,
            period__lte=months.end.index,
        )
        .values_list("metric__code", "period")
        .annotate(total=Sum("value"))
    )
    for code, period, total in rows:
        figures[code][period] = int(total)
    wanted = set(codes)
    for provider in PROVIDERS:
        if not provider.metric_codes & wanted:
            continue
        for _, code, period, value in provider.monthly_values(
            unit_ids, months.start.index, months.end.index
        ):
            if code in wanted:
                figures[code][period] = figures[code].get(period, 0) + value
    return figures


def monthly_series(
    unit_ids: Collection[int], lines: Sequence[Line], months: MonthRange
) -> dict[str, Series]:
    """Each indicator evaluated on each single month of the range (no quota: counts only)."""
    specs = {line.indicator.code: spec_for(line.indicator) for line in lines}
    codes = {m for spec in specs.values() for m in spec.metrics()}
    kinds = dict(Metric.objects.filter(code__in=codes).values_list("code", "aggregation"))
    figures = monthly_figures(unit_ids, codes, months)
    result = {}
    for line in lines:
        spec = specs[line.indicator.code]
        points = []
        for month in months:
            ev = engine.evaluate(spec, engine.aggregate_for(spec, figures, kinds, [month.index]))
            points.append(Point(month, ev.value, ev.status, engine.display_value(ev)))
        result[spec.code] = _series(line.indicator, points)
    return result


def _series(indicator: Indicator, points: list[Point]) -> Series:
    threshold = indicator.op in engine.THRESHOLD_OPS and indicator.target is not None
    return Series(
        code=indicator.code,
        name=indicator.name,
        percent=indicator.kind == Kind.RATIO,
        target=Fraction(indicator.target) if threshold and indicator.target is not None else None,
        target_label=target_words(indicator),
        points=points,
    )


def _chart_code(lines: Sequence[Line], wanted: str) -> str | None:
    """The chosen indicator if shown, else the first rate that arose, else the first line."""
    codes = [line.indicator.code for line in lines]
    if wanted in codes:
        return wanted
    rates = [ln for ln in lines if ln.evaluation.arising and ln.evaluation.kind == Kind.RATIO]
    pick = rates[0] if rates else (lines[0] if lines else None)
    return pick.indicator.code if pick else None


# --- the unit dashboard -------------------------------------------------------------------


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
    chosen = _chart_code(table.lines, chart_code)
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


def get_cluster_for_user(user, pk: int) -> Cluster:  # type: ignore[no-untyped-def]
    """The cluster gate: a cluster outside `readable_clusters` is a 404.

    Cluster results are shared within the cluster: anyone who can read a unit that is or
    was a member of any of its terms (or the unit that manages a local cluster) sees the
    whole cluster table, every member's row included.
    """
    cluster = get_object_or_404(Cluster, pk=pk)
    if not readable_clusters(user).filter(pk=cluster.pk).exists():
        raise Http404("Không tìm thấy.")
    return cluster


def can_read_nation(user) -> bool:  # type: ignore[no-untyped-def]
    if is_sector_admin(user):
        return True
    return Membership.objects.filter(user=user, unit__level=Level.SUPREME).exists()


def require_nation_reader(user) -> None:  # type: ignore[no-untyped-def]
    if not can_read_nation(user):
        raise PermissionDenied(
            "Chỉ cán bộ VKSND tối cao và quản trị ngành được xem kết quả toàn ngành."
        )


@dataclass
class RankRow:
    rank: int
    unit: Unit | None
    table: Table
    met_share: Fraction | None
    exceeded_share: Fraction | None

    @property
    def met_percent(self) -> str:
        s = self.table.summary
        return format_percent(s.met, s.arising)

    @property
    def exceeded_percent(self) -> str:
        s = self.table.summary
        return format_percent(s.exceeded, s.eligible)


def ranking(members: Sequence[Table], units: dict[str, Unit]) -> list[RankRow]:
    """Members by share met (met/arising), then share exceeded, then name.

    Members with exactly the same two shares share a rank (1, 2, 2, 4); a member where
    nothing arose comes last.
    """
    rows = []
    for table in members:
        s = table.summary
        met = Fraction(s.met, s.arising) if s.arising else None
        exceeded = Fraction(s.exceeded, s.eligible) if s.eligible else None
        rows.append(RankRow(0, units.get(table.code), table, met, exceeded))

    def shares(r: RankRow) -> tuple[Fraction, Fraction]:
        return (
            r.met_share if r.met_share is not None else Fraction(-1),
            r.exceeded_share if r.exceeded_share is not None else Fraction(-1),
        )

    rows.sort(key=lambda r: (-shares(r)[0], -shares(r)[1], sort_key(r.table.name)))
    for i, row in enumerate(rows):
        same = i and shares(rows[i - 1]) == shares(row)
        row.rank = rows[i - 1].rank if same else i + 1
    return rows


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
    if spec.kind == "cluster":
        assert isinstance(spec.owner, Cluster)
        term = cluster_term(spec.owner, spec.months)
        if term is None:
            return evaluate_members(
                spec.owner.code,
                spec.owner.name,
                [],
                spec.months,
                with_subordinates=spec.with_subordinates,
            )
        return evaluate_cluster_term(term, spec.months, with_subordinates=spec.with_subordinates)
    if spec.kind == "province":
        assert isinstance(spec.owner, Unit)
        return evaluate_province(spec.owner, spec.months)
    return evaluate_nation(spec.months)


def _build_group_data(spec: GroupSpec) -> GroupData:
    result = group_evaluation(spec)
    if spec.kind == "cluster":
        assert isinstance(spec.owner, Cluster)
        term = cluster_term(spec.owner, spec.months)
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
    chosen = _chart_code(data.result.group.lines, chart_code)
    lines = [ln for ln in data.result.group.lines if ln.indicator.code == chosen]
    if not lines:
        return None

    def build() -> Series | None:
        return monthly_series(data.pooled_ids, lines, spec.months).get(chosen or "")

    return cached((*spec.key, "chart", chosen), build, revision=revision)


def group_dashboard(
    spec: GroupSpec,
    user,  # type: ignore[no-untyped-def]
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


def cluster_dashboard(
    cluster: Cluster, months: MonthRange, user, *, with_subordinates: bool, chart_code: str = ""
) -> GroupDashboard:  # type: ignore[no-untyped-def]
    """The cluster's term for the work year of the range's last month, pooled."""
    spec = cluster_spec(cluster, months, with_subordinates=with_subordinates)
    return group_dashboard(spec, user, chart_code=chart_code)


def province_dashboard(
    unit: Unit, months: MonthRange, user, *, chart_code: str = ""
) -> GroupDashboard:  # type: ignore[no-untyped-def]
    return group_dashboard(province_spec(unit, months), user, chart_code=chart_code)


def nation_dashboard(months: MonthRange, user, *, chart_code: str = "") -> GroupDashboard:  # type: ignore[no-untyped-def]
    return group_dashboard(nation_spec(months), user, chart_code=chart_code)


# --- figures behind a dashboard -----------------------------------------------------------

SUBMISSION_LABELS = {
    "missing": "Chưa gửi",
    SubmissionStatus.SUBMITTED: "Đã gửi, chờ duyệt",
    SubmissionStatus.APPROVED: "Đã duyệt",
    SubmissionStatus.REOPENED: "Đã mở lại",
    "absent": "Không tồn tại",
    "future": "Chưa đến kỳ",
}

SUBMISSION_SHORT = {
    "missing": "Chưa gửi",
    SubmissionStatus.SUBMITTED: "Chờ duyệt",
    SubmissionStatus.APPROVED: "Đã duyệt",
    SubmissionStatus.REOPENED: "Mở lại",
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


def completeness(
    user,  # type: ignore[no-untyped-def]
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
        for unit, depth in _tree_order(units)
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


def _tree_order(units: list[Unit]) -> list[tuple[Unit, int]]:
    ids = {u.pk for u in units}
    by_parent: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        by_parent[unit.parent_id if unit.parent_id in ids else None].append(unit)
    for children in by_parent.values():
        children.sort(key=lambda u: (LEVEL_ORDER.get(Level(u.level), 9), sort_key(u.name)))
    ordered: list[tuple[Unit, int]] = []
    stack = [(u, 0) for u in reversed(by_parent[None])]
    while stack:
        unit, depth = stack.pop()
        ordered.append((unit, depth))
        stack.extend((c, depth + 1) for c in reversed(by_parent.get(unit.pk, [])))
    return ordered


def dashboard_units(user, today: date) -> QuerySet[Unit]:  # type: ignore[no-untyped-def]
    """The chooser on /chi-tieu/: visible units valid today."""
    return visible_units(user).filter(valid_on_q(today)).order_by("level", "name_folded")


def first_own_unit(user) -> Unit | None:  # type: ignore[no-untyped-def]
    membership = Membership.objects.filter(user=user).select_related("unit").order_by("pk").first()
    return membership.unit if membership else None


__all__ = [
    "Completeness",
    "FigureGrid",
    "GroupDashboard",
    "UnitDashboard",
    "completeness",
    "figure_grid",
    "unit_dashboard",
]
