"""Whether a dated row (a unit, a partner, an instrument, an indicator version) is valid on a
day or during a span: the one rule, as a queryset filter and as its Python twin, which must
always agree.

The interval [start, end] includes both days; an empty start or end is open.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from django.db.models import Q


class _Ordered(Protocol):
    def __le__(self, other: Any, /) -> bool: ...


def overlaps_q(
    first: date,
    last: date,
    prefix: str = "",
    *,
    start: str = "valid_from",
    end: str = "valid_to",
) -> Q:
    """Rows whose [start, end] interval meets [first, last] on at least one day
    (``prefix`` reaches a relation)."""
    return (Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": last})) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": first})
    )


def valid_on_q(
    day: date, prefix: str = "", *, start: str = "valid_from", end: str = "valid_to"
) -> Q:
    """Rows whose [start, end] interval contains ``day`` (``prefix`` reaches a relation)."""
    return overlaps_q(day, day, prefix, start=start, end=end)


def within[T: _Ordered](value: T, first: T | None, last: T | None) -> bool:
    """The rule itself, for any ordered values (days, month indexes): ``value`` lies in
    [first, last], an empty bound being open."""
    return (first is None or first <= value) and (last is None or value <= last)


def is_valid_on(obj: Any, day: date, *, start: str = "valid_from", end: str = "valid_to") -> bool:
    """The Python twin of ``valid_on_q`` for one object already in memory."""
    return within(day, getattr(obj, start), getattr(obj, end))
