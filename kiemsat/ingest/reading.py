"""What the reading page starts from: the extracted facts as initial form data, with each
organisation matched to kiemsat's units and partners on the event's date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from kiemsat.ingest.forms import KINDS, NEW, SKIP
from kiemsat.ingest.matching import OrgMatch, match_organisation, match_person, name_key
from kiemsat.org.access import access_for


@dataclass
class PartyRow:
    match: OrgMatch
    note: str
    initial: dict[str, Any]


def event_day(facts: dict[str, Any]) -> date | None:
    value = facts.get("event_date")
    return date.fromisoformat(value) if value else None


def party_rows(facts: dict[str, Any], user: Any) -> list[PartyRow]:
    day, today = event_day(facts), timezone.localdate()
    readable = access_for(user).unit_ids()
    people = facts.get("people", [])
    rows: list[PartyRow] = []
    for name in facts.get("parties", []):
        found = match_organisation(name, day, today=today)
        choice, note = found.choice, ""
        if found.unit is not None and found.unit.pk not in readable:
            choice, note = SKIP, f"{found.unit.name}: ngoài phạm vi đơn vị của bạn."
        elif found.unit is None and found.partner is None:
            note = "Chưa có trong danh mục: có thể thêm cơ quan phối hợp mới."
        signer = _signer(name, people)
        initial = {
            "name": name,
            "match": choice if choice != NEW else NEW,
            "signatory_name": signer.get("name", ""),
            "signatory_title": (signer.get("title") or "")[:200],
        }
        rows.append(PartyRow(found, note, initial))
    hosts = [r for r in rows if r.match.unit is not None and r.initial["match"] != SKIP]
    if hosts:
        hosts[0].initial["is_host"] = True
    return rows


def _signer(party: str, people: list[dict[str, Any]]) -> dict[str, Any]:
    """The official of the party's organisation named in the article, if one is."""
    key = name_key(party)
    for person in people:
        if key is not None and name_key(person.get("organisation") or "") == key:
            return person
    return {}


def facts_initial(facts: dict[str, Any]) -> dict[str, Any]:
    instrument = facts.get("instrument") or {}
    kind = KINDS.get(instrument.get("kind") or "", "")
    return {
        "event_type": facts.get("event_type", "other"),
        "event_date": event_day(facts),
        "location": facts.get("location") or "",
        "make_instrument": bool(kind),
        "kind": kind,
        "title": instrument.get("title") or "",
        "period_start_year": instrument.get("period_start_year"),
        "period_end_year": instrument.get("period_end_year"),
        "chapters": instrument.get("chapters"),
        "articles": instrument.get("articles"),
        "themes": "\n".join(facts.get("themes", [])),
    }


def people_initial(facts: dict[str, Any], user: Any) -> list[dict[str, Any]]:
    return [
        {**{k: p.get(k) or "" for k in ("name", "title", "organisation")}}
        for p in facts.get("people", [])
    ]


def people_known(facts: dict[str, Any], user: Any) -> list[str]:
    """For each person, who they are in kiemsat ("" when unknown)."""
    return [match_person(p.get("name") or "", user) for p in facts.get("people", [])]


def indicators_initial(facts: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(item) for item in facts.get("indicators", [])]
