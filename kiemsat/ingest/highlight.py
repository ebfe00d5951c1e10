"""Where each extracted fact was found in the article's text, for the reading page.

``segments(text, facts)`` cuts the text into pieces, each either plain or one fact with its
label; the template escapes every piece, so nothing in an article is ever read as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Segment:
    text: str
    label: str = ""


def _pattern(needle: str) -> re.Pattern[str] | None:
    words = needle.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)


def _date_needles(iso: str | None) -> list[str]:
    if not iso:
        return []
    day = date.fromisoformat(iso)
    out = []
    for d in dict.fromkeys((f"{day.day}", f"{day.day:02d}")):
        for m in dict.fromkeys((f"{day.month}", f"{day.month:02d}")):
            for sep in ("/", "-"):
                out += [f"{d}{sep}{m}{sep}{day.year}", f"{d}{sep}{m}"]
    return out


def needles(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(text to find, label) for every fact that is written verbatim in the article."""
    found: list[tuple[str, str]] = [(n, "Ngày") for n in _date_needles(facts.get("event_date"))]
    instrument = facts.get("instrument") or {}
    found += [
        (facts.get("location") or "", "Địa điểm"),
        (instrument.get("title") or "", "Tên văn bản"),
    ]
    found += [(p, "Bên tham gia") for p in facts.get("parties", [])]
    for person in facts.get("people", []):
        found += [(person.get("name", ""), "Người tham dự"), (person.get("title", ""), "Chức vụ")]
    for item in facts.get("indicators", []):
        met, total = item.get("met"), item.get("total")
        found.append((f"{met}/{total}" if total else f"{met} chỉ tiêu", "Chỉ tiêu"))
    found += [(t, "Chủ đề") for t in facts.get("themes", [])]
    return [(text, label) for text, label in found if text and text.strip()]


def segments(text: str, facts: dict[str, Any]) -> list[Segment]:
    spans: list[tuple[int, int, str]] = []
    for needle, label in needles(facts):
        pattern = _pattern(needle)
        if pattern is None:
            continue
        spans += [(m.start(), m.end(), label) for m in pattern.finditer(text)]
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[Segment] = []
    pos = 0
    for start, end, label in spans:
        if start < pos:  # inside a longer fact already marked
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], label))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
