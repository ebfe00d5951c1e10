"""Writes of quotas: the grid, a file, one cell; approval (lock) and reopening of a year.

Every write goes through ``quotas_set``: one transaction, every row checked first
(``quota_imports.check_quota_rows``), one audit row per quota that changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kiemsat.audit.services import record
from kiemsat.indicators.models import Quota, QuotaLock
from kiemsat.indicators.quota_imports import (
    CheckedQuota,
    QuotaRow,
    check_quota_rows,
    existing_quotas,
    parse_quota_file,
)
from kiemsat.indicators.quotas import can_assign_quotas
from kiemsat.indicators.services import decide, reopen_reason
from kiemsat.org.models import Unit


@dataclass
class QuotaResult:
    rows: int
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.cleared


@dataclass(frozen=True)
class QuotaChange:
    """One row of a checked file beside the quota it would replace (None: none yet)."""

    line: int
    quota: CheckedQuota
    old: int | None


@dataclass
class QuotaPreview:
    result: QuotaResult
    changes: list[QuotaChange]


def quotas_preview(*, actor: Any, rows: Iterable[QuotaRow]) -> QuotaPreview:
    """Dry run of ``quotas_set``: the same checks and counts by reads only (no transaction,
    so it never waits for nor holds the database's write lock), each row beside its quota."""
    rows = list(rows)
    checked = check_quota_rows(rows, actor=actor)  # one quota per row, or refused
    existing = existing_quotas(checked)
    preview = QuotaPreview(QuotaResult(rows=len(checked)), [])
    for row, quota in zip(rows, checked, strict=True):
        old = existing.get(quota.key)
        _apply(actor, quota, old, preview.result, write=False)
        preview.changes.append(QuotaChange(row.line, quota, old.value if old else None))
    return preview


@transaction.atomic
def quotas_set(*, actor: Any, rows: Iterable[QuotaRow]) -> QuotaResult:
    """Set (or, for a value of None, clear) quotas all or nothing."""
    checked = check_quota_rows(rows, actor=actor)
    existing = existing_quotas(checked)
    result = QuotaResult(rows=len(checked))
    for quota in checked:
        _apply(actor, quota, existing.get(quota.key), result, write=True)
    return result


def quotas_import_file(*, actor: Any, name: str, data: bytes, dry_run: bool = False) -> QuotaResult:
    """A whole CSV/XLSX file of quotas (``quota_imports.HEADER``), all or nothing; ``dry_run``
    only checks and counts (``quotas_preview``)."""
    rows = parse_quota_file(name, data)
    if dry_run:
        return quotas_preview(actor=actor, rows=rows).result
    return quotas_set(actor=actor, rows=rows)


@transaction.atomic
def quota_set(
    *, actor: Any, unit: Unit, indicator_code: str, work_year: int, value: int | None
) -> Quota | None:
    """One quota, through the same checks as the grid and the files."""
    quotas_set(actor=actor, rows=[QuotaRow(1, unit.code, work_year, indicator_code, value)])
    return Quota.objects.filter(
        unit=unit, indicator_code=indicator_code, work_year=work_year
    ).first()


def _apply(
    actor: Any, quota: CheckedQuota, old: Quota | None, result: QuotaResult, *, write: bool
) -> None:
    before = old.value if old else None
    if before == quota.value:
        result.unchanged += int(old is not None)
        return
    if quota.value is None:
        result.cleared += 1
    elif old is None:
        result.created += 1
    else:
        result.updated += 1
    if not write:
        return
    target = old or Quota(
        unit=quota.unit, indicator_code=quota.indicator_code, work_year=quota.work_year
    )
    if quota.value is None:
        _record(actor, target, "indicators.quota_clear", before, None)
        target.delete()
        return
    target.value = quota.value
    target.full_clean()
    target.save(update_fields=["value"] if old else None)
    _record(actor, target, "indicators.quota_set", before, quota.value)


def _record(actor: Any, quota: Quota, action: str, old: int | None, new: int | None) -> None:
    record(
        actor=actor,
        action=action,
        obj=quota,
        unit_id=quota.unit_id,
        changes={"value": [old, new], "work_year": quota.work_year},
    )


# --- approval of a year's quotas ----------------------------------------------------------


def _lock_for_update(parent: Unit, work_year: int) -> QuotaLock | None:
    return QuotaLock.objects.select_for_update().filter(unit=parent, work_year=work_year).first()


def _require_leader(actor: Any, parent: Unit) -> None:
    if not can_assign_quotas(actor, parent):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị giao chỉ tiêu được duyệt hoặc mở lại.")


@transaction.atomic
def quotas_approve(*, actor: Any, parent: Unit, work_year: int) -> QuotaLock:
    """Lock the quotas ``parent`` gave its units for the year."""
    _require_leader(actor, parent)
    lock = _lock_for_update(parent, work_year)
    if lock is not None and lock.locked:
        raise ValidationError(f"Chỉ tiêu giao năm công tác {work_year} đã được duyệt và khóa.")
    if not Quota.objects.filter(unit__parent=parent, work_year=work_year).exists():
        raise ValidationError(f"Năm công tác {work_year} chưa có chỉ tiêu giao nào để duyệt.")
    lock = lock or QuotaLock(unit=parent, work_year=work_year)
    decide(lock, actor=actor, action="indicators.quotas_approve", unit_id=parent.pk)
    return lock


@transaction.atomic
def quotas_reopen(*, actor: Any, parent: Unit, work_year: int, reason: str) -> QuotaLock:
    """Unlock a year's quotas so they can be changed again; the reason is audited."""
    _require_leader(actor, parent)
    reason = reopen_reason(reason)
    lock = _lock_for_update(parent, work_year)
    if lock is None or not lock.locked:
        raise ValidationError(
            f"Chỉ tiêu giao năm công tác {work_year} chưa được duyệt nên không cần mở lại."
        )
    decide(lock, actor=actor, action="indicators.quotas_reopen", unit_id=parent.pk, reason=reason)
    return lock
