"""What every page's header needs to know about the signed-in user's units."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from kiemsat.org.lifecycle import ended_units_of


def ended_units(request: HttpRequest) -> dict[str, object]:
    """The user's own units that have ended (read only when a page shows them)."""
    user = getattr(request, "user", None)
    return {"ended_units": SimpleLazyObject(lambda: ended_units_of(user, timezone.localdate()))}
