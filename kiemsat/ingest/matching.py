"""Names read from an article matched to kiemsat's units, partners and people.

Two names match when they read the same after folding: the same head ("Viện kiểm sát nhân
dân" is "VKSND"), the same level ("thành phố" is "TP") and the same place, whatever Party
prefix stands before ("Ban cán sự Đảng VKSND tỉnh X" signs for VKSND tỉnh X). A unit
matches only if it existed on the event's date: a 2018 "VKSND tỉnh Tuyên Quang" is the
province before the 2025 merger, not the one after.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from kiemsat.ingest.extraction.orgs import find_orgs, head_key, level_key
from kiemsat.lib.validity import valid_on_q
from kiemsat.lib.vn import fold
from kiemsat.org.access import access_for
from kiemsat.org.models import Partner, Unit

_PARTY_PREFIX = re.compile(
    r"^(?:ban can su dang|dang uy|chi bo|cong doan|chi doan|doan (?:thanh nien|tn)"
    r"(?: cong san ho chi minh)?)\s+"
)

Key = tuple[str, str, str]


def name_key(name: str) -> Key | None:
    """(head, level, place) of the first organisation named in ``name``, folded."""
    found = find_orgs(name)
    if not found:
        return None
    org = found[0]
    return (_PARTY_PREFIX.sub("", head_key(org.head)), level_key(org.level), fold(org.place))


@dataclass(frozen=True)
class OrgMatch:
    name: str
    unit: Unit | None = None
    partner: Partner | None = None

    @property
    def choice(self) -> str:
        """The value of the party's "match" field: unit:<pk>, partner:<pk> or new."""
        if self.unit is not None:
            return f"unit:{self.unit.pk}"
        return f"partner:{self.partner.pk}" if self.partner is not None else "new"


def _narrowing(key: Key) -> str:
    """A folded fragment every candidate's name must contain (keeps the query small)."""
    return key[2] or key[1] or key[0]


def _same(key: Key, *names: str) -> bool:
    return any(name and name_key(name) == key for name in names)


def match_organisation(name: str, on: date | None, *, today: date) -> OrgMatch:
    key = name_key(name)
    if key is None:
        return OrgMatch(name)
    day = on or today
    units = Unit.objects.filter(name_folded__contains=_narrowing(key)).filter(valid_on_q(day))
    for unit in units.order_by("pk"):
        if _same(key, unit.name):
            return OrgMatch(name, unit=unit)
    partners = Partner.objects.filter(
        Q(name_folded__contains=_narrowing(key)) | Q(name_folded=fold(name))
    ).filter(valid_on_q(day))
    for partner in partners.order_by("pk"):
        if fold(partner.name) == fold(name) or _same(key, partner.name, partner.short_name):
            return OrgMatch(name, partner=partner)
    return OrgMatch(name)


def match_person(name: str, user: Any) -> str:
    """Who a named person is in kiemsat, when kiemsat knows them: a partner's head, or a
    colleague in the user's units. "" otherwise."""
    folded = fold(name)
    if not folded:
        return ""
    for partner in Partner.objects.exclude(head_name="").only("name", "head_name", "head_title"):
        if fold(partner.head_name) == folded:
            return f"{partner.head_title or 'Người đứng đầu'} {partner.name}".strip()
    units = access_for(user).unit_ids()
    colleagues = get_user_model().objects.filter(memberships__unit_id__in=units).distinct()
    for colleague in colleagues.only("first_name", "last_name"):
        if fold(f"{colleague.last_name} {colleague.first_name}") == folded:
            return f"Cán bộ trong kiemsat ({colleague.get_username()})"
    return ""
