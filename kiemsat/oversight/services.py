"""Every write to the register: keyword-only, atomic, validated before saving, audited.

Services re-check the actor's right to write (views have already passed the gate); a
``None`` actor is the system (commands, the demo builder, the reference seed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from kiemsat.audit.services import record
from kiemsat.lib.excel import check_upload
from kiemsat.lib.uploads import delete_on_commit, store_upload
from kiemsat.lib.vn import fold, short_date
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.access import check
from kiemsat.org.models import Partner, Role, Unit
from kiemsat.org.selectors import work_calendar
from kiemsat.oversight import clock
from kiemsat.oversight.models import (
    COURT_PROTESTS,
    PROTESTS,
    DeadlineRule,
    Event,
    Intervention,
    Outcome,
    Source,
)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".jpg", ".jpeg", ".png")

# The registration fields a person types (the rest is computed or set by other services).
REGISTER_FIELDS = (
    "kind",
    "field",
    "number",
    "symbol",
    "issued_on",
    "recipient",
    "subject",
    "content",
    "basis",
    "rule",
    "received_on",
    "protest_rule",
    "decision_received_on",
)


@dataclass
class Registration:
    """What registering or editing an intervention takes, as typed (forms, imports, demo)."""

    kind: str
    field: str
    number: int
    symbol: str
    issued_on: date
    recipient: Partner
    subject: str
    content: str = ""
    basis: str = ""
    rule: DeadlineRule | None = None
    received_on: date | None = None
    protest_rule: DeadlineRule | None = None
    decision_received_on: date | None = None

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in REGISTER_FIELDS}


def _require_write(actor: Any, unit_id: int) -> None:
    if actor is not None:
        check(actor, unit_id, write=True, need=Role.STAFF)


def rule_spec(rule: DeadlineRule) -> clock.RuleSpec:
    return clock.RuleSpec(days=rule.days, working_days=rule.working_days, event=rule.event)


def compute_due(intervention: Intervention, calendar: WorkCalendar) -> date | None:
    """The answer deadline from the rule and its event; None without a rule or event date."""
    rule = intervention.rule
    if rule is None:
        return None
    event_day = clock.event_date(
        rule.event,
        issued_on=intervention.issued_on,
        received_on=intervention.received_on,
        decision_on=intervention.decision_received_on,
    )
    return clock.due_date(rule_spec(rule), event_day, calendar)


def protest_limit(intervention: Intervention, calendar: WorkCalendar) -> date | None:
    """The last day the procuracy could issue the protest, when a protest rule applies."""
    rule = intervention.protest_rule
    if rule is None or intervention.decision_received_on is None:
        return None
    return clock.due_date(rule_spec(rule), intervention.decision_received_on, calendar)


# --- checks that need today, related rows or the calendar --------------------------------


def _not_future(iv: Intervention, today: date) -> dict[str, str]:
    labels = {
        "issued_on": "Ngày ban hành",
        "decision_received_on": "Ngày nhận bản án, quyết định",
        "received_on": "Ngày cơ quan nhận",
        "extension_notified_on": "Ngày thông báo gia hạn",
        "answered_on": "Ngày trả lời",
    }
    errors = {}
    for name, label in labels.items():
        value = getattr(iv, name)
        if value is not None and value > today:
            errors[name] = f"{label} {short_date(value)} chưa tới (hôm nay {short_date(today)})."
    return errors


def _validity(iv: Intervention) -> dict[str, str]:
    errors = {}
    unit, day = iv.unit, iv.issued_on
    if day and not unit.is_valid_on(day):
        errors["issued_on"] = (
            f"{unit.name} không hoạt động vào ngày {short_date(day)} "
            f"({_interval(unit.valid_from, unit.valid_to)})."
        )
    partner = iv.recipient
    valid_from, valid_to = partner.valid_from, partner.valid_to
    if (
        day
        and ((valid_from and day < valid_from) or (valid_to and day > valid_to))
        and "recipient" not in errors
    ):
        errors["recipient"] = (
            f"{partner.name} không hoạt động vào ngày {short_date(day)} "
            f"({_interval(valid_from, valid_to)})."
        )
    return errors


def _interval(start: date | None, end: date | None) -> str:
    if start and end:
        return f"từ {short_date(start)} đến {short_date(end)}"
    if end:
        return f"đến {short_date(end)}"
    return f"từ {short_date(start)}" if start else "không rõ thời gian"


def _rules(iv: Intervention, calendar: WorkCalendar) -> dict[str, str]:
    errors = {}
    if iv.rule is not None and not iv.rule.counts_answer:
        errors["rule"] = "Quy tắc này là thời hạn kháng nghị, không phải thời hạn trả lời."
    protest = iv.protest_rule
    if protest is None:
        return errors
    if iv.kind not in PROTESTS:
        errors["protest_rule"] = "Chỉ kháng nghị mới có thời hạn kháng nghị."
    elif protest.event != Event.DECISION_RECEIVED:
        errors["protest_rule"] = "Quy tắc này không phải thời hạn kháng nghị."
    elif iv.decision_received_on is None:
        errors["decision_received_on"] = "Cần ngày nhận bản án, quyết định để tính hạn kháng nghị."
    else:
        limit = protest_limit(iv, calendar)
        if limit is not None and iv.issued_on > limit:
            errors["issued_on"] = (
                f"Kháng nghị ban hành ngày {short_date(iv.issued_on)} đã quá thời hạn kháng nghị "
                f"(hạn {short_date(limit)} theo {protest.legal_basis})."
            )
    return errors


def _number_free(iv: Intervention) -> dict[str, str]:
    taken = Intervention.objects.filter(unit_id=iv.unit_id, year=iv.year, number=iv.number)
    if iv.pk:
        taken = taken.exclude(pk=iv.pk)
    if taken.exists():
        return {
            "number": f"Số {iv.number:02d} năm {iv.year} đã được dùng cho văn bản khác của "
            f"{iv.unit.name}."
        }
    return {}


def _answer(iv: Intervention) -> dict[str, str]:
    if iv.answered_on and iv.kind in COURT_PROTESTS and not iv.court_decision:
        return {"court_decision": "Cần ghi bản án, quyết định của Tòa án (số, ký hiệu)."}
    return {}


def _extension(iv: Intervention) -> dict[str, str]:
    if iv.extended_to is None:
        return {}
    if iv.due_on is None:
        return {"extended_to": f"Chưa có hạn trả lời ({clock.NO_RECEIPT}) nên chưa thể gia hạn."}
    if iv.extended_to <= iv.due_on:
        return {
            "extended_to": f"Ngày gia hạn phải sau hạn trả lời {short_date(iv.due_on)}.",
        }
    notified = iv.extension_notified_on
    if notified and iv.received_on and notified < iv.received_on:
        return {"extension_notified_on": "Ngày thông báo gia hạn không được trước ngày nhận."}
    return {}


def validate(iv: Intervention, *, calendar: WorkCalendar, today: date) -> None:
    """Compute the derived columns, then refuse the intervention with every problem found.

    Runs the model's own ``full_clean`` (fields and date invariants); the database
    constraints, which hold the same invariants, are left to the database so that each
    problem is reported once, against its field.
    """
    iv.year = iv.issued_on.year if iv.issued_on else 0
    iv.subject_folded = fold(iv.subject or "")
    iv.due_on = compute_due(iv, calendar) if iv.issued_on else None
    errors: dict[str, list[str]] = {}
    try:
        iv.full_clean(
            exclude=["year", "subject_folded", "due_on"],
            validate_constraints=False,
            validate_unique=False,
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if iv.issued_on and iv.unit_id and iv.recipient_id:
        checks = (
            _extension(iv),
            _answer(iv),
            _rules(iv, calendar),
            _validity(iv),
            _number_free(iv) if iv.number else {},
            _not_future(iv, today),
        )
        for found in checks:
            for name, message in found.items():
                errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _save(iv: Intervention, *, update_fields: Sequence[str] | None = None) -> None:
    if update_fields is None:
        iv.save()
    else:
        iv.save(update_fields=[*update_fields, "updated_at"])


def _snapshot(iv: Intervention) -> dict[str, Any]:
    names = (
        *REGISTER_FIELDS,
        "due_on",
        "extension_notified_on",
        "extended_to",
        "extension_reason",
        "answered_on",
        "outcome",
        "answer_summary",
        "court_decision",
    )
    return {name: getattr(iv, f"{name}_id" if name in _FKS else name) for name in names}


_FKS = ("recipient", "rule", "protest_rule")


def _changes(before: dict[str, Any], iv: Intervention) -> dict[str, Any]:
    after = _snapshot(iv)
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}


def _audit(actor: Any, action: str, iv: Intervention, changes: dict[str, Any]) -> None:
    record(actor=actor, action=action, obj=iv, unit_id=iv.unit_id, changes=changes)


def _apply(actor: Any, action: str, iv: Intervention, values: dict[str, Any]) -> Intervention:
    """Set ``values``, check the whole entry again (the due date follows), save and audit."""
    before = _snapshot(iv)
    for name, value in values.items():
        setattr(iv, name, value)
    validate(iv, calendar=work_calendar(), today=timezone.localdate())
    _save(iv, update_fields=[*values, "due_on"])
    _audit(actor, action, iv, _changes(before, iv))
    return iv


# --- the services --------------------------------------------------------------------------


@transaction.atomic
def intervention_register(
    *,
    actor: Any,
    unit: Unit,
    data: Registration,
    document: File | None = None,
    source: str = Source.ENTRY,
    calendar: WorkCalendar | None = None,
) -> Intervention:
    """Enter a protest, recommendation or request in the register."""
    _require_write(actor, unit.pk)
    iv = Intervention(unit=unit, source=source, **data.values())
    if document is not None:
        _check_document(document)
    validate(iv, calendar=calendar or work_calendar(), today=timezone.localdate())
    if document is not None:
        iv.document = document  # type: ignore[assignment]
    iv.save()
    _audit(
        actor,
        "oversight.intervention_register",
        iv,
        {k: v for k, v in _snapshot(iv).items() if v not in (None, "")},
    )
    return iv


@transaction.atomic
def intervention_update(*, actor: Any, intervention: Intervention, data: Registration) -> bool:
    """Correct the registration (and the receipt date); the due date follows. True if changed."""
    _require_write(actor, intervention.unit_id)
    before = _snapshot(intervention)
    for name, value in data.values().items():
        setattr(intervention, name, value)
    validate(intervention, calendar=work_calendar(), today=timezone.localdate())
    changes = _changes(before, intervention)
    if not changes:
        return False
    _save(intervention, update_fields=[*REGISTER_FIELDS, "year", "subject_folded", "due_on"])
    _audit(actor, "oversight.intervention_update", intervention, changes)
    return True


@transaction.atomic
def intervention_extend(
    *,
    actor: Any,
    intervention: Intervention,
    notified_on: date,
    extended_to: date,
    reason: str = "",
) -> Intervention:
    """The recipient notified an extension: its new date replaces the computed due date."""
    _require_write(actor, intervention.unit_id)
    if intervention.answered_on is not None:
        raise ValidationError({"extended_to": "Văn bản đã được trả lời; không gia hạn nữa."})
    values = {
        "extension_notified_on": notified_on,
        "extended_to": extended_to,
        "extension_reason": reason.strip(),
    }
    return _apply(actor, "oversight.intervention_extend", intervention, values)


@transaction.atomic
def intervention_answer(
    *,
    actor: Any,
    intervention: Intervention,
    answered_on: date,
    outcome: str,
    summary: str = "",
    court_decision: str = "",
) -> Intervention:
    """Record the answer (for court protests: the court's decision and its date)."""
    _require_write(actor, intervention.unit_id)
    if outcome not in Outcome.values or outcome == Outcome.PENDING:
        raise ValidationError({"outcome": "Chọn kết quả trả lời."})
    values = {
        "answered_on": answered_on,
        "outcome": outcome,
        "answer_summary": summary.strip(),
        "court_decision": court_decision.strip(),
    }
    return _apply(actor, "oversight.intervention_answer", intervention, values)


def _check_document(document: File) -> None:
    check_upload(
        document,
        field="document",
        suffixes=DOCUMENT_SUFFIXES,
        max_bytes=MAX_DOCUMENT_BYTES,
        what="tệp PDF, Word hoặc ảnh (JPG, PNG)",
    )


@transaction.atomic
def intervention_attach(*, actor: Any, intervention: Intervention, document: File) -> Intervention:
    """Attach (or replace) the signed document."""
    _require_write(actor, intervention.unit_id)
    _check_document(document)
    old = store_upload(intervention.document, document, name=document.name or "van-ban")
    _save(intervention, update_fields=["document"])
    _audit(
        actor,
        "oversight.intervention_attach",
        intervention,
        {"document": [old, intervention.document.name]},
    )
    return intervention


@transaction.atomic
def intervention_delete(*, actor: Any, intervention: Intervention) -> None:
    """Remove an entry typed by mistake; the audit row keeps what it was."""
    _require_write(actor, intervention.unit_id)
    _audit(
        actor,
        "oversight.intervention_delete",
        intervention,
        {k: v for k, v in _snapshot(intervention).items() if v not in (None, "")},
    )
    intervention.delete()
    delete_on_commit(intervention.document)


@dataclass
class RecomputeResult:
    changed: int = 0
    unchanged: int = 0
    skipped: list[str] | None = None


def calendar_changed(*, actor: Any) -> str:
    """After an edit of the work calendar (org.plugins.CALENDAR_LISTENERS): due dates follow."""
    result = due_dates_recompute(actor=actor)
    message = f"Đã tính lại hạn trả lời kháng nghị, kiến nghị theo lịch mới: đổi {result.changed}"
    if result.skipped:
        message += f", giữ nguyên {len(result.skipped)} văn bản đã gia hạn"
    return message + "."


@transaction.atomic
def due_dates_recompute(*, actor: Any, rule: DeadlineRule | None = None) -> RecomputeResult:
    """Recompute stored due dates after a rule or the work calendar changed.

    An intervention whose notified extension would no longer fall after the new due date is
    left as it is and reported, so that nobody's data is silently dropped.
    """
    calendar = work_calendar()
    rows = Intervention.objects.select_related("rule", "unit").filter(rule__isnull=False)
    if rule is not None:
        rows = rows.filter(rule=rule)
    result = RecomputeResult(skipped=[])
    for iv in rows:
        new_due = compute_due(iv, calendar)
        if new_due == iv.due_on:
            result.unchanged += 1
            continue
        if iv.extended_to and (new_due is None or iv.extended_to <= new_due):
            result.skipped.append(f"{iv.unit.name}: {iv}")  # type: ignore[union-attr]
            continue
        old = iv.due_on
        iv.due_on = new_due
        _save(iv, update_fields=["due_on"])
        _audit(actor, "oversight.due_recompute", iv, {"due_on": [old, new_due]})
        result.changed += 1
    return result
