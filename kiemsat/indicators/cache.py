"""Caching of derived indicator results, invalidated by any write anywhere.

Every write in the product records an audit entry inside its transaction
(`kiemsat.audit.services.record`), which also bumps a counter once the transaction has
committed. The data revision is the pair (highest audit entry id, counter): the id moves
with every write seen in the current transaction (tests run inside one), the counter with
every commit, in commit order, even when two transactions commit out of id order. A cached
value is stored under a key that holds the revision, so a write makes every earlier entry
unreachable (LocMemCache then drops them by age). Keys must name everything else the
value depends on.

Read the revision *before* building: a write that lands between the two then only makes
the stored value newer than its key, never older.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db import connection

from kiemsat.audit.models import AuditEntry, DataRevision

PREFIX = "kiemsat:indicators:"
_MISSING = object()


Revision = tuple[int, int]


def data_revision() -> Revision:
    """(highest audit entry id, commits counted): one query of two indexed lookups."""
    sql = "SELECT (SELECT MAX(id) FROM {audit}), (SELECT number FROM {counter} WHERE id = 1)"
    tables = {"audit": AuditEntry._meta.db_table, "counter": DataRevision._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables))
        top, counted = cursor.fetchone()
    return (top or 0, counted or 0)


def cache_key(key_parts: tuple[Hashable, ...], revision: Revision) -> str:
    """A short, stable key; frozensets are sorted so equal sets give equal keys."""
    parts = tuple(sorted(p) if isinstance(p, frozenset) else p for p in key_parts)
    digest = hashlib.sha256(repr((revision, parts)).encode()).hexdigest()
    return PREFIX + digest


def cached[T](
    key_parts: tuple[Hashable, ...], build: Callable[[], T], *, revision: Revision | None = None
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


__all__ = ["Revision", "cache_key", "cached", "data_revision"]
