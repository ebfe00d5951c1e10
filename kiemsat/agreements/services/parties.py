"""Who signs an instrument, what it says and what it binds them to: parties, clauses, duties."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from kiemsat.agreements.models import (
    Clause,
    ClauseKind,
    Duty,
    DutyCompletion,
    Instrument,
    Party,
    Recurrence,
)
from kiemsat.agreements.schedule import advance_due
from kiemsat.agreements.services.instruments import (
    MAX_PARTIES,
    MIN_PARTIES,
    PartyData,
    _assign,
    _audit,
    _full_clean,
    _out_of_scope,
    _party_problems,
    _raise,
    _refresh_search,
    _save_party,
)
from kiemsat.audit.services import user_of


@dataclass
class DutyData:
    title: str
    recurrence: str
    responsible: list[Party] = field(default_factory=list)
    next_due: date | None = None
    clause: Clause | None = None


# --- parties -------------------------------------------------------------------------------


@transaction.atomic
def party_add(*, actor: Any, instrument: Instrument, data: PartyData) -> Party:
    existing = [
        PartyData(unit=p.unit, partner=p.partner, is_host=p.is_host)
        for p in instrument.parties.select_related("unit", "partner")
    ]
    errors = _party_problems([*existing, data], instrument.signed_on)
    if len(existing) + 1 <= MAX_PARTIES:
        errors.pop(NON_FIELD_ERRORS, None)  # fewer than two is fine while adding
    if "host" in errors:
        errors["is_host"] = "Văn bản đã có bên chủ trì."
        del errors["host"]
    _raise(errors | _out_of_scope(actor, [data]))
    order = max((p.order for p in instrument.parties.all()), default=0) + 1
    party = _save_party(instrument, data, order)
    _refresh_search(instrument)
    _audit(
        actor,
        "agreements.party_add",
        instrument,
        {"party": party.name, "signatory": data.signatory_name},
    )
    return party


@transaction.atomic
def party_update(
    *,
    actor: Any,
    party: Party,
    body_name: str,
    signatory_name: str,
    signatory_title: str,
    signature_prefix: str,
    is_host: bool,
) -> Party:
    """Correct how a party signs; the organisation itself and the owner unit stay."""
    values = {
        "body_name": body_name.strip(),
        "signatory_name": signatory_name.strip(),
        "signatory_title": signatory_title.strip(),
        "signature_prefix": signature_prefix,
        "is_host": is_host,
    }
    if is_host and party.instrument.parties.filter(is_host=True).exclude(pk=party.pk).exists():
        raise ValidationError({"is_host": "Văn bản đã có bên chủ trì."})
    changes = _assign(party, values)
    _full_clean(party)
    party.save(update_fields=list(values))
    _refresh_search(party.instrument)
    _audit(
        actor,
        "agreements.party_update",
        party.instrument,
        {"party": party.organisation_name, **changes},
    )
    return party


@transaction.atomic
def party_remove(*, actor: Any, party: Party) -> None:
    instrument = party.instrument
    if party.unit_id == instrument.owner_unit_id:
        raise ValidationError("Không thể xóa đơn vị chủ quản khỏi văn bản.")
    if instrument.parties.count() <= MIN_PARTIES:
        raise ValidationError(f"Văn bản phối hợp cần ít nhất {MIN_PARTIES} bên ký kết.")
    name = party.name
    party.delete()
    _refresh_search(instrument)
    _audit(actor, "agreements.party_remove", instrument, {"party": name})


# --- clauses -------------------------------------------------------------------------------


def _check_clause(clause: Clause) -> dict[str, str]:
    errors: dict[str, str] = {}
    if clause.kind == ClauseKind.CHAPTER:
        clause.chapter = None
    elif clause.chapter is not None and (
        clause.chapter.instrument_id != clause.instrument_id
        or clause.chapter.kind != ClauseKind.CHAPTER
    ):
        errors["chapter"] = "Chương không thuộc văn bản này."
    clash = (
        Clause.objects.filter(
            instrument_id=clause.instrument_id, kind=clause.kind, number=clause.number
        )
        .exclude(pk=clause.pk)
        .exists()
    )
    if clash:
        errors["number"] = f"{clause.label} đã có trong văn bản."
    return errors


@transaction.atomic
def clause_add(
    *,
    actor: Any,
    instrument: Instrument,
    kind: str,
    number: int,
    title: str = "",
    text: str = "",
    chapter: Clause | None = None,
) -> Clause:
    clause = Clause(
        instrument=instrument, kind=kind, number=number, title=title, text=text, chapter=chapter
    )
    _raise(_check_clause(clause))
    _full_clean(clause)
    clause.save()
    _refresh_search(instrument)
    _audit(actor, "agreements.clause_add", instrument, {"clause": str(clause)})
    return clause


@transaction.atomic
def clause_update(
    *,
    actor: Any,
    clause: Clause,
    number: int,
    title: str,
    text: str,
    chapter: Clause | None = None,
) -> Clause:
    values = {"number": number, "title": title, "text": text, "chapter": chapter}
    changes = _assign(clause, values)
    _raise(_check_clause(clause))
    _full_clean(clause)
    clause.save(update_fields=list(values))
    _refresh_search(clause.instrument)
    _audit(
        actor, "agreements.clause_update", clause.instrument, {"clause": clause.label, **changes}
    )
    return clause


@transaction.atomic
def clause_delete(*, actor: Any, clause: Clause) -> None:
    if clause.kind == ClauseKind.CHAPTER and clause.articles.exists():
        raise ValidationError(
            f"{clause.label} còn các điều; hãy xóa hoặc chuyển các điều sang chương khác trước."
        )
    instrument, label = clause.instrument, str(clause)
    clause.delete()
    _refresh_search(instrument)
    _audit(actor, "agreements.clause_delete", instrument, {"clause": label})


# --- duties --------------------------------------------------------------------------------


def _check_duty(instrument: Instrument, data: DutyData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.responsible:
        errors["responsible"] = "Chọn ít nhất một bên thực hiện."
    elif any(p.instrument_id != instrument.pk for p in data.responsible):
        errors["responsible"] = "Bên thực hiện phải là một bên ký kết văn bản này."
    if data.recurrence != Recurrence.PER_CASE and data.next_due is None:
        errors["next_due"] = "Cần hạn thực hiện (trừ nhiệm vụ theo từng vụ việc)."
    if data.clause is not None and data.clause.instrument_id != instrument.pk:
        errors["clause"] = "Điều khoản không thuộc văn bản này."
    return errors


@transaction.atomic
def duty_add(*, actor: Any, instrument: Instrument, data: DutyData) -> Duty:
    _raise(_check_duty(instrument, data))
    next_due = None if data.recurrence == Recurrence.PER_CASE else data.next_due
    duty = Duty(
        instrument=instrument,
        title=data.title.strip(),
        recurrence=data.recurrence,
        next_due=next_due,
        clause=data.clause,
    )
    _full_clean(duty)
    duty.save()
    duty.responsible.set(data.responsible)
    _audit(
        actor,
        "agreements.duty_add",
        instrument,
        {
            "duty": duty.title,
            "recurrence": duty.recurrence,
            "next_due": next_due,
            "responsible": [p.name for p in data.responsible],
        },
    )
    return duty


@transaction.atomic
def duty_done(*, actor: Any, duty: Duty, done_on: date, result: str) -> Duty:
    """Record that a duty was carried out; a recurring one moves to its next due date."""
    result = result.strip()
    errors: dict[str, str] = {}
    if duty.done:
        errors[NON_FIELD_ERRORS] = "Nhiệm vụ này đã hoàn thành."
    if done_on > timezone.localdate():
        errors["done_on"] = "Ngày thực hiện không được sau hôm nay."
    if not result:
        errors["result"] = "Ghi ngắn gọn kết quả thực hiện."
    _raise(errors)
    completion = DutyCompletion(
        duty=duty, done_on=done_on, due=duty.next_due, result=result, actor=user_of(actor)
    )
    _full_clean(completion)
    completion.save()
    old_due = duty.next_due
    duty.last_done_on, duty.last_result = done_on, result
    duty.next_due = advance_due(duty.recurrence, duty.next_due, done_on)
    duty.done = duty.recurrence == Recurrence.ONCE
    duty.save(update_fields=["last_done_on", "last_result", "next_due", "done"])
    _audit(
        actor,
        "agreements.duty_done",
        duty.instrument,
        {"duty": duty.title, "due": old_due, "done_on": done_on, "result": result},
    )
    return duty


@transaction.atomic
def duty_delete(*, actor: Any, duty: Duty) -> None:
    instrument, title = duty.instrument, duty.title
    duty.delete()
    _audit(actor, "agreements.duty_delete", instrument, {"duty": title})
