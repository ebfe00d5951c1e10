"""The header search gathers results from every app.

An app registers a ``SearchKind`` in its AppConfig.ready(): a slug, a heading, a place in
the page and ``find(user, query) -> QuerySet`` built from the app's scoped selector (so a
result never lies outside the user's units) and ranked by ``kiemsat.lib.search``;
``hit(obj) -> Hit`` says how one result reads. Partners, reference data rather than a
unit's records, are asked for by the partner fields only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from kiemsat.lib.vn import format_int


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    note: str = ""
    id: int | None = None


@dataclass(frozen=True)
class SearchKind:
    slug: str
    title: str
    order: int
    find: Callable[[Any, str], QuerySet[Any]]
    hit: Callable[[Any], Hit]
    list_name: str = ""  # the kind's own list, where ?q= shows every match
    in_header: bool = True  # False: asked for by name only (the partner fields)


@dataclass
class Group:
    kind: SearchKind
    query: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False

    @property
    def more_url(self) -> str:
        if not self.kind.list_name:
            return ""
        return f"{reverse(self.kind.list_name)}?{urlencode({'q': self.query})}"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.slug,
            "title": self.kind.title,
            "more": self.more,
            "more_url": self.more_url,
            "items": [hit.__dict__ for hit in self.hits],
        }


SEARCH_KINDS: dict[str, SearchKind] = {}
MIN_LENGTH = 2


def register(kind: SearchKind) -> SearchKind:
    SEARCH_KINDS[kind.slug] = kind
    return kind


def search_all(user: Any, query: str, *, limit: int, only: str = "") -> list[Group]:
    """Up to ``limit`` results of each kind (or of kind ``only``), best first; one query a
    kind. A query shorter than two characters finds nothing."""
    query = " ".join(query.split())
    if len(query) < MIN_LENGTH:
        return []
    kinds = sorted(SEARCH_KINDS.values(), key=lambda k: k.order)
    groups = []
    for kind in kinds:
        wanted = kind.slug == only if only else kind.in_header
        if not wanted:
            continue
        rows = list(kind.find(user, query)[: limit + 1])
        if rows:
            hits = [kind.hit(row) for row in rows[:limit]]
            groups.append(Group(kind, query, hits, len(rows) > limit))
    return groups


def summary(groups: list[Group]) -> str:
    shown = sum(len(g.hits) for g in groups)
    more = " (hoặc hơn)" if any(g.more for g in groups) else ""
    return f"{format_int(shown)} kết quả{more}"


def _unit_hit(unit: Any) -> Hit:
    note = unit.get_level_display()
    if unit.valid_to is not None:
        note += f", đã kết thúc {unit.valid_to:%d/%m/%Y}"
    return Hit(unit.name, reverse("unit_detail", args=[unit.pk]), note, unit.pk)


def _partner_hit(partner: Any) -> Hit:
    note = partner.province or "Trung ương"
    return Hit(partner.name, reverse("partner_detail", args=[partner.pk]), note, partner.pk)


def _find_units(user: Any, query: str) -> QuerySet[Any]:
    from kiemsat.org.selectors import search_units

    return search_units(user, query)


def _find_partners(user: Any, query: str) -> QuerySet[Any]:
    from kiemsat.org.selectors import partners

    return partners(query=query)


def connect() -> None:
    register(SearchKind("don-vi", "Đơn vị", 40, _find_units, _unit_hit))
    partners = SearchKind(
        "co-quan", "Cơ quan phối hợp", 50, _find_partners, _partner_hit, "partner_list", False
    )
    register(partners)
