"""Who may see and change what: the one place that decides.

A user's memberships give a role on a unit. The role holds on that unit and on every
unit it took over (predecessors, recursively). Units below (children, and what they took
over) are visible too: with the same role for leaders and admins, read-only otherwise.
A sector admin, or a superuser, holds the admin role everywhere.

Refusals, the same in every app's views and API: a user asking for something outside
their units gets 404 (its existence is not revealed); inside their units but without the
role the action needs (a viewer writing, staff approving) gets 403 with the reason. Pages
tied to no single unit (a "new record" form, an import) follow the same rule through
``check_any``: 404 when the user sees no unit at all, 403 when they hold the role on none.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from kiemsat.lib.request_memo import per_request
from kiemsat.org.models import ROLE_RANK, Membership, Role, Succession, Unit


def _graph_version() -> tuple[object, ...]:
    """A fingerprint of the tree and the successions: one cheap query of two aggregates."""
    sql = (
        "SELECT u.n, u.top, u.parents, u.links, s.n, s.pairs FROM "
        "(SELECT COUNT(id) AS n, MAX(id) AS top, SUM(parent_id) AS parents, "
        "SUM(id * parent_id) AS links FROM {units}) AS u CROSS JOIN "
        "(SELECT COUNT(id) AS n, SUM(predecessor_id * 7919 + successor_id) AS pairs "
        "FROM {links}) AS s"
    )
    tables = {"units": Unit._meta.db_table, "links": Succession._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables))
        row = cursor.fetchone()
    return (connection.alias, *row)


# Who a request or a command acts for: a signed-in person or nobody.
type AnyUser = User | AnonymousUser

_GRAPH_CACHE: dict[tuple[object, ...], OrgGraph] = {}


@dataclass
class OrgGraph:
    children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    predecessors: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    all_ids: set[int] = field(default_factory=set)

    @classmethod
    def load(cls) -> OrgGraph:
        """The graph, rebuilt only when units or successions changed (cached per process),
        its fingerprint read once per request."""
        return per_request("org-graph", cls._load)

    @classmethod
    def _load(cls) -> OrgGraph:
        version = _graph_version()
        cached = _GRAPH_CACHE.get(version)
        if cached is None:
            _GRAPH_CACHE.clear()
            cached = _GRAPH_CACHE[version] = cls._build()
        return cached

    @classmethod
    def _build(cls) -> OrgGraph:
        graph = cls()
        for pk, parent_id in Unit.objects.values_list("pk", "parent_id"):
            graph.all_ids.add(pk)
            if parent_id is not None:
                graph.children[parent_id].append(pk)
        for pred, succ in Succession.objects.values_list("predecessor_id", "successor_id"):
            graph.predecessors[succ].append(pred)
        return graph

    def taken_over(self, roots: Iterable[int]) -> set[int]:
        """The roots and every unit they took over, recursively."""
        return self._closure(roots, lambda u: self.predecessors.get(u, []))

    def below(self, roots: Iterable[int]) -> set[int]:
        """Units strictly below the roots, with what those took over."""
        start = [c for r in roots for c in self.children.get(r, [])]
        return self._closure(
            start, lambda u: [*self.children.get(u, []), *self.predecessors.get(u, [])]
        )

    @staticmethod
    def _closure(roots: Iterable[int], step: Callable[[int], Iterable[int]]) -> set[int]:
        seen: set[int] = set()
        stack = list(roots)
        while stack:
            unit = stack.pop()
            if unit in seen:
                continue
            seen.add(unit)
            stack.extend(step(unit))
        return seen


@dataclass
class Access:
    """Effective role per unit for one user."""

    roles: dict[int, Role]
    sector_admin: bool = False

    def role(self, unit_id: int | None) -> Role | None:
        return self.roles.get(unit_id) if unit_id is not None else None

    def can_read(self, unit_id: int | None) -> bool:
        return unit_id in self.roles

    def has(self, unit_id: int | None, need: Role) -> bool:
        role = self.role(unit_id)
        return role is not None and ROLE_RANK[role] >= ROLE_RANK[need]

    def unit_ids(self, need: Role = Role.VIEWER) -> set[int]:
        return {u for u, r in self.roles.items() if ROLE_RANK[r] >= ROLE_RANK[need]}


def _grant(roles: dict[int, Role], units: Iterable[int], role: Role) -> None:
    for unit in units:
        current = roles.get(unit)
        if current is None or ROLE_RANK[role] > ROLE_RANK[current]:
            roles[unit] = role


def memberships_of(user: AnyUser) -> list[Membership]:
    """The user's own memberships with their units (and the units' parents), read once
    per request: the gate and the pages that list "your units" share them."""
    if not getattr(user, "is_authenticated", False):
        return []
    return per_request(
        ("memberships", user.pk),
        lambda: list(
            Membership.objects.filter(user=cast(User, user)).select_related("unit", "unit__parent")
        ),
    )


def compute_access(user: AnyUser) -> Access:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Access(roles={})
    memberships = [(m.unit_id, m.role) for m in memberships_of(user)]
    graph = OrgGraph.load()
    roles: dict[int, Role] = {}
    if user.is_superuser or any(role == Role.ADMIN for _, role in memberships):
        _grant(roles, graph.all_ids, Role.ADMIN)
        return Access(roles=roles, sector_admin=True)
    for unit_id, role_value in memberships:
        role = Role(role_value)
        own = graph.taken_over([unit_id])
        _grant(roles, own, role)
        below_role = role if role == Role.LEADER else Role.VIEWER
        _grant(roles, graph.below(own), below_role)
    return Access(roles=roles)


def access_for(user: AnyUser) -> Access:
    """The user's access, computed once per request (cached on the user object)."""
    cached = getattr(user, "_kiemsat_access", None)
    if cached is None:
        cached = compute_access(user)
        with contextlib.suppress(AttributeError):  # AnonymousUser cannot carry it
            user._kiemsat_access = cached  # type: ignore[union-attr]
    return cached


def check(
    user: AnyUser, unit_id: int | None, *, write: bool = False, need: Role = Role.STAFF
) -> None:
    """The gate: 404 outside the user's units, 403 when they may read but not write."""
    access = access_for(user)
    if not access.can_read(unit_id):
        raise Http404("Không tìm thấy.")
    if write and not access.has(unit_id, need):
        raise PermissionDenied("Bạn không có quyền thay đổi dữ liệu của đơn vị này.")


def check_any(user: AnyUser, *, need: Role = Role.STAFF, refusal: str = "") -> None:
    """The gate of pages tied to no single unit: 404 for a user who sees no unit at all,
    403 (``refusal`` says why) for one who holds ``need`` on none of them."""
    access = access_for(user)
    if not access.roles:
        raise Http404("Không tìm thấy.")
    if not access.unit_ids(need):
        raise PermissionDenied(refusal or "Bạn không có quyền thực hiện thao tác này.")


def is_sector_admin(user: AnyUser) -> bool:
    return access_for(user).sector_admin
