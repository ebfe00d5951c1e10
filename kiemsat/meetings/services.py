"""Every write to conferences, their people, results and conclusions: keyword-only,
atomic, validated, audited (the tasks' are in task_services).

Services re-check the actor's right (views have already passed the gate); a ``None``
actor is the system (the demo builder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from kiemsat.agreements.models import Instrument
from kiemsat.audit.services import record, user_of
from kiemsat.lib.excel import check_upload
from kiemsat.lib.periods import Month
from kiemsat.lib.uploads import delete_on_commit, upload_name
from kiemsat.lib.vn import fold, short_date
from kiemsat.meetings.models import (
    BridgePoint,
    Conclusion,
    Conference,
    ConferenceDocument,
    Measure,
    Participant,
    Person,
    PublishedResult,
    Task,
)
from kiemsat.org.access import check
from kiemsat.org.models import ClusterTerm, Partner, Role, Unit

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")


def require(actor: Any, unit_id: int, need: Role = Role.STAFF) -> None:
    if actor is not None:
        check(actor, unit_id, write=True, need=need)


def audit(actor: Any, action: str, obj: Any, unit_id: int, changes: dict[str, Any]) -> None:
    record(actor=actor, action=f"meetings.{action}", obj=obj, unit_id=unit_id, changes=changes)


def ended_on(unit: Unit | Partner, day: date) -> bool:
    return (unit.valid_from is not None and day < unit.valid_from) or (
        unit.valid_to is not None and day > unit.valid_to
    )


def not_valid(unit: Unit | Partner, day: date) -> str:
    end = f" (đến {short_date(unit.valid_to)})" if unit.valid_to else ""
    start = f" (từ {short_date(unit.valid_from)})" if unit.valid_from else ""
    return f"{unit.name} không hoạt động vào ngày {short_date(day)}{end or start}."


def check_file(upload: File, field: str) -> None:
    """A Word, Excel, PDF or image file of at most 10 MB whose content matches its name."""
    check_upload(
        upload,
        field=field,
        suffixes=FILE_SUFFIXES,
        max_bytes=MAX_FILE_BYTES,
        what="tệp PDF, Word, Excel hoặc ảnh (JPG, PNG)",
    )


# --- conferences ---------------------------------------------------------------------------


@dataclass
class ConferenceData:
    """What recording or editing a conference takes, as typed (forms, demo)."""

    kind: str
    title: str
    held_on: date
    starts_at: time | None = None
    place: str = ""
    online: bool = False
    agenda: str = ""
    reports: str = ""
    speeches: str = ""
    speech_count: int | None = None
    theme: str = ""
    breakthrough: str = ""
    summary: str = ""
    cluster_term: ClusterTerm | None = None
    work_year: int | None = None
    source: str = ""
    co_units: Sequence[Unit] = ()
    partners: Sequence[Partner] = ()
    instruments: Sequence[Instrument] = ()
    bridge_units: Sequence[Unit] = ()
    bridge_places: Sequence[str] = ()

    SCALARS = (
        "kind",
        "title",
        "held_on",
        "starts_at",
        "place",
        "online",
        "agenda",
        "reports",
        "speeches",
        "speech_count",
        "theme",
        "breakthrough",
        "summary",
        "cluster_term",
        "work_year",
        "source",
    )

    def scalars(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.SCALARS}


def _conference_errors(unit: Unit, data: ConferenceData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    day = data.held_on

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if ended_on(unit, day):
        add("held_on", not_valid(unit, day))
    for other in data.co_units:
        if ended_on(other, day):
            add("co_units", not_valid(other, day))
        if other.pk == unit.pk:
            add("co_units", f"{unit.name} đã là đơn vị chủ trì.")
    for partner in data.partners:
        if ended_on(partner, day):
            add("partners", not_valid(partner, day))
    for point in data.bridge_units:
        if ended_on(point, day):
            add("bridge_units", "Điểm cầu: " + not_valid(point, day))
    if data.online and not (data.bridge_units or data.bridge_places):
        add("bridge_units", "Hội nghị trực tuyến cần ít nhất một điểm cầu.")
    for place in data.bridge_places:
        if len(place) > 300:
            add("bridge_places", "Mỗi điểm cầu tối đa 300 ký tự.")
    return errors


def _validate(conference: Conference, errors: dict[str, list[str]]) -> None:
    try:
        conference.full_clean(exclude=["search_folded", "unit"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _search_text(conference: Conference, data: ConferenceData) -> str:
    parts = [
        conference.title,
        conference.place,
        conference.theme,
        conference.breakthrough,
        conference.unit.name,
        *(u.name for u in data.co_units),
        *(p.name for p in data.partners),
    ]
    return fold(" ".join(p for p in parts if p))


def _set_links(conference: Conference, data: ConferenceData) -> None:
    conference.co_units.set(data.co_units)
    conference.partners.set(data.partners)
    conference.instruments.set(data.instruments)
    conference.bridge_points.all().delete()
    BridgePoint.objects.bulk_create(
        [BridgePoint(conference=conference, unit=u) for u in data.bridge_units]
        + [BridgePoint(conference=conference, place=p) for p in data.bridge_places if p]
    )


def _snapshot(conference: Conference, data: ConferenceData) -> dict[str, Any]:
    values = {k: v for k, v in data.scalars().items() if v not in (None, "", False)}
    values["co_units"] = sorted(u.pk for u in data.co_units)
    values["partners"] = sorted(p.pk for p in data.partners)
    values["instruments"] = sorted(i.pk for i in data.instruments)
    values["bridge_points"] = [u.pk for u in data.bridge_units] + list(data.bridge_places)
    return values


@transaction.atomic
def conference_record(*, actor: Any, unit: Unit, data: ConferenceData) -> Conference:
    """Record a conference hosted by ``unit``."""
    require(actor, unit.pk)
    conference = Conference(unit=unit, **data.scalars())
    _validate(conference, _conference_errors(unit, data))
    conference.search_folded = _search_text(conference, data)
    conference.save()
    _set_links(conference, data)
    audit(actor, "conference_record", conference, unit.pk, _snapshot(conference, data))
    return conference


@transaction.atomic
def conference_update(*, actor: Any, conference: Conference, data: ConferenceData) -> Conference:
    require(actor, conference.unit_id)
    before = _snapshot(conference, _data_of(conference))
    for name, value in data.scalars().items():
        setattr(conference, name, value)
    _validate(conference, _conference_errors(conference.unit, data))
    _tasks_after(conference)
    conference.search_folded = _search_text(conference, data)
    conference.save()
    _set_links(conference, data)
    after = _snapshot(conference, data)
    changes = {
        k: [before.get(k), after.get(k)] for k in before | after if before.get(k) != after.get(k)
    }
    audit(actor, "conference_update", conference, conference.unit_id, changes)
    return conference


def _tasks_after(conference: Conference) -> None:
    early = Task.objects.filter(conclusion__conference=conference, due_on__lt=conference.held_on)
    if early.exists():
        raise ValidationError(
            {"held_on": "Có nhiệm vụ có hạn trước ngày hội nghị mới; sửa hạn nhiệm vụ trước."}
        )


def _data_of(conference: Conference) -> ConferenceData:
    points = list(conference.bridge_points.all())
    return ConferenceData(
        **conference_values(conference),
        co_units=list(conference.co_units.all()),
        partners=list(conference.partners.all()),
        instruments=list(conference.instruments.all()),
        bridge_units=[p.unit for p in points if p.unit],
        bridge_places=[p.place for p in points if not p.unit],
    )


def conference_values(conference: Conference) -> dict[str, Any]:
    return {name: getattr(conference, name) for name in ConferenceData.SCALARS}


@transaction.atomic
def conference_delete(*, actor: Any, conference: Conference) -> None:
    require(actor, conference.unit_id)
    if Task.objects.filter(conclusion__conference=conference).exists():
        raise ValidationError("Hội nghị đã có nhiệm vụ được giao; không xóa được.")
    audit(actor, "conference_delete", conference, conference.unit_id, {"title": conference.title})
    conference.delete()


# --- documents attached ------------------------------------------------------------------


@transaction.atomic
def document_attach(
    *, actor: Any, conference: Conference, title: str, upload: File
) -> ConferenceDocument:
    """A report presented, a speech, a decision: kept with the conference, served gated."""
    require(actor, conference.unit_id)
    check_file(upload, "file")
    name = upload_name(upload, max_length=200, default="tai-lieu")
    document = ConferenceDocument(
        conference=conference,
        title=title.strip() or name,
        name=name,
        uploaded_by=user_of(actor),
    )
    document.file.save(name, upload, save=False)
    document.full_clean()
    document.save()
    changes = {"title": document.title, "file": name}
    audit(actor, "document_attach", conference, conference.unit_id, changes)
    return document


@transaction.atomic
def document_delete(*, actor: Any, document: ConferenceDocument) -> None:
    conference = document.conference
    require(actor, conference.unit_id)
    changes = {"title": document.title, "file": document.name}
    document.delete()
    delete_on_commit(document.file)
    audit(actor, "document_delete", conference, conference.unit_id, changes)


# --- people --------------------------------------------------------------------------------


def person_for(*, name: str, title: str = "", organisation: str = "") -> Person:
    """The person with that name, title and organisation, created once (reused after)."""
    name, title, organisation = name.strip(), title.strip(), organisation.strip()
    if not name:
        raise ValidationError({"name": "Cần nhập họ và tên."})
    person, _ = Person.objects.get_or_create(
        name=name,
        title=title,
        organisation=organisation,
        defaults={"name_folded": fold(name)},
    )
    return person


@transaction.atomic
def participant_add(
    *,
    actor: Any,
    conference: Conference,
    role: str,
    name: str = "",
    title: str = "",
    organisation: str = "",
    person: Person | None = None,
) -> Participant:
    require(actor, conference.unit_id)
    if person is None:
        person = person_for(name=name, title=title, organisation=organisation)
    participant = Participant(
        conference=conference, person=person, role=role, title=title.strip() or person.title
    )
    participant.full_clean()
    participant.save()
    changes = {"person": person.pk, "name": person.name, "role": role, "title": participant.title}
    audit(actor, "participant_add", conference, conference.unit_id, changes)
    return participant


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    conference = participant.conference
    require(actor, conference.unit_id)
    changes = {"person": participant.person_id, "role": participant.role}
    participant.delete()
    audit(actor, "participant_remove", conference, conference.unit_id, changes)


# --- published results ---------------------------------------------------------------------


@dataclass
class ResultData:
    measure: str
    part: int
    whole: int | None
    printed_percent: Decimal | None = None
    subject_unit: Unit | None = None
    subject_cluster: ClusterTerm | None = None
    with_subordinates: bool = False
    period_from: str = ""
    period_to: str = ""
    note: str = ""

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _result_errors(result: PublishedResult) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if result.whole is not None and result.part is not None and result.part > result.whole:
        errors["part"] = [f"Số đạt ({result.part}) không được lớn hơn tổng số ({result.whole})."]
    if result.whole == 0:
        errors["whole"] = ["Tổng số phải từ 1 trở lên."]
    if result.whole is None and result.printed_percent is not None:
        errors["whole"] = ["Cần tổng số để kiểm tra tỷ lệ công bố."]
    if result.subject_unit and result.subject_cluster:
        errors["subject_cluster"] = ["Chọn một đơn vị hoặc một cụm thi đua, không chọn cả hai."]
    months = [result.period_from, result.period_to]
    for name, text in zip(("period_from", "period_to"), months, strict=True):
        if text:
            try:
                Month.parse(text)
            except ValueError:
                errors[name] = ["Tháng dạng YYYY-MM, ví dụ 2020-11."]
    if bool(result.period_from) != bool(result.period_to):
        errors["period_to"] = ["Cần cả tháng đầu và tháng cuối của kỳ."]
    return errors


@transaction.atomic
def result_add(*, actor: Any, conference: Conference, data: ResultData) -> PublishedResult:
    """Record a result as announced; the check of the printed percentage is computed."""
    require(actor, conference.unit_id)
    result = PublishedResult(conference=conference, **data.values())
    errors = _result_errors(result)
    if data.measure not in Measure.values:
        errors["measure"] = ["Chọn loại kết quả."]
    if errors:
        raise ValidationError(errors)
    result.full_clean()
    result.save()
    changes = {k: v for k, v in data.values().items() if v not in (None, "", False)}
    audit(actor, "result_add", conference, conference.unit_id, changes)
    return result


@transaction.atomic
def result_delete(*, actor: Any, result: PublishedResult) -> None:
    conference = result.conference
    require(actor, conference.unit_id)
    audit(actor, "result_delete", conference, conference.unit_id, {"result": str(result)})
    result.delete()


# --- conclusions ---------------------------------------------------------------------------


@transaction.atomic
def conclusion_add(*, actor: Any, conference: Conference, text: str) -> Conclusion:
    require(actor, conference.unit_id)
    conclusion = Conclusion(conference=conference, text=text.strip())
    conclusion.full_clean()
    conclusion.save()
    audit(actor, "conclusion_add", conclusion, conference.unit_id, {"text": conclusion.text})
    return conclusion
