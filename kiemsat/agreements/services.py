"""Every write to instruments: atomic, validated before saving, audited in the transaction.

Validation errors are ``ValidationError`` dicts keyed by the form field they concern, in
Vietnamese, so views put them next to the field and imports prefix them with the row.
Each change is recorded against the instrument, so its page shows one history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kiemsat.agreements.models import (
    Attachment,
    Clause,
    ClauseKind,
    Duty,
    DutyCompletion,
    Instrument,
    Party,
    Recurrence,
    Review,
    ReviewSchedule,
)
from kiemsat.agreements.schedule import advance_due, next_review
from kiemsat.audit.services import diff, record
from kiemsat.documents.nd30 import expand_unit_name
from kiemsat.lib.excel import ImportRefused, check_upload
from kiemsat.lib.uploads import delete_on_commit
from kiemsat.lib.validity import is_valid_on
from kiemsat.lib.vn import fold, short_date
from kiemsat.org.access import access_for
from kiemsat.org.models import Partner, Role, Unit
from kiemsat.org.selectors import is_below

MIN_PARTIES = 2
MAX_PARTIES = 10
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")  # the signed scan


@dataclass
class InstrumentData:
    """The instrument's own fields, as a form, an import row or the demo gives them."""

    kind: str
    title: str
    number: int | None = None
    symbol: str = ""
    summary: str = ""
    signed_on: date | None = None
    place: str = ""
    venue: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    legal_basis: str = ""
    replaces: Instrument | None = None
    parent: Instrument | None = None
    cascade_due: date | None = None
    cascade_note: str = ""
    review_schedule: str = ReviewSchedule.YEARLY
    note: str = ""

    def fields(self) -> dict[str, Any]:
        values = {k: getattr(self, k) for k in self.__dataclass_fields__}
        values["symbol"] = " ".join(self.symbol.split())
        values["valid_from"] = self.valid_from or self.signed_on
        dated = self.signed_on or self.valid_from
        values["year"] = dated.year if self.number is not None and dated else None
        return values


