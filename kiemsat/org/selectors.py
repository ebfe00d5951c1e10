"""Scoped reads of the organisation: every list of units goes through here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kiemsat.lib.lookup import CodeOrName
from kiemsat.lib.request_memo import per_request
from kiemsat.lib.search import match_q, rank
from kiemsat.lib.validity import valid_on_q
from kiemsat.lib.vn import fold, sort_key
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.access import AnyUser, OrgGraph, access_for, check, memberships_of
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
)


def visible_units(user: AnyUser, *, need: Role = Role.VIEWER) -> QuerySet[Unit]:
    """Units the user may read (or hold ``need`` on)."""
    return Unit.objects.filter(pk__in=access_for(user).unit_ids(need)).select_related("parent")


def units_by_code_or_name(
    *, usable: Callable[[Unit], bool] | None = None, column: str = ""
) -> CodeOrName[Unit]:
    """Every unit, found in a file's cell by its code or name (``usable``: those the person
    may write for, which settle a name shared across history)."""
    units = Unit.objects.select_related("parent")
    return CodeOrName(units, what="đơn vị", column=column, usable=usable)


def partners_offered() -> QuerySet[Partner]:
    """The partners a new record may name: those that still exist, by name."""
    today = timezone.localdate()
    return Partner.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).order_by(
        "name_folded"
    )


def units_catalogue(user: AnyUser) -> list[tuple[str, str]]:
    """(code, name) of the units the user enters records for: a template's "Danh mục"."""
    units = visible_units(user, need=Role.STAFF).order_by("code")
    return list(units.values_list("code", "name"))


def partners_catalogue() -> list[tuple[str, str]]:
    """(code, name) of the partners offered: a template's "Danh mục"."""
    return list(partners_offered().values_list("code", "name"))


def partners_by_code_or_name(
    *, what: str, usable: Callable[[Partner], bool] | None = None, column: str = ""
) -> CodeOrName[Partner]:
    """Every partner, found in a file's cell by its code, name or short name."""
    return CodeOrName(Partner.objects.all(), what=what, column=column, usable=usable)


def visible_unit_by_code(user: AnyUser, code: str) -> Unit:
    """A unit named in a filter: one the user may read. An unknown code and one outside the
    user's scope get the same answer (LookupError), so a filter never widens or leaks."""
    unit = visible_units(user).filter(code=code.strip().upper()).first()
    if unit is None:
        raise LookupError(f"Không có đơn vị mã '{code}' trong phạm vi của bạn.")
    return unit


def get_unit_for_user(
    user: AnyUser, pk: int, *, write: bool = False, need: Role = Role.STAFF
) -> Unit:
    check(user, pk, write=write, need=need)
    return get_object_or_404(Unit.objects.select_related("parent"), pk=pk)


def is_below(unit_id: int, ancestor_id: int) -> bool:
    """Whether a unit is under another, at any depth and through mergers (no query when
    the cached org graph is current)."""
    return unit_id in OrgGraph.load().below([ancestor_id])


def unit_tree(user: AnyUser, on: date) -> list[tuple[Unit, int]]:
    """Visible units valid on ``on`` as (unit, depth), in tree order."""
    return tree_order(list(visible_units(user).filter(valid_on_q(on))))


LEVEL_ORDER = {Level.SUPREME: 0, Level.APPELLATE: 1, Level.PROVINCIAL: 2, Level.LOCAL: 3}


def tree_order(units: list[Unit]) -> list[tuple[Unit, int]]:
    """The units as (unit, depth), each under its parent when the parent is among them;
    siblings by level (supreme first), then by their short names in Vietnamese order."""
    ids = {u.pk for u in units}
    by_parent: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        by_parent[unit.parent_id if unit.parent_id in ids else None].append(unit)
    for children in by_parent.values():
        children.sort(
            key=lambda u: (LEVEL_ORDER.get(Level(u.level), 9), sort_key(u.short_name or u.name))
        )
    ordered: list[tuple[Unit, int]] = []
    stack = [(u, 0) for u in reversed(by_parent[None])]
    while stack:
        unit, depth = stack.pop()
        ordered.append((unit, depth))
        stack.extend((c, depth + 1) for c in reversed(by_parent.get(unit.pk, [])))
    return ordered


def unit_detail(unit: Unit, user: AnyUser) -> dict:
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


def last_valid_day(user: AnyUser) -> date | None:
    """When all of the user's units have ended, the last day one of them existed."""
    ends = [m.unit.valid_to for m in memberships_of(user)]
    if not ends or None in ends:
        return None
    return max(d for d in ends if d is not None)


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
    for membership in memberships_of(user):
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


def readable_clusters(user: AnyUser) -> QuerySet[Cluster]:
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


def calendar_overrides() -> tuple[frozenset[date], frozenset[date]]:
    """(extra days off, make-up working days) from the admin table."""
    off: set[date] = set()
    work: set[date] = set()
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (off if kind == DayKind.DAY_OFF else work).add(day)
    return frozenset(off), frozenset(work)


def work_calendar() -> WorkCalendar:
    """The working-day calendar: public holidays plus the admin table of days (read once
    per request)."""
    return per_request("work-calendar", _build_work_calendar)


def _build_work_calendar() -> WorkCalendar:
    off, work = calendar_overrides()
    return WorkCalendar(extra_days_off=off, make_up_days=work)
