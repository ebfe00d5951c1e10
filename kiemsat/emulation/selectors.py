"""Scoped reads of emulation: the gates, a term's sheet, scores, totals and ranking.

A cluster's year is shared within the cluster (like its indicator results): whoever can
read a member, or the unit that manages the cluster, reads every member's scores.
Indicator-sourced points come from the cluster's one pooled evaluation
(``indicators.selectors.group_data``), whose member tables are each unit's own results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from kiemsat.agreements.models import Instrument, InstrumentKind
from kiemsat.agreements.selectors import visible_instruments
from kiemsat.emulation import scoring, titles
from kiemsat.emulation.models import (
    Criterion,
    CriterionKind,
    EvidenceFile,
    Exclusion,
    Proposal,
    Score,
    ScoreSheet,
    Source,
    TermRecord,
    TermStatus,
)
from kiemsat.indicators.evaluation import GroupResult
from kiemsat.indicators.selectors import cluster_spec, group_data
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.vn import sort_key
from kiemsat.org.access import access_for
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm, Level, Role, Unit
from kiemsat.org.selectors import readable_clusters

CLUSTER_LEVEL = {
    ClusterKind.PROVINCIAL: Level.PROVINCIAL,
    ClusterKind.LOCAL: Level.LOCAL,
    ClusterKind.BLOCK: Level.SUPREME,
}


def _terms() -> QuerySet[ClusterTerm]:
    return ClusterTerm.objects.select_related(
        "cluster", "cluster__owner_unit", "leader", "deputy"
    ).prefetch_related(Prefetch("members", queryset=Unit.objects.order_by("name_folded")))


def visible_terms(user: Any, year: int | None = None) -> QuerySet[ClusterTerm]:
    """The terms of the clusters the user may read, newest year first."""
    qs = _terms().filter(cluster__in=readable_clusters(user))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "cluster__kind", "cluster__number", "cluster__code")


def manager_unit(cluster: Cluster) -> Unit | None:
    """Who approves a cluster's scores: the unit that manages a local cluster, the supreme
    level for provincial clusters and blocks."""
    if cluster.owner_unit_id is not None:
        return cluster.owner_unit
    return Unit.objects.filter(level=Level.SUPREME).order_by("pk").first()


def can_approve(user: Any, term: ClusterTerm) -> bool:
    manager = manager_unit(term.cluster)
    return manager is not None and access_for(user).has(manager.pk, Role.LEADER)


def can_adjust(user: Any, term: ClusterTerm) -> bool:
    """The cluster leader's unit reviews the members' sheets (its leaders, or above)."""
    return access_for(user).has(term.leader_id, Role.LEADER) or can_approve(user, term)


def can_score(user: Any, unit: Unit) -> bool:
    return access_for(user).has(unit.pk, Role.STAFF)


def can_write_term(user: Any, term: ClusterTerm) -> bool:
    access = access_for(user)
    members = [m.pk for m in term.members.all()]
    return any(access.has(pk, Role.STAFF) for pk in members) or can_approve(user, term)


def get_term_for_user(user: Any, pk: int, *, write: bool = False) -> ClusterTerm:
    """The gate: 404 outside the clusters the user may read, 403 when they may not write."""
    term = _terms().filter(pk=pk).first()
    if term is None or not readable_clusters(user).filter(pk=term.cluster_id).exists():
        raise Http404("Không tìm thấy.")
    if write and not can_write_term(user, term):
        raise PermissionDenied("Bạn không có quyền thay đổi dữ liệu thi đua của cụm này.")
    return term


def get_member_for_user(
    user: Any, term_pk: int, unit_pk: int, *, write: bool = False
) -> tuple[ClusterTerm, Unit]:
    """A member's sheet in a term: the term's gate, then the unit must be a member;
    writing (self-assessment) needs a staff role on that unit."""
    term = get_term_for_user(user, term_pk)
    unit = next((m for m in term.members.all() if m.pk == unit_pk), None)
    if unit is None:
        raise Http404("Không tìm thấy.")
    if write and not can_score(user, unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được tự chấm điểm của đơn vị mình.")
    return term, unit


def get_evidence_for_user(
    user: Any, term_pk: int, unit_pk: int, file_pk: int, *, write: bool = False
) -> tuple[ClusterTerm, Unit, EvidenceFile]:
    """An evidence file of a member's sheet, only through that sheet's gate."""
    term, unit = get_member_for_user(user, term_pk, unit_pk, write=write)
    evidence = (
        EvidenceFile.objects.select_related("score", "score__criterion")
        .filter(pk=file_pk, score__term=term, score__unit=unit)
        .first()
    )
    if evidence is None:
        raise Http404("Không tìm thấy.")
    return term, unit, evidence


def covenant_choices(user: Any, term: ClusterTerm) -> QuerySet[Instrument]:
    """Covenants the user may read with a member of the cluster among their parties."""
    members = [m.pk for m in term.members.all()]
    return (
        visible_instruments(user)
        .filter(kind=InstrumentKind.COVENANT, parties__unit_id__in=members)
        .distinct()
        .order_by("-signed_on", "title")
    )


def record_of(term: ClusterTerm) -> TermRecord | None:
    return TermRecord.objects.select_related("covenant", "decided_by").filter(term=term).first()


def is_locked(term: ClusterTerm) -> bool:
    return bool(locked_term_ids([term]))


def locked_term_ids(terms: Sequence[ClusterTerm]) -> set[int]:
    locked = TermRecord.objects.filter(term__in=list(terms), status=TermStatus.LOCKED)
    return set(locked.values_list("term_id", flat=True))


def sheet_for(term: ClusterTerm) -> ScoreSheet | None:
    """The criteria table of the cluster's level in force on the work year's last day."""
    level = CLUSTER_LEVEL.get(ClusterKind(term.cluster.kind), Level.PROVINCIAL)
    last_day = MonthRange.work_year(term.year).last_day()
    return (
        ScoreSheet.objects.filter(level=level, effective_from__lte=last_day)
        .order_by("-effective_from")
        .first()
    )


def criteria_of(sheet: ScoreSheet) -> list[Criterion]:
    return list(sheet.criteria.order_by("order"))


# --- scores, totals and the ranking --------------------------------------------------------


@dataclass
class Leaf:
    """One member's points on one leaf, with where they came from."""

    criterion: Criterion
    points: Decimal
    score: Score | None = None
    statuses: list[tuple[str, str]] = field(default_factory=list)  # (indicator, status)

    @property
    def adjusted(self) -> bool:
        return self.score is not None and self.score.adjusted_points is not None


