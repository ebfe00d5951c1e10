"""Whether a dated row (a unit, a partner, an instrument, an indicator version) is valid on a
day: the one rule, as a queryset filter and as its Python twin, which must always agree.

The interval [start, end] includes both days; an empty start or end is open.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q


def valid_on_q(
    day: date, prefix: str = "", *, start: str = "valid_from", end: str = "valid_to"
) -> Q:
    """Rows whose [start, end] interval contains ``day`` (``prefix`` reaches a relation)."""
    return (Q(**{f"{prefix}{start}__isnull": True}) | Q(**{f"{prefix}{start}__lte": day})) & (
        Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gte": day})
    )


def is_valid_on(obj: Any, day: date, *, start: str = "valid_from", end: str = "valid_to") -> bool:
    """The Python twin of ``valid_on_q`` for one object already in memory."""
    first, last = getattr(obj, start), getattr(obj, end)
    return (first is None or first <= day) and (last is None or day <= last)
