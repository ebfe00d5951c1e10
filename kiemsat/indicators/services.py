"""Writes of figures and submissions; each atomic and audited (quotas: ``quota_services``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from itertools import chain
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from kiemsat.audit.services import record, save_recorded, user_of
from kiemsat.indicators.imports import (
    PERIOD_SPAN,
    CheckedRows,
    ImportRefused,
    RawRow,
    Reference,
    check_columns,
    check_rows,
    locked_errors,
    read_columns,
)
from kiemsat.indicators.models import (
    Figure,
    FigureBatch,
    QuotaLock,
    Source,
    Submission,
    SubmissionStatus,
)
from kiemsat.lib.background import one_behind
from kiemsat.lib.periods import Month
from kiemsat.org.access import access_for, check
from kiemsat.org.lifecycle import UnitEnded
from kiemsat.org.models import Role, Unit


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


def _existing(checked: CheckedRows) -> dict[int, int]:
    """The figures already there for the checked rows' units and months, by row key."""
    if not checked.count:
        return {}
    rows = Figure.objects.filter(
        unit_id__in=checked.unit_ids, period__in=checked.periods
    ).values_list("unit_id", "metric_id", "period", "value")
    return {checked.row_key(u, m, p): v for u, m, p, v in rows}


class _Tally:
    """What rows already checked add up to against the figures already there: new, changed
    and unchanged rows, the units and the months (reads only)."""

    def __init__(self) -> None:
        self.rows = self.created = self.updated = 0
        self.unit_ids: set[int] = set()
        self.periods: set[int] = set()

    def add(self, checked: CheckedRows) -> None:
        shared = 0
        for key, old in _existing(checked).items():  # a few for a new file, all when again
            value = checked.rows.get(key)
            if value is not None:
                shared += 1
                self.updated += value != old
        self.rows += checked.count
        self.created += checked.count - shared
        self.unit_ids |= checked.unit_ids
        self.periods |= checked.periods

    def preview(self) -> ImportPreview:
        unchanged = self.rows - self.created - self.updated
        return ImportPreview(
            self.rows,
            self.created,
            self.updated,
            unchanged,
            len(self.unit_ids),
            len(self.periods),
        )


def _preview(checked: CheckedRows) -> ImportPreview:
    tally = _Tally()
    tally.add(checked)
    return tally.preview()


def figures_preview(*, actor: Any, rows: Iterable[RawRow]) -> ImportPreview:
    """Dry run: validate everything and count what a write would do; writes nothing."""
    return _preview(check_rows(rows, writable_unit_ids=_writable_ids(actor)))


def figures_preview_file(*, actor: Any, name: str, data: bytes) -> ImportPreview:
    """Dry run of ``figures_import_file``: the same checks and counts, by reads only (no
    transaction, so it never waits for nor holds the database's write lock)."""
    columns = read_columns(name, data)
    return _preview(check_columns(columns, writable_unit_ids=_writable_ids(actor)))


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
    return figures_write(
        actor=actor, parts=[checked], source=source, file_name=file_name, unit=unit
    )


def figures_import_file(
    *, actor: Any, name: str, data: bytes, unit: Unit | None = None
) -> ImportPreview:
    """A whole CSV/XLSX file, all or nothing: every row checked before the write begins."""
    checked = check_columns(read_columns(name, data), writable_unit_ids=_writable_ids(actor))
    return figures_write(
        actor=actor, parts=[checked], source=Source.IMPORT, file_name=name, unit=unit
    )


def figures_write(
    *,
    actor: Any,
    parts: Iterable[CheckedRows],
    source: str,
    file_name: str = "",
    unit: Unit | None = None,
) -> ImportPreview:
    """Write rows already checked (``imports.check_columns``), all or nothing. The rows may
    come in parts (a large file checked in pieces, ``parts``): the first is taken before the
    write lock is, and each next one is checked while the one before is written.
    Only what may have changed since the check is looked at again, part by part before it is
    written: which months were approved meanwhile. If any part writes to one, nothing is
    written and every such month is named, as one check of all the rows would."""
    parts = iter(parts)
    first = next(parts, None)
    if first is None:
        raise ImportRefused(["Tệp rỗng: không có dòng số liệu nào."])
    # Each part's JSON is made as soon as the part is given, while the one before is written.
    documents = ((part, json.dumps(part.rows)) for part in chain([first], parts))
    with transaction.atomic():
        written = _Written(Reference.load(), source)
        with connection.cursor() as cursor:
            one_behind(partial(_upsert, cursor), documents, before=written.take)
        if written.locked:
            raise ImportRefused(written.locked)
        tally = written.tally
        preview = tally.preview()
        _record_batch(actor, preview, tally.unit_ids, tally.periods, source, file_name, unit)
    return preview


_Statement = tuple[str, list[Any]]  # SQL and its parameters