@dataclass
class PartyData:
    unit: Unit | None = None
    partner: Partner | None = None
    signatory_name: str = ""
    signatory_title: str = ""
    body_name: str = ""
    signature_prefix: str = "TM."
    is_host: bool = False

    @property
    def name(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return self.partner.name if self.partner is not None else ""


@dataclass
class ReviewData:
    kind: str
    held_on: date
    period_from: date
    period_to: date
    decision: str
    assessment: str = ""
    results: str = ""
    problems: str = ""
    note: str = ""


@dataclass
class DutyData:
    title: str
    recurrence: str
    responsible: list[Party] = field(default_factory=list)
    next_due: date | None = None
    clause: Clause | None = None


def _actor_units(actor: Any) -> set[int] | None:
    """None for commands and the demo (no actor); else the units the actor may write for."""
    if actor is None:
        return None
    return access_for(actor).unit_ids(Role.STAFF)


# --- instruments ------------------------------------------------------------------------


def _check_dates(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    start, end, signed = values["valid_from"], values["valid_to"], values["signed_on"]
    if start and end and end < start:
        errors["valid_to"] = (
            f"Ngày hết hiệu lực ({short_date(end)}) phải sau ngày bắt đầu hiệu lực "
            f"({short_date(start)})."
        )
    elif signed and end and end < signed:
        errors["valid_to"] = f"Ngày hết hiệu lực ({short_date(end)}) trước ngày ký."
    if values["number"] and not values["year"]:
        errors["number"] = "Văn bản có số phải có ngày ký để xác định năm của số."
    return errors


def _check_number(instrument: Instrument) -> dict[str, str]:
    if instrument.number is None:
        return {}
    clash = (
        Instrument.objects.filter(
            owner_unit_id=instrument.owner_unit_id,
            year=instrument.year,
            number=instrument.number,
            symbol=instrument.symbol,
        )
        .exclude(pk=instrument.pk)
        .first()
    )
    return {} if clash is None else _number_used(instrument, clash)


def _number_key(instrument: Instrument) -> tuple[Any, ...] | None:
    """What no two instruments may share: the owner's number and symbol within a year."""
    if instrument.number is None:
        return None
    return (instrument.owner_unit_id, instrument.year, instrument.number, instrument.symbol)


def _number_used(instrument: Instrument, clash: Instrument) -> dict[str, str]:
    return {
        "number": f"Số {instrument.number_display} năm {instrument.year} đã được dùng cho "
        f"văn bản “{clash.title}” của đơn vị."
    }


def _check_links(instrument: Instrument) -> dict[str, str]:
    errors: dict[str, str] = {}
    if instrument.replaces_id is not None and instrument.replaces_id == instrument.pk:
        errors["replaces"] = "Văn bản không thể thay thế chính nó."
    parent = instrument.parent
    if parent is not None:
        if parent.pk == instrument.pk or parent.cascade_due is None:
            errors["parent"] = "Văn bản cấp trên này không chỉ đạo cấp dưới ký kết."
        elif not is_below(instrument.owner_unit_id, parent.owner_unit_id):
            errors["parent"] = (
                f"{instrument.owner_unit.name} không trực thuộc {parent.owner_unit.name}."
            )
    return errors


def _party_problems(parties: Sequence[PartyData], signed_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not MIN_PARTIES <= len(parties) <= MAX_PARTIES:
        errors[NON_FIELD_ERRORS] = (
            f"Văn bản phối hợp có từ {MIN_PARTIES} đến {MAX_PARTIES} bên ký kết "
            f"(đang có {len(parties)})."
        )
    if not any(p.unit for p in parties):
        errors["unit"] = "Cần ít nhất một đơn vị Viện kiểm sát là bên ký kết."
    if sum(p.is_host for p in parties) > 1:
        errors["host"] = "Chỉ một bên chủ trì."
    seen: set[tuple[str, int]] = set()
    for party in parties:
        org = party.unit or party.partner
        if org is None:
            errors[NON_FIELD_ERRORS] = "Mỗi bên ký là một đơn vị hoặc một cơ quan phối hợp."
            continue
        key = ("unit" if party.unit else "partner", org.pk)
        if key in seen:
            errors[key[0]] = f"{org.name} được nhập hai lần: mỗi bên chỉ ký một lần."
        seen.add(key)
        if signed_on and not is_valid_on(org, signed_on):
            errors[key[0]] = f"{org.name} không còn hoạt động vào ngày ký {short_date(signed_on)}."
    return errors


def _out_of_scope(actor: Any, parties: Sequence[PartyData]) -> dict[str, str]:
    """Our units a person may name as parties are those they can read, on every path: the
    party form offers only those (selectors.party_units), and a file or a call is held to
    the same rule. Commands and the demo (no actor) may name any unit."""
    if actor is None:
        return {}
    readable = access_for(actor).unit_ids()
    outside = [p.unit.name for p in parties if p.unit is not None and p.unit.pk not in readable]
    if not outside:
        return {}
    return {"unit": f"{', '.join(outside)} ngoài phạm vi đơn vị của bạn: không thể ghi là bên ký."}


def _owner(parties: Sequence[PartyData]) -> Unit:
    host = next((p for p in parties if p.is_host and p.unit), None)
    chosen = host or next(p for p in parties if p.unit)
    assert chosen.unit is not None
    return chosen.unit


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _full_clean(obj: Any, **kwargs: Any) -> None:
    """Model validation with our own messages first; unique checks are ours (clearer)."""
    obj.full_clean(validate_unique=False, **kwargs)


def _assign(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Set ``values`` on ``obj``; returns what changed, for the audit row."""
    changes = diff(obj, values)
    for name, value in values.items():
        setattr(obj, name, value)
    return changes


def _audit(actor: Any, action: str, instrument: Instrument, changes: dict[str, Any]) -> None:
    """Every change is recorded against its instrument, so the page shows one history."""
    record(
        actor=actor,
        action=action,
        obj=instrument,
        unit_id=instrument.owner_unit_id,
        changes=changes,
    )


def instrument_check(
    *, actor: Any, data: InstrumentData, parties: Sequence[PartyData]
) -> Instrument:
    """Every check of ``instrument_register``, by reads only: the instrument it would save
    (unsaved), or ValidationError."""
    values = data.fields()
    errors = _check_dates(values) | _party_problems(parties, values["signed_on"])
    _raise(errors | _out_of_scope(actor, parties))
    owner = _owner(parties)
    writable = _actor_units(actor)
    if writable is not None and owner.pk not in writable:
        raise ValidationError({"unit": f"Bạn không có quyền đăng ký văn bản cho {owner.name}."})
    instrument = Instrument(owner_unit=owner, **values)
    _raise(_check_number(instrument) | _check_links(instrument))
    _full_clean(instrument)
    for order, party in enumerate(parties, start=1):
        _full_clean(Party(order=order, **asdict(party)), exclude=["instrument"])
    return instrument


@transaction.atomic
def instrument_register(
    *, actor: Any, data: InstrumentData, parties: Sequence[PartyData]
) -> Instrument:
    """Register an instrument with its parties (2 to 10, at least one of our units)."""
    instrument = instrument_check(actor=actor, data=data, parties=parties)
    values = data.fields()
    instrument.save()
    for order, party in enumerate(parties, start=1):
        _save_party(instrument, party, order)
    _refresh(instrument)
    changes = {**_jsonable_values(values), "parties": [p.name for p in parties]}
    _audit(actor, "agreements.instrument_register", instrument, changes)
    return instrument


def _jsonable_values(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None)}


def _save_party(instrument: Instrument, data: PartyData, order: int) -> Party:
    party = Party(instrument=instrument, order=order, **asdict(data))
    _full_clean(party)
    party.save()
    return party


@transaction.atomic
def instrument_update(*, actor: Any, instrument: Instrument, data: InstrumentData) -> Instrument:
    values = data.fields()
    _raise(_check_dates(values))
    changes = _assign(instrument, values)
    _raise(_check_number(instrument) | _check_links(instrument))
    signed = values["signed_on"]
    if signed:
        parties = [PartyData(unit=p.unit, partner=p.partner) for p in instrument.parties.all()]
        _raise({k: v for k, v in _party_problems(parties, signed).items() if k != "host"})
    _full_clean(instrument)
    instrument.save(update_fields=[*values, "updated_at"])
    _refresh(instrument)
    _audit(actor, "agreements.instrument_update", instrument, changes)
    return instrument


def _refresh(instrument: Instrument) -> None:
    """Keep the derived columns (search text, next review) in step with the instrument."""
    _refresh_search(instrument)
    _refresh_next_review(instrument)


def _refresh_search(instrument: Instrument) -> None:
    parts = [
        instrument.number_display,
        instrument.get_kind_display(),
        instrument.title,
        instrument.summary,
    ]
    for party in Party.objects.filter(instrument=instrument).select_related("unit", "partner"):
        parts += [party.body_name, party.signatory_name]
        if party.unit is not None:
            parts += [party.unit.name, expand_unit_name(party.unit.name), party.unit.short_name]
        if party.partner is not None:
            parts += [party.partner.name, party.partner.short_name]
    for clause in Clause.objects.filter(instrument=instrument).order_by("kind", "number"):
        parts += [clause.label, clause.title, clause.text]
    folded = fold(" ".join(p for p in parts if p))
    if folded != instrument.search_folded:
        instrument.search_folded = folded
        instrument.save(update_fields=["search_folded"])


def _refresh_next_review(instrument: Instrument) -> None:
    reviews = list(instrument.reviews.values_list("held_on", "kind", "decision"))
    following = next_review(
        start=instrument.start_on,
        end=instrument.valid_to,
        schedule=instrument.review_schedule,
        reviews=reviews,
    )
    if following != instrument.next_review_on:
        instrument.next_review_on = following
        instrument.save(update_fields=["next_review_on"])


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
        duty=duty, done_on=done_on, due=duty.next_due, result=result, actor=_user(actor)
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


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def duty_delete(*, actor: Any, duty: Duty) -> None:
    instrument, title = duty.instrument, duty.title
    duty.delete()
    _audit(actor, "agreements.duty_delete", instrument, {"duty": title})


# --- reviews -------------------------------------------------------------------------------


@transaction.atomic
def review_record(*, actor: Any, instrument: Instrument, data: ReviewData) -> Review:
    """Record a sơ kết / tổng kết; the instrument's next review date follows from it."""
    errors: dict[str, str] = {}
    if data.period_to < data.period_from:
        errors["period_to"] = "Ngày cuối kỳ đánh giá phải sau ngày đầu kỳ."
    if data.held_on > timezone.localdate():
        errors["held_on"] = "Ngày tổ chức không được sau hôm nay (ghi lại khi đã tổ chức)."
    elif instrument.start_on and data.held_on < instrument.start_on:
        errors["held_on"] = (
            f"Ngày tổ chức trước ngày văn bản có hiệu lực ({short_date(instrument.start_on)})."
        )
    _raise(errors)
    review = Review(instrument=instrument, **asdict(data))
    _full_clean(review)
    review.save()
    _refresh_next_review(instrument)
    _audit(
        actor,
        "agreements.review_record",
        instrument,
        {
            "review": str(review),
            "decision": data.decision,
            "next_review_on": instrument.next_review_on,
        },
    )
    return review


# --- attachments ---------------------------------------------------------------------------


def check_attachment(upload: UploadedFile) -> str:
    """The content type of an acceptable signed scan; ValidationError otherwise."""
    return check_upload(
        upload,
        field="file",
        suffixes=ATTACHMENT_SUFFIXES,
        max_bytes=MAX_ATTACHMENT_BYTES,
        what="bản quét PDF, JPG hoặc PNG",
    )


@transaction.atomic
def attachment_add(*, actor: Any, instrument: Instrument, upload: UploadedFile) -> Attachment:
    content_type = check_attachment(upload)
    attachment = Attachment(
        instrument=instrument,
        name=(upload.name or "")[-255:],
        size=upload.size or 0,
        content_type=content_type,
        uploaded_by=_user(actor),
    )
    attachment.file.save(attachment.name, upload, save=False)
    _full_clean(attachment)
    attachment.save()
    _audit(
        actor,
        "agreements.attachment_add",
        instrument,
        {"file": attachment.name, "size": attachment.size},
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    instrument, name = attachment.instrument, attachment.name
    attachment.delete()
    delete_on_commit(attachment.file)
    _audit(actor, "agreements.attachment_delete", instrument, {"file": name})


# --- import --------------------------------------------------------------------------------


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for messages in exc.message_dict.values() for m in messages]
    return list(exc.messages)


def instruments_check(*, actor: Any, rows: Sequence[Any]) -> list[tuple[int, Instrument]]:
    """Dry run of ``instruments_import``: the same checks by reads only (no transaction, so
    it never waits for nor holds the write lock); (line, unsaved instrument) per row, or
    ImportRefused with the same "dòng N: …" messages."""
    errors = [f"dòng {row.line}: {message}" for row in rows for message in row.errors]
    checked: list[tuple[int, Instrument]] = []
    seen: dict[tuple[Any, ...], Instrument] = {}
    for row in rows:
        if row.data is None:
            continue
        try:
            instrument = instrument_check(actor=actor, data=row.data, parties=row.parties)
            key = _number_key(instrument)
            if key in seen:  # the import would meet the earlier row once it is saved
                raise ValidationError(_number_used(instrument, seen[key]))
        except ValidationError as exc:
            errors += [f"dòng {row.line}: {message}" for message in _messages(exc)]
        else:
            checked.append((row.line, instrument))
            if key is not None:
                seen[key] = instrument
    if errors:
        raise ImportRefused(errors)
    return checked


@transaction.atomic
def instruments_import(*, actor: Any, rows: Sequence[Any]) -> int:
    """Register every row (excel.ImportRow) or none: each row is checked by the same rules
    as the form; any row in error refuses the whole file with "dòng N: …" messages."""
    errors = [f"dòng {row.line}: {message}" for row in rows for message in row.errors]
    count = 0
    for row in rows:
        if row.data is None:
            continue
        try:
            with transaction.atomic():
                instrument_register(actor=actor, data=row.data, parties=row.parties)
        except ValidationError as exc:
            errors += [f"dòng {row.line}: {message}" for message in _messages(exc)]
        else:
            count += 1
    if errors:
        raise ImportRefused(errors)
    return count