@dataclass
class MemberResult:
    unit: Unit
    leaves: dict[str, Leaf]
    total: Decimal
    excluded: str = ""  # the reason, when not considered
    rank: int | None = None
    band: str = ""
    band_position: int | None = None  # 1 = the highest band of the sheet

    def leaf_list(self, criteria: Sequence[Criterion]) -> list[Leaf | None]:
        return [self.leaves.get(c.code) for c in criteria]


@dataclass
class TermResult:
    term: ClusterTerm
    sheet: ScoreSheet | None
    criteria: list[Criterion]
    members: list[MemberResult]  # ranking order: ranked first, the excluded after
    group: GroupResult

    @property
    def leaves(self) -> list[Criterion]:
        return [c for c in self.criteria if c.is_leaf]

    def member(self, unit: Unit) -> MemberResult:
        return next(m for m in self.members if m.unit.pk == unit.pk)


def term_evaluation(term: ClusterTerm) -> GroupResult:
    """The cluster's pooled indicator result for the whole work year (own scope)."""
    spec = cluster_spec(term.cluster, MonthRange.work_year(term.year), with_subordinates=False)
    return group_data(spec).result


def term_result(term: ClusterTerm) -> TermResult:
    """Every member's points, total, rank and band for the term's year."""
    sheet = sheet_for(term)
    criteria = criteria_of(sheet) if sheet else []
    group = term_evaluation(term)
    tables = {t.code: t.by_code() for t in group.members}
    scores = Score.objects.filter(term=term, criterion__sheet=sheet).prefetch_related("files")
    by_unit: dict[tuple[int, int], Score] = {(s.unit_id, s.criterion_id): s for s in scores}
    excluded = dict(Exclusion.objects.filter(term=term).values_list("unit_id", "reason"))
    members = sorted(term.members.all(), key=lambda u: sort_key(u.short_name or u.name))
    results = []
    for unit in members:
        leaves = {
            c.code: _leaf(c, tables.get(unit.code, {}), by_unit.get((unit.pk, c.pk)))
            for c in criteria
            if c.is_leaf
        }
        value = scoring.total((leaf.criterion.kind, leaf.points) for leaf in leaves.values())
        results.append(MemberResult(unit, leaves, value, excluded.get(unit.pk, "")))
    _rank(results, sheet)
    return TermResult(term, sheet, criteria, results, group)