class _Written:
    """What the parts written so far add up to, and the approved months they would write."""

    def __init__(self, ref: Reference, source: str) -> None:
        self.ref, self.source = ref, source
        # To the second: every row of a batch bears the same time, in a shorter text.
        now = timezone.now().replace(microsecond=0)
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.locked: list[str] = []
        self.tally = _Tally()

    def take(self, given: tuple[CheckedRows, str]) -> _Statement | None:
        """The statement writing a part (given with its JSON), once the part is counted;
        None once a month is found approved, after which parts are only looked at for
        their own such months."""
        part, document = given
        self.locked += locked_errors(part, self.ref)
        if self.locked:
            return None
        self.tally.add(part)
        return _upsert_sql(part.metric_span), [self.source, self.now, document]


def _record_batch(
    actor: Any,
    preview: ImportPreview,
    unit_ids: set[int],
    periods: set[int],
    source: str,
    file_name: str,
    unit: Unit | None,
) -> None:
    batch = FigureBatch(
        unit=unit,
        source=source,
        file_name=file_name[:255],
        rows=preview.rows,
        created=preview.created,
        updated=preview.updated,
        actor=user_of(actor),
    )
    save_recorded(
        batch,
        actor=actor,
        action="indicators.figures_import",
        unit_id=unit.pk if unit else None,
        changes={
            "rows": preview.rows,
            "created": preview.created,
            "updated": preview.updated,
            "units": sorted(unit_ids),
            "periods": sorted(str(Month.from_index(p)) for p in periods),
        },
    )


def _upsert(cursor: Any, statement: _Statement) -> None:
    """Run a statement of ``_upsert_sql`` with ``cursor``, the calling thread's: this may run
    on another thread, and the database driver lets it run while this thread goes on."""
    cursor.execute(*statement)


def _upsert_sql(metric_span: int) -> str:
    """Insert new figures and update changed ones by one statement (foreign keys checked):
    the rows travel as one JSON object {row key: value} that the database reads with its
    own JSON functions and unpacks by arithmetic (far faster than a statement per row).
    Its parameters: the source, the time, the JSON."""
    table = Figure._meta.db_table
    if connection.vendor == "postgresql":
        cells, number = "json_each_text(%s::json)", "bigint"
    else:
        cells, number = "json_each(%s)", "integer"
    unit_span = metric_span * PERIOD_SPAN
    rows = (  # "%%" is the modulo operator once the parameters are filled in
        f"SELECT k / {unit_span} AS u, k %% {unit_span} / {PERIOD_SPAN} AS m, "  # noqa: S608
        f"k %% {PERIOD_SPAN} AS p, v FROM (SELECT CAST(key AS {number}) AS k, "
        f"CAST(value AS {number}) AS v FROM {cells}) AS cells"
    )
    return (
        f"INSERT INTO {table} (unit_id, metric_id, period, value, source, updated_at) "  # noqa: S608
        f"SELECT u, m, p, v, %s, %s FROM ({rows}) AS new_rows WHERE true "
        "ON CONFLICT (unit_id, metric_id, period) DO UPDATE SET value = excluded.value, "
        "source = excluded.source, updated_at = excluded.updated_at "
        f"WHERE {table}.value <> excluded.value"
    )


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
    save_recorded(submission, actor=actor, action="indicators.submission_submit", unit_id=unit.pk)
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


LOADED = "indicators.submission_record"  # shown as "ghi số liệu tháng"


@transaction.atomic
def submissions_load(*, actor: Any, months: Iterable[tuple[Unit, Month, str]]) -> int:
    """Record past months as submitted or approved, in bulk: history taken over from
    another system, or the demo. Only months without a submission are written; each unit's
    are audited in one row, which also moves the dashboards' data revision. ``actor`` None
    is the command line; anyone else must be a leader above each unit. Returns the count."""
    rows = list(months)
    for unit in {unit for unit, _, _ in rows}:
        if actor is not None and not can_approve(actor, unit):
            raise PermissionDenied("Chỉ lãnh đạo đơn vị cấp trên được ghi nhận số liệu tháng.")
    unit_ids = {unit.pk for unit, _, _ in rows}
    existing = set(Submission.objects.filter(unit_id__in=unit_ids).values_list("unit", "period"))
    now = timezone.now()
    new = [
        Submission(
            unit=unit,
            period=month.index,
            status=status,
            submitted_at=now,
            decided_at=now if status == SubmissionStatus.APPROVED else None,
        )
        for unit, month, status in rows
        if (unit.pk, month.index) not in existing
    ]
    for submission in new:  # the unit is the caller's row; the constraints are the database's
        submission.full_clean(exclude=["unit"], validate_unique=False, validate_constraints=False)
    Submission.objects.bulk_create(new, batch_size=1000)
    _record_loaded(actor, new)
    return len(new)


def _record_loaded(actor: Any, loaded: list[Submission]) -> None:
    """One audit row per unit ("ghi số liệu tháng"), naming its months in order."""
    months: dict[Unit, list[str]] = {}
    for s in sorted(loaded, key=lambda s: s.period):
        months.setdefault(s.unit, []).append(str(s.month))
    for unit, periods in months.items():
        record(actor=actor, action=LOADED, obj=unit, unit_id=unit.pk, changes={"periods": periods})


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
    "figures_write",
    "reopen_reason",
    "submission_approve",
    "submission_reopen",
    "submission_return",
    "submission_submit",
    "submissions_load",
]
