"""Caching of derived indicator results, invalidated by any write anywhere.

Every write in the product records an audit entry inside its transaction
(`kiemsat.audit.services.record`), so the highest audit entry id is a data revision:
it changes with every committed write. A cached value is stored under a key that holds
the revision, so a write makes every earlier entry unreachable (LocMemCache then drops
them by age). Keys must name everything else the value depends on.

Read the revision *before* building: a write that lands between the two then only makes
the stored value newer than its key, never older.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db.models import Max

from kiemsat.audit.models import AuditEntry

PREFIX = "kiemsat:indicators:"
_MISSING = object()


def data_revision() -> int:
    """The highest audit entry id (0 when there is none): one indexed aggregate query."""
    return AuditEntry.objects.aggregate(top=Max("pk"))["top"] or 0


def cache_key(key_parts: tuple[Hashable, ...], revision: int) -> str:
    """A short, stable key; frozensets are sorted so equal sets give equal keys."""
    parts = tuple(sorted(p) if isinstance(p, frozenset) else p for p in key_parts)
    digest = hashlib.sha256(repr((revision, parts)).encode()).hexdigest()
    return PREFIX + digest


def cached[T](
    key_parts: tuple[Hashable, ...], build: Callable[[], T], *, revision: int | None = None
) -> T:
    """``build()``'s value, stored under ``key_parts`` and the data revision.

    Pass ``revision`` to reuse one read across several lookups of the same request.
    """
    if revision is None:
        revision = data_revision()
    key = cache_key(key_parts, revision)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value)
    return value  # type: ignore[return-value]


__all__ = ["cache_key", "cached", "data_revision"]
