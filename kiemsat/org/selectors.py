"""Scoped reads of the organisation: every list of units goes through here."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from kiemsat.lib.search import match_q, rank
from kiemsat.lib.vn import fold, sort_key
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.access import access_for, check
from kiemsat.org.models import (
    CalendarDay,
    Cluster,
    ClusterTerm,
    DayKind,
    Level,
    Membership,
    Partner,
    Role,
    Unit,
    valid_on_q,
)


def visible_units(user, *, need: Role = Role.VIEWER) -> QuerySet[Unit]:  # type: ignore[no-untyped-def]
    """Units the user may read (or hold ``need`` on)."""
    return Unit.objects.filter(pk__in=access_for(user).unit_ids(need)).select_related("parent")


def visible_unit_by_code(user, code: str) -> Unit:  # type: ignore[no-untyped-def]
    """A unit named in a filter: one the user may read. An unknown code and one outside the
    user's scope get the same answer (LookupError), so a filter never widens or leaks."""
    unit = visible_units(user).filter(code=code.strip().upper()).first()
    if unit is None:
        raise LookupError(f"Không có đơn vị mã '{code}' trong phạm vi của bạn.")
    return unit


def get_unit_for_user(user, pk: int, *, write: bool = False, need: Role = Role.STAFF) -> Unit:  # type: ignore[no-untyped-def]
    check(user, pk, write=write, need=need)
    return get_object_or_404(Unit.objects.select_related("parent"), pk=pk)


def unit_tree(user, on: date) -> list[tuple[Unit, int]]:  # type: ignore[no-untyped-def]
    """Visible units valid on ``on`` as (unit, depth), in tree order."""
    units = list(visible_units(user).filter(valid_on_q(on)))
    ids = {u.pk for u in units}
    by_parent: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        by_parent.setdefault(parent, []).append(unit)
    for children in by_parent.values():
        children.sort(key=lambda u: (u.level != "supreme", sort_key(u.short_name or u.name)))
    ordered: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in by_parent.get(parent, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def unit_detail(unit: Unit, user) -> dict:  # type: ignore[no-untyped-def]
    """What the unit page shows; subordinates and members limited to the user's scope."""
    readable = access_for(user).unit_ids()
    return {
        "predecessors": unit.predecessions.select_related("predecessor").order_by("date"),
        "successors": unit.successions.select_related("successor").order_by("date"),
        "children": unit.children.filter(pk__in=readable).order_by("name_folded"),
        "readable": readable,  # predecessors and successors are links only where readable
        "members": Membership.objects.filter(unit=unit)
        .select_related("user")
        .order_by("role", "user__last_name", "user__username"),
        "cluster_terms": unit.cluster_terms.select_related("cluster", "leader", "deputy").order_by(
            "-year"
        ),
    }


def last_valid_day(user) -> date | None:  # type: ignore[no-untyped-def]
    """When all of the user's units have ended, the last day one of them existed."""
    ends = [m.unit.valid_to for m in user_units(user)]
    if not ends or None in ends:
        return None
    return max(d for d in ends if d is not None)


def user_units(user) -> QuerySet[Membership]:  # type: ignore[no-untyped-def]
    """The user's own memberships (the units they belong to)."""
    return Membership.objects.filter(user=user).select_related("unit", "unit__parent")


def search_units(user, query: str) -> QuerySet[Unit]:  # type: ignore[no-untyped-def]
    """Units the user may read whose name or code holds every word of ``query``; the code
    typed exactly first, then names that begin with the query."""
    return (
        visible_units(user)
        .filter(match_q(query, folded=["name_folded"], raw=["code", "short_name"]))
        .annotate(search_rank=rank(query, name="name_folded", code="code"))
        .order_by("search_rank", F("valid_to").desc(nulls_first=True), "name_folded")
    )


def partners(*, query: str = "", kind: str = "") -> QuerySet[Partner]:
    """Partners are reference data every signed-in user may read."""
    qs = Partner.objects.all()
    if query:
        qs = qs.filter(match_q(query, folded=["name_folded"], raw=["short_name"]))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name_folded")


def user_provinces(user) -> set[str]:  # type: ignore[no-untyped-def]
    """Folded names of the provinces of the user's own units (a local unit's province is
    its parent's); empty for the central and appellate levels."""
    names: set[str] = set()
    for membership in user_units(user):
        unit = membership.unit
        if unit.level == Level.LOCAL and unit.parent is not None:
            unit = unit.parent
        if unit.level == Level.PROVINCIAL:
            names.add(fold(unit.short_name or unit.name))
    return names


def partners_in_scope(user) -> QuerySet[Partner]:  # type: ignore[no-untyped-def]
    """The partners a form offers first: those of the user's provinces and the national
    ones (central bodies, no province). The others stay valid choices, found by search."""
    wanted = user_provinces(user)
    provinces = Partner.objects.exclude(province="").values_list("province", flat=True)
    mine = {name for name in provinces.distinct() if fold(name) in wanted}
    return Partner.objects.filter(Q(province="") | Q(province__in=mine)).order_by("name_folded")


def get_partner(pk: int) -> Partner:
    return get_object_or_404(Partner, pk=pk)


def cluster_terms(year: int | None = None) -> QuerySet[ClusterTerm]:
    qs = ClusterTerm.objects.select_related("cluster", "leader", "deputy").prefetch_related(
        Prefetch("members", queryset=Unit.objects.order_by("name_folded"))
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("cluster__kind", "cluster__number", "cluster__code", "-year")


def cluster_years() -> list[int]:
    return sorted(set(ClusterTerm.objects.values_list("year", flat=True)), reverse=True)


def cluster_year_shown(years: list[int], current: int) -> int | None:
    """The year the cluster page opens on: the current work year, else the latest year
    before it that has terms (clusters are set up for a year after it starts), else the
    earliest year there is."""
    past = [y for y in years if y <= current]
    return max(past) if past else (min(years) if years else None)


def readable_clusters(user) -> QuerySet[Cluster]:  # type: ignore[no-untyped-def]
    """Clusters whose results the user may read (the cluster gate and its links).

    Cluster results are shared within the cluster: anyone who can read a unit that is
    or was a member of any of its terms, or the unit that manages a local cluster.
    """
    access = access_for(user)
    if access.sector_admin:
        return Cluster.objects.all()
    ids = access.unit_ids()
    terms = ClusterTerm.objects.filter(members__in=ids).values("cluster_id")
    return Cluster.objects.filter(Q(pk__in=terms) | Q(owner_unit_id__in=ids))


def get_cluster(pk: int) -> Cluster:
    return get_object_or_404(Cluster, pk=pk)


def calendar_overrides() -> tuple[frozenset[date], frozenset[date]]:
    """(extra days off, make-up working days) from the admin table."""
    off: set[date] = set()
    work: set[date] = set()
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (off if kind == DayKind.DAY_OFF else work).add(day)
    return frozenset(off), frozenset(work)


def work_calendar() -> WorkCalendar:
    """The working-day calendar: public holidays plus the admin table of days."""
    off, work = calendar_overrides()
    return WorkCalendar(extra_days_off=off, make_up_days=work)
