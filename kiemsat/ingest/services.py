"""Every write of the press desk: keyword-only, atomic, validated before saving, audited.

Reading an article writes only the article (a draft with the facts found); its records are
made when the unit confirms the corrected facts, through the agreements services, and are
linked back to the article. A ``None`` actor is the system (the demo builder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from kiemsat.agreements.services.instruments import InstrumentData, PartyData, instrument_register
from kiemsat.audit.services import record, user_of
from kiemsat.ingest.extraction import extract
from kiemsat.ingest.extraction.text import parse
from kiemsat.ingest.models import Action, Article, ArticleStatus, PressItem
from kiemsat.lib.vn import fold, short_date
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.access import check
from kiemsat.org.models import Partner, Role, Unit
from kiemsat.org.selectors import work_calendar
from kiemsat.org.services import partner_register


def _require_write(actor: Any, unit_id: int) -> None:
    if actor is not None:
        check(actor, unit_id, write=True, need=Role.STAFF)


def _audit(actor: Any, action: str, obj: Article | PressItem, changes: dict[str, Any]) -> None:
    record(actor=actor, action=action, obj=obj, unit_id=obj.unit_id, changes=changes)


# --- articles ------------------------------------------------------------------------------


@transaction.atomic
def article_upload(
    *,
    actor: Any,
    unit: Unit,
    text: str,
    file_name: str = "",
    content: bytes = b"",
    source_url: str = "",
    outlet: str = "",
) -> Article:
    """Keep an article read from a file or pasted, with the facts found in it (a draft)."""
    _require_write(actor, unit.pk)
    if not text.strip():
        raise ValidationError({"text": "Chưa có nội dung tin bài: dán văn bản hoặc chọn tệp."})
    facts = extract(text).as_json()
    facts["source_url"] = source_url or None
    article = Article(
        unit=unit,
        headline=parse(text).headline[:500],
        text=text,
        file_name=file_name[:255],
        source_url=source_url,
        outlet=outlet.strip(),
        facts=facts,
        uploaded_by=user_of(actor),
    )
    article.full_clean(exclude=["file"])
    if content:
        article.file.save(file_name or "tin-bai.txt", ContentFile(content), save=False)
    article.save()
    changes = {"headline": article.headline, "file_name": file_name, "source_url": source_url}
    _audit(actor, "ingest.article_upload", article, changes)
    return article


@dataclass
class PartyDraft:
    """One organisation of the article as the reader settled it."""

    name: str
    unit: Unit | None = None
    partner: Partner | None = None
    new_partner_kind: str = ""  # set: add the organisation to the catalogue of partners
    signatory_name: str = ""
    signatory_title: str = ""
    is_host: bool = False


@dataclass
class Confirmation:
    """The corrected facts, and the draft instrument to make of them (None: no record)."""

    facts: dict[str, Any]
    instrument: InstrumentData | None = None
    parties: Sequence[PartyDraft] = field(default_factory=list)


def _require_draft(article: Article) -> None:
    if article.status != ArticleStatus.DRAFT:
        raise ValidationError(f"Tin bài đã {article.get_status_display().lower()}; không sửa nữa.")


def _party(actor: Any, draft: PartyDraft) -> PartyData | None:
    partner = draft.partner
    if draft.unit is None and partner is None and draft.new_partner_kind:
        existing = Partner.objects.filter(name_folded=fold(draft.name)).first()
        partner = existing or partner_register(
            actor=actor, name=draft.name, kind=draft.new_partner_kind
        )
    if draft.unit is None and partner is None:
        return None  # left out by the reader
    unit_name = draft.unit.name if draft.unit is not None else partner.name  # type: ignore[union-attr]
    return PartyData(
        unit=draft.unit,
        partner=None if draft.unit is not None else partner,
        body_name=draft.name if fold(draft.name) != fold(unit_name) else "",
        signatory_name=draft.signatory_name,
        signatory_title=draft.signatory_title,
        is_host=draft.is_host,
    )


@transaction.atomic
def article_confirm(*, actor: Any, article: Article, confirmation: Confirmation) -> Article:
    """Confirm the facts; make the draft instrument with its parties and signatories."""
    _require_write(actor, article.unit_id)
    _require_draft(article)
    instrument = None
    if confirmation.instrument is not None:
        parties = [p for d in confirmation.parties if (p := _party(actor, d)) is not None]
        instrument = instrument_register(actor=actor, data=confirmation.instrument, parties=parties)
    article.facts = confirmation.facts
    article.status = ArticleStatus.CONFIRMED
    article.instrument = instrument
    article.decided_at = timezone.now()
    article.full_clean(exclude=["file"])
    article.save(update_fields=["facts", "status", "instrument", "decided_at"])
    changes = {"facts": confirmation.facts, "instrument": instrument.pk if instrument else None}
    _audit(actor, "ingest.article_confirm", article, changes)
    return article


@transaction.atomic
def article_discard(*, actor: Any, article: Article) -> Article:
    """Set a draft aside: nothing was made from it, and nothing will be."""
    _require_write(actor, article.unit_id)
    _require_draft(article)
    article.status = ArticleStatus.DISCARDED
    article.decided_at = timezone.now()
    article.save(update_fields=["status", "decided_at"])
    _audit(actor, "ingest.article_discard", article, {"status": [ArticleStatus.DRAFT, "discarded"]})
    return article


# --- the information register --------------------------------------------------------------

PRESS_FIELDS = (
    "kind",
    "subject",
    "outlet",
    "link",
    "source_on",
    "article",
    "sensitivity",
    "responsible_unit",
    "responsible_person",
    "received_on",
    "working_days",
)
DONE_FIELDS = ("action", "done_on", "done_link", "done_note")


@dataclass
class PressData:
    kind: str
    subject: str
    responsible_unit: Unit
    received_on: date
    working_days: int
    sensitivity: str = "normal"
    outlet: str = ""
    link: str = ""
    source_on: date | None = None
    article: Article | None = None
    responsible_person: str = ""

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PRESS_FIELDS}


def _snapshot(item: PressItem) -> dict[str, Any]:
    fks = ("article", "responsible_unit")
    names = (*PRESS_FIELDS, "due_on", *DONE_FIELDS)
    return {n: getattr(item, f"{n}_id" if n in fks else n) for n in names}


def _validate(item: PressItem, calendar: WorkCalendar, today: date) -> None:
    """Derived columns first (the due date in working days), then every problem at once."""
    item.subject_folded = fold(item.subject or "")
    if item.received_on and item.working_days and item.working_days >= 1:
        item.due_on = calendar.add_working_days(item.received_on, item.working_days)
    errors: dict[str, list[str]] = {}
    try:
        item.full_clean(exclude=["subject_folded", "due_on"], validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for name, message in _checks(item, today).items():
        errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _checks(item: PressItem, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, label in (("received_on", "Ngày nhận"), ("done_on", "Ngày xử lý")):
        value = getattr(item, name)
        if value is not None and value > today:
            errors[name] = f"{label} {short_date(value)} chưa tới (hôm nay {short_date(today)})."
    if item.done_on and item.received_on and item.done_on < item.received_on:
        errors["done_on"] = f"Ngày xử lý trước ngày nhận ({short_date(item.received_on)})."
    if (item.done_on is None) != (not item.action):
        key = "action" if item.done_on else "done_on"
        errors[key] = "Việc đã làm và ngày xử lý phải được nhập cùng nhau."
    if item.article_id and item.article is not None and item.article.unit_id != item.unit_id:
        errors["article"] = "Tin bài này thuộc đơn vị khác."
    if item.unit_id and item.responsible_unit_id:
        responsible = item.responsible_unit
        if item.received_on and not responsible.is_valid_on(item.received_on):
            errors["responsible_unit"] = (
                f"{responsible.name} không hoạt động vào ngày {short_date(item.received_on)}."
            )
    return errors


def _scope(actor: Any, item: PressItem) -> None:
    """The responsible unit is one the author may read (their unit or one below)."""
    if actor is not None:
        try:
            check(actor, item.responsible_unit_id)
        except Http404:
            raise ValidationError(
                {"responsible_unit": "Đơn vị chủ trì ngoài phạm vi đơn vị của bạn."}
            ) from None


@transaction.atomic
def press_item_register(
    *, actor: Any, unit: Unit, data: PressData, calendar: WorkCalendar | None = None
) -> PressItem:
    """Enter an item the procuracy must provide or answer; its due date follows."""
    _require_write(actor, unit.pk)
    item = PressItem(unit=unit, **data.values())
    _scope(actor, item)
    _validate(item, calendar or work_calendar(), timezone.localdate())
    item.save()
    changes = {k: v for k, v in _snapshot(item).items() if v not in (None, "")}
    _audit(actor, "ingest.press_item_register", item, changes)
    return item


def _apply(actor: Any, action: str, item: PressItem, values: dict[str, Any]) -> bool:
    before = _snapshot(item)
    for name, value in values.items():
        setattr(item, name, value)
    _scope(actor, item)
    _validate(item, work_calendar(), timezone.localdate())
    after = _snapshot(item)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changes:
        return False
    item.save(update_fields=[*values, "subject_folded", "due_on", "updated_at"])
    _audit(actor, action, item, changes)
    return True


@transaction.atomic
def press_item_update(*, actor: Any, item: PressItem, data: PressData) -> bool:
    """Correct the entry; the due date follows. True if anything changed."""
    _require_write(actor, item.unit_id)
    return _apply(actor, "ingest.press_item_update", item, data.values())


@transaction.atomic
def press_item_done(
    *, actor: Any, item: PressItem, action: str, done_on: date, link: str = "", note: str = ""
) -> PressItem:
    """Record what was done: information provided, rebuttal or article published."""
    _require_write(actor, item.unit_id)
    if action not in Action.values or not action:
        raise ValidationError({"action": "Chọn việc đã làm."})
    values = {"action": action, "done_on": done_on, "done_link": link.strip(), "done_note": note}
    _apply(actor, "ingest.press_item_done", item, values)
    return item
