"""The one function every service calls inside its transaction."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import F

from kiemsat.audit.models import AuditEntry, DataRevision
from kiemsat.lib.request_memo import forget


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime, time, Decimal)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return value


def user_of(actor: Any) -> Any:
    """The signed-in user behind ``actor``, to store as who did it; None for a command, the
    demo or an anonymous request."""
    return actor if getattr(actor, "is_authenticated", False) else None


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    unit_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write an audit row; must run inside the caller's atomic block."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() phải được gọi trong một giao dịch.")
    user = user_of(actor)
    _bump_on_commit()
    forget()  # the org graph or the calendar may be what changed
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        unit_id=unit_id,
        changes=_jsonable(changes or {}),
    )


def save_recorded(
    instance: models.Model,
    *,
    actor: Any,
    action: str,
    on: models.Model | None = None,
    unit_id: int | None = None,
    changes: dict[str, Any] | None = None,
    update_fields: list[str] | None = None,
) -> AuditEntry:
    """The end of a service's write: validate ``instance`` (``full_clean``), save it (only
    ``update_fields`` when given) and record ``action`` against ``on`` (the instance itself
    by default), all in the caller's transaction."""
    instance.full_clean()
    instance.save(update_fields=update_fields)
    return record(actor=actor, action=action, obj=on or instance, unit_id=unit_id, changes=changes)


def _bump_on_commit() -> None:
    """Have the revision counted once when the transaction commits, however many rows it
    records: a callback still waiting (not undone with a savepoint) is enough."""
    waiting = transaction.get_connection().run_on_commit
    if not any(callback is bump_revision for _, callback, _ in waiting):
        transaction.on_commit(bump_revision)


def bump_revision() -> None:
    """Count one more committed change (after the commit, in its own short transaction)."""
    if not DataRevision.objects.filter(pk=1).update(number=F("number") + 1):
        DataRevision.objects.bulk_create([DataRevision(pk=1, number=1)], ignore_conflicts=True)


def diff(instance: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """Fields of ``data`` whose value differs from ``instance``: {field: [old, new]}."""
    changed: dict[str, Any] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [_jsonable(old), _jsonable(new)]
    return changed
