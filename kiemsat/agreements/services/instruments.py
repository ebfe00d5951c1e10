"""Register and correct an instrument, keep its derived columns, attach its signed scans;
the checks and the audit every agreements service shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kiemsat.agreements.models import Attachment, Clause, Instrument, Party, ReviewSchedule
from kiemsat.agreements.schedule import next_review
from kiemsat.audit.services import diff, record, user_of
from kiemsat.documents.nd30 import expand_unit_name
from kiemsat.lib.excel import check_upload
from kiemsat.lib.uploads import delete_on_commit, upload_name
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
    return {} if clash is None else number_used(instrument, clash)


def number_key(instrument: Instrument) -> tuple[Any, ...] | None:
    """What no two instruments may share: the owner's number and symbol within a year."""
    if instrument.number is None:
        return None
    return (instrument.owner_unit_id, instrument.year, instrument.number, instrument.symbol)


def number_used(instrument: Instrument, clash: Instrument) -> dict[str, str]:
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
        name=upload_name(upload, max_length=255),
        size=upload.size or 0,
        content_type=content_type,
        uploaded_by=user_of(actor),
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
