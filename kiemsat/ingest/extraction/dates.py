"""The event's date: a full date in the lead, or a day/month resolved with the date line."""

from __future__ import annotations

import re
from datetime import date

from kiemsat.ingest.extraction.text import PubDate

_PART_OF_DAY = r"(?:(?:sáng|chiều|trưa|tối|đêm)\s+(?:hôm\s+)?(?:nay\s+)?)?"
_DAY_MONTH = (
    r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{4}))?(?![\d/.\-]*\d)"
    r"|(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?"
)
# A time phrase that opens a sentence ("Chiều ngày 17/2,", "Ngày 18/1/2022,", "Sáng 30-11,").
_LEAD = re.compile(rf"^\W*{_PART_OF_DAY}(?:ngày\s+)?(?:{_DAY_MONTH})", re.IGNORECASE)
# The same phrase inside the event sentence, but never after a document reference
# ("Chỉ thị số 01/CT-VKSTC ngày 17/12/2019").
_INNER = re.compile(rf"(?:\bvào\s+|,\s*|^){_PART_OF_DAY}(?:ngày\s+)(?:{_DAY_MONTH})", re.IGNORECASE)


def _resolve(day: int, month: int, year: int | None, published: PubDate | None) -> date | None:
    if year is None:
        if published is None:
            return None
        year = published.year
        # An event reported in January about 28/12 happened the year before.
        if month > published.month:
            year -= 1
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _from_match(found: re.Match[str], published: PubDate | None) -> date | None:
    d, m, y, d2, m2, y2 = found.groups()
    if d2:
        d, m, y = d2, m2, y2
    return _resolve(int(d), int(m), int(y) if y else None, published)


def event_date(
    sentences: list[str], event_sentence: str | None, published: PubDate | None
) -> date | None:
    """From the event sentence first, else from the first sentence that opens with a date."""
    if event_sentence:
        found = _LEAD.match(event_sentence) or _INNER.search(event_sentence)
        if found:
            return _from_match(found, published)
    for sentence in sentences:
        found = _LEAD.match(sentence)
        if found:
            return _from_match(found, published)
    return None