def _leaf(criterion: Criterion, lines: dict[str, Any], score: Score | None) -> Leaf:
    if criterion.source == Source.MANUAL:
        return Leaf(criterion, score.points if score else Decimal(0), score)
    statuses = [
        (code, str(lines[code].evaluation.status)) for code in criterion.indicators if code in lines
    ]
    per_status = {k: Decimal(v) for k, v in criterion.per_status.items()}
    assert criterion.max_points is not None
    points = scoring.indicator_points(per_status, (s for _, s in statuses), criterion.max_points)
    return Leaf(criterion, points, None, statuses)


def _rank(results: list[MemberResult], sheet: ScoreSheet | None) -> None:
    bands = [(b.name, b.min_points) for b in sheet.bands.all()] if sheet else []
    names = [name for name, _ in sorted(bands, key=lambda b: -b[1])]
    by_pk = {r.unit.pk: r for r in results}
    ranked = scoring.rank(
        [(r.unit.pk, r.total) for r in results], [r.unit.pk for r in results if r.excluded]
    )
    for entry in ranked:
        result = by_pk[entry.key]
        result.rank = entry.rank
        result.band = scoring.band_of(result.total, bands) if entry.rank is not None else ""
        result.band_position = names.index(result.band) + 1 if result.band else None
    results[:] = [by_pk[entry.key] for entry in ranked]


def kind_label(criterion: Criterion) -> str:
    return "" if criterion.kind == CriterionKind.NORMAL else criterion.get_kind_display()


# --- title proposals -----------------------------------------------------------------------


@dataclass
class Candidate:
    """A ranked member whose rank and band meet a title's rule (votes aside)."""

    member: MemberResult
    rule: titles.TitleRule
    proposed: bool


def proposals_of(term: ClusterTerm) -> list[Proposal]:
    order = {r.code: n for n, r in enumerate(titles.rules())}
    rows = Proposal.objects.filter(term=term).select_related("unit")
    return sorted(rows, key=lambda p: (-order.get(p.title, -1), sort_key(p.unit.name)))


def get_proposal(term: ClusterTerm, pk: int) -> Proposal:
    proposal = Proposal.objects.select_related("term", "unit").filter(term=term, pk=pk).first()
    if proposal is None:
        raise Http404("Không tìm thấy.")
    return proposal


def candidates(result: TermResult, proposals: Sequence[Proposal]) -> list[Candidate]:
    """Every (member, title) the ranking and bands allow, highest title first."""
    made = {(p.unit_id, p.title) for p in proposals}
    out = [
        Candidate(m, rule, (m.unit.pk, rule.code) in made)
        for rule in reversed(titles.rules())
        for m in result.members
        if not m.excluded and not titles.standing_problems(rule, m.rank, m.band_position)
    ]
    return out
