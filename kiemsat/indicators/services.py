"""Writes of figures and submissions; each atomic and audited (quotas: ``quota_services``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from kiemsat.audit.services import record
from kiemsat.indicators import bulk
from kiemsat.indicators.imports import (
    CheckedRows,
    ImportRefused,
    RawRow,
    Reference,
    check_rows,
    parse_file,
)
from kiemsat.indicators.models import (
    Figure,
    FigureBatch,
    QuotaLock,
    Source,
    Submission,
    SubmissionStatus,
)
from kiemsat.lib.periods import Month
from kiemsat.org.access import access_for, check
from kiemsat.org.lifecycle import UnitEnded
from kiemsat.org.models import Role, Unit

CHUNK = 5000


@dataclass
class ImportPreview:
    rows: int
    created: int
    updated: int
    unchanged: int
    units: int
    periods: int


def _writable_ids(actor: Any) -> set[int] | None:
    """None for the command line (no actor); else the units the actor may enter figures for."""
    if actor is None:
        return None
    return access_for(actor).unit_ids(Role.STAFF)


def _existing(checked: CheckedRows) -> dict[tuple[int, int, int], int]:
    if not checked.values:
        return {}
    rows = Figure.objects.filter(
        unit_id__in=checked.unit_ids, period__in=checked.periods
    ).values_list("unit_id", "metric_id", "period", "value")
    return {(u, m, p): v for u, m, p, v in rows}


def _preview(checked: CheckedRows, existing: dict[tuple[int, int, int], int]) -> ImportPreview:
    created = updated = 0
    for unit_id, metric_id, period, value in checked.values:
        old = existing.get((unit_id, metric_id, period))
        if old is None:
            created += 1
        elif old != value:
            updated += 1
    total = len(checked.values)
    return ImportPreview(
        total,
        created,
        updated,
        total - created - updated,
        len(checked.unit_ids),
        len(checked.periods),
    )


def figures_preview(*, actor: Any, rows: Iterable[RawRow]) -> ImportPreview:
    """Dry run: validate everything and count what a write would do; writes nothing."""
    checked = check_rows(rows, writable_unit_ids=_writable_ids(actor))
    return _preview(checked, _existing(checked))


@transaction.atomic
def figures_import(
    *,
    actor: Any,
    rows: Iterable[RawRow],
    source: str = Source.IMPORT,
    file_name: str = "",
    unit: Unit | None = None,
) -> ImportPreview:
    """Write a batch of figures all or nothing (insert or update by unit × metric × month)."""
    checked = check_rows(rows, writable_unit_ids=_writable_ids(actor))
    existing = _existing(checked)
    preview = _preview(checked, existing)
    _upsert(checked, existing, source)
    _record_batch(actor, preview, checked.unit_ids, checked.periods, source, file_name, unit)
    return preview


def figures_import_file(
    *, actor: Any, name: str, data: bytes, unit: Unit | None = None
) -> ImportPreview:
    """A whole CSV/XLSX file, all or nothing. A plain CSV goes in bulk (``bulk``); any other
    file, or a plain one the bulk check declines, goes row by row and gets the messages."""
    done = _bulk_import(actor, name, data, unit=unit, dry_run=False)
    if done is not None:
        return done
    return figures_import(actor=actor, rows=parse_file(name, data), file_name=name, unit=unit)


def figures_preview_file(*, actor: Any, name: str, data: bytes) -> ImportPreview:
    """Dry run of ``figures_import_file``: the same checks and counts; writes nothing."""
    done = _bulk_import(actor, name, data, unit=None, dry_run=True)
    if done is not None:
        return done
    return figures_preview(actor=actor, rows=parse_file(name, data))


class _DryRunDone(Exception):
    def __init__(self, preview: ImportPreview):
        self.preview = preview


def _bulk_import(
    actor: Any, name: str, data: bytes, *, unit: Unit | None, dry_run: bool
) -> ImportPreview | None:
    """None, with nothing written, when the file is not for the bulk path."""
    body = bulk.plain_body(name, data)
    if body is None:
        return None
    # The ids written come from this transaction's own reads of units and metrics, so
    # SQLite need not look every row's two foreign keys up again. (Inside an outer
    # transaction the checks cannot be switched off and simply stay on.)
    with connection.constraint_checks_disabled():
        try:
            return _bulk_write(actor, name, body, unit=unit, dry_run=dry_run)
        except _DryRunDone as done:
            return done.preview


@transaction.atomic
def _bulk_write(
    actor: Any, name: str, body: str, *, unit: Unit | None, dry_run: bool
) -> ImportPreview | None:
    loaded = bulk.load(
        body,
        Reference.load(),
        writable_unit_ids=_writable_ids(actor),
        source=Source.IMPORT,
        updated_at=connection.ops.adapt_datetimefield_value(timezone.now()),
    )
    if loaded is None:
        return None
    units, periods = loaded.unit_ids, loaded.periods
    preview = ImportPreview(loaded.rows, loaded.rows, 0, 0, len(units), len(periods))
    if dry_run:
        raise _DryRunDone(preview)  # leaving the transaction by an exception rolls it back
    _record_batch(actor, preview, units, periods, Source.IMPORT, name, unit)
    return preview


def _record_batch(
    actor: Any,
    preview: ImportPreview,
    unit_ids: set[int],
    periods: set[int],
    source: str,
    file_name: str,
    unit: Unit | None,
) -> None:
    batch = FigureBatch.objects.create(
        unit=unit,
        source=source,
        file_name=file_name[:255],
        rows=preview.rows,
        created=preview.created,
        updated=preview.updated,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor,
        action="indicators.figures_import",
        obj=batch,
        unit_id=unit.pk if unit else None,
        changes={
            "rows": preview.rows,
            "created": preview.created,
            "updated": preview.updated,
            "units": sorted(unit_ids),
            "periods": sorted(str(Month.from_index(p)) for p in periods),
        },
    )


def _upsert(checked: CheckedRows, existing: dict[tuple[int, int, int], int], source: str) -> None:
    """Insert new figures and update changed ones with plain executemany (fast on both DBs)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Figure._meta.db_table
    new = [(*v, source, now) for v in checked.values if v[:3] not in existing]
    changed = [
        (v[3], source, now, v[0], v[1], v[2])
        for v in checked.values
        if v[:3] in existing and existing[v[:3]] != v[3]
    ]
    insert = (
        f"INSERT INTO {table} (unit_id, metric_id, period, value, source, updated_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, %s, %s)"
    )
    update = (
        f"UPDATE {table} SET value = %s, source = %s, updated_at = %s "  # noqa: S608
        "WHERE unit_id = %s AND metric_id = %s AND period = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(new), CHUNK):
            cursor.executemany(insert, new[start : start + CHUNK])
        for start in range(0, len(changed), CHUNK):
            cursor.executemany(update, changed[start : start + CHUNK])


# --- submission and approval ---------------------------------------------------------------


def approver_unit_id(unit: Unit) -> int:
    """A month is approved by a leader of the unit above, or of the unit itself at the top."""
    return unit.parent_id or unit.pk


def can_approve(user: Any, unit: Unit) -> bool:
    return access_for(user).has(approver_unit_id(unit), Role.LEADER)


@transaction.atomic
def submission_submit(*, actor: Any, unit: Unit, month: Month) -> Submission:
    check(actor, unit.pk, write=True)
    if unit.has_ended(month.first_day()):
        raise ValidationError(UnitEnded([unit], f"gửi số liệu tháng {month.label}").message)
    submission = (
        Submission.objects.select_for_update().filter(unit=unit, period=month.index).first()
    )
    if submission is not None and submission.locked:
        raise ValidationError(f"Tháng {month.label} đã được duyệt; không gửi lại được.")
    if month.index > Month.of(timezone.localdate()).index:
        raise ValidationError(f"Tháng {month.label} chưa tới; chưa gửi được số liệu.")
    if not Figure.objects.filter(unit=unit, period=month.index).exists():
        raise ValidationError(f"Tháng {month.label} chưa có số liệu nào để gửi.")
    submission = submission or Submission(unit=unit, period=month.index)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_by = actor
    submission.submitted_at = timezone.now()
    submission.full_clean()
    submission.save()
    record(actor=actor, action="indicators.submission_submit", obj=submission, unit_id=unit.pk)
    return submission


def decide(
    obj: Submission | QuotaLock,
    *,
    actor: Any,
    action: str,
    unit_id: int,
    reason: str | None = None,
    status: SubmissionStatus | None = None,
) -> None:
    """Approve (lock) ``obj``, or reopen it when a ``reason`` is given (or send it back with
    another ``status``): its decision fields, saved, and the audit row. Shared by monthly
    submissions and yearly quotas."""
    default = SubmissionStatus.APPROVED if reason is None else SubmissionStatus.REOPENED
    obj.status = status or default
    obj.decided_by = actor
    obj.decided_at = timezone.now()
    fields = ["status", "decided_by", "decided_at"]
    if reason is not None:
        obj.reopen_reason = reason
        fields.append("reopen_reason")
    obj.full_clean()
    obj.save(update_fields=fields if obj.pk else None)
    changes = {"reason": reason} if reason is not None else None
    record(actor=actor, action=action, obj=obj, unit_id=unit_id, changes=changes)


def reopen_reason(reason: str, *, missing: str = "Cần ghi lý do mở lại.") -> str:
    """The reason a reopening (or a return) needs, stripped; refused when blank."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": missing})
    return reason


@transaction.atomic
def submission_approve(*, actor: Any, submission: Submission) -> Submission:
    if not can_approve(actor, submission.unit):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị cấp trên được duyệt số liệu.")
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(f"Tháng {submission.month.label} chưa được gửi hoặc đã duyệt.")
    decide(
        submission,
        actor=actor,
        action="indicators.submission_approve",
        unit_id=submission.unit_id,
    )
    return submission


@transaction.atomic
def submission_reopen(*, actor: Any, submission: Submission, reason: str) -> Submission:
    if not can_approve(actor, submission.unit):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị cấp trên được mở lại tháng đã duyệt.")
    reason = reopen_reason(reason)
    if submission.status != SubmissionStatus.APPROVED:
        raise ValidationError(
            f"Tháng {submission.month.label} chưa được duyệt nên không cần mở lại."
        )
    decide(
        submission,
        actor=actor,
        action="indicators.submission_reopen",
        unit_id=submission.unit_id,
        reason=reason,
    )
    return submission


RETURN_REASON_MISSING = "Cần ghi lý do trả lại để đơn vị biết cần sửa gì."


@transaction.atomic
def submission_return(*, actor: Any, submission: Submission, reason: str) -> Submission:
    """Send a submitted month back to its unit, unapproved, with what to fix; the unit's
    staff correct the figures and submit again."""
    check(actor, submission.unit_id)
    if not can_approve(actor, submission.unit):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị cấp trên được trả lại số liệu.")
    reason = reopen_reason(reason, missing=RETURN_REASON_MISSING)
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(
            f"Tháng {submission.month.label} không ở trạng thái chờ duyệt nên không trả lại được."
        )
    decide(
        submission,
        actor=actor,
        action="indicators.submission_return",
        unit_id=submission.unit_id,
        reason=reason,
        status=SubmissionStatus.RETURNED,
    )
    return submission


__all__ = [
    "ImportPreview",
    "ImportRefused",
    "can_approve",
    "decide",
    "figures_import",
    "figures_import_file",
    "figures_preview",
    "figures_preview_file",
    "reopen_reason",
    "submission_approve",
    "submission_reopen",
    "submission_return",
    "submission_submit",
]
