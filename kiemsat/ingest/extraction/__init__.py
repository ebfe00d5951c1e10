"""Facts from a Vietnamese news article about coordination and emulation, offline.

``extract(text)`` returns a :class:`Facts` in the schema of the extraction data set: event
type and date, location, the instrument signed or reviewed, parties, people, target counts
and quoted themes. Rules only; names are recognised with gazetteers built from kiemsat's
registers (:mod:`kiemsat.ingest.extraction.gazetteer`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kiemsat.ingest.extraction import dates, events, figures, orgs, people, text

__all__ = ["Facts", "extract"]


@dataclass
class Facts:
    event_type: str = "other"
    event_date: date | None = None
    location: str | None = None
    instrument: events.Instrument = field(default_factory=events.Instrument)
    parties: list[str] = field(default_factory=list)
    people: list[people.Person] = field(default_factory=list)
    indicators: list[figures.Indicator] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    notes: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "source_url": None,
            "event_type": self.event_type,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "location": self.location,
            "instrument": asdict(self.instrument),
            "parties": self.parties,
            "people": [asdict(p) for p in self.people],
            "indicators": [
                {
                    "met": i.met,
                    "total": i.total,
                    "percent": float(i.percent) if i.percent is not None else None,
                    "kind": i.kind,
                }
                for i in self.indicators
            ],
            "themes": self.themes,
            "notes": self.notes,
        }


def extract(raw: str) -> Facts:
    doc = text.parse(raw)
    sentences = doc.sentences()
    sentence, found = events.event_sentence(sentences)
    headline_parties = events.subject_parties(doc.headline) if doc.headline else []
    all_orgs = [o for s in [doc.headline, *sentences] for o in orgs.find_orgs(s)]
    facts = Facts()
    facts.event_type = _event_type(sentence, doc.headline, sentences)
    facts.event_date = dates.event_date(sentences, sentence, doc.published)
    facts.location = events.find_location(sentence, sentences)
    facts.instrument = events.find_instrument(doc.body_text, sentence)
    facts.people = people.find_people("\n".join([doc.headline, *doc.captions, *doc.body]))
    parties = found or headline_parties or _procuracy_of(facts.people)
    facts.parties = _complete(parties, all_orgs)
    for person in facts.people:
        person.organisation = _organisation(person.title, facts.parties)
    facts.indicators = figures.find_indicators(doc.body_text)
    facts.themes = figures.find_themes(doc.body_text)
    facts.notes = _notes(doc, sentence)
    return facts


def _event_type(sentence: str | None, headline: str, sentences: list[str]) -> str:
    for phrase in (sentence, headline, sentences[0] if sentences else None):
        if phrase:
            kind = events.event_type(phrase)
            if kind != "other" or events._OTHER.search(phrase):
                return kind
    return "other"


def _procuracy_of(found: list[people.Person]) -> list[orgs.Org]:
    """A procuracy's own conference names no organiser: its officials' procuracy is it."""
    out: list[orgs.Org] = []
    for person in found:
        for org in orgs.find_orgs(people.organisation_of(person.title)):
            if org.key[0] == "vksnd" and all(o.key != org.key for o in out):
                out.append(org)
    return out


def _complete(parties: list[orgs.Org], all_orgs: list[orgs.Org]) -> list[str]:
    """Each party in the fullest form the text writes: "UBND thành phố" -> "UBND TP Hạ Long"
    when the text names exactly one such city for that head."""
    names: dict[tuple[str, str, str], str] = {}
    for party in parties:
        key, name = party.key, party.text
        if party.level and not party.place:
            fuller = {o.key: o.text for o in all_orgs if o.key[:2] == key[:2] and o.place}
            if len(fuller) == 1:
                key, name = next(iter(fuller.items()))
        names.setdefault(key, name)
    return list(names.values())


def _organisation(title: str, parties: list[str]) -> str:
    body = people.organisation_of(title)
    found = orgs.find_orgs(body)
    if not found:
        return body
    for party in parties:
        party_orgs = orgs.find_orgs(party)
        if party_orgs and party_orgs[0].key == found[0].key:
            return party
    return body


def _notes(doc: text.Document, sentence: str | None) -> str:
    parts = []
    if doc.published:
        p = doc.published
        day = f"{p.day:02d}/" if p.day else ""
        parts.append(f"Dòng ngày đăng: {day}{p.month:02d}/{p.year}.")
    if sentence:
        parts.append(f"Câu sự kiện: {sentence[:160]}")
    return " ".join(parts)
