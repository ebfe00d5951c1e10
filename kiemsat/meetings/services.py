"""Every write to conferences and tasks: keyword-only, atomic, validated, audited.

Services re-check the actor's right (views have already passed the gate); a ``None``
actor is the system (the demo builder).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from kiemsat.agreements.models import Instrument
from kiemsat.audit.services import record
from kiemsat.lib.periods import Month
from kiemsat.lib.vn import fold, short_date
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.meetings.models import (
    BridgePoint,
    Conclusion,
    Conference,
    Measure,
    Participant,
    Person,
    ProgressReport,
    PublishedResult,
    Task,
    TaskStatus,
)
from kiemsat.org.access import check
from kiemsat.org.models import ClusterTerm, Partner, Role, Unit
from kiemsat.org.selectors import work_calendar

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png")


def _require(actor: Any, unit_id: int, need: Role = Role.STAFF) -> None:
    if actor is not None:
        check(actor, unit_id, write=True, need=need)


def _audit(actor: Any, action: str, obj: Any, unit_id: int, changes: dict[str, Any]) -> None:
    record(actor=actor, action=f"meetings.{action}", obj=obj, unit_id=unit_id, changes=changes)


def _ended(unit: Unit | Partner, day: date) -> bool:
    return (unit.valid_from is not None and day < unit.valid_from) or (
        unit.valid_to is not None and day > unit.valid_to
    )


def _not_valid(unit: Unit | Partner, day: date) -> str:
    end = f" (đến {short_date(unit.valid_to)})" if unit.valid_to else ""
    start = f" (từ {short_date(unit.valid_from)})" if unit.valid_from else ""
    return f"{unit.name} không hoạt động vào ngày {short_date(day)}{end or start}."


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

    if _ended(unit, day):
        add("held_on", _not_valid(unit, day))
    for other in data.co_units:
        if _ended(other, day):
            add("co_units", _not_valid(other, day))
        if other.pk == unit.pk:
            add("co_units", f"{unit.name} đã là đơn vị chủ trì.")
    for partner in data.partners:
        if _ended(partner, day):
            add("partners", _not_valid(partner, day))
    for point in data.bridge_units:
        if _ended(point, day):
            add("bridge_units", "Điểm cầu: " + _not_valid(point, day))
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
    _require(actor, unit.pk)
    conference = Conference(unit=unit, **data.scalars())
    _validate(conference, _conference_errors(unit, data))
    conference.search_folded = _search_text(conference, data)
    conference.save()
    _set_links(conference, data)
    _audit(actor, "conference_record", conference, unit.pk, _snapshot(conference, data))
    return conference


@transaction.atomic
def conference_update(*, actor: Any, conference: Conference, data: ConferenceData) -> Conference:
    _require(actor, conference.unit_id)
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
    _audit(actor, "conference_update", conference, conference.unit_id, changes)
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
    _require(actor, conference.unit_id)
    if Task.objects.filter(conclusion__conference=conference).exists():
        raise ValidationError("Hội nghị đã có nhiệm vụ được giao; không xóa được.")
    _audit(actor, "conference_delete", conference, conference.unit_id, {"title": conference.title})
    conference.delete()


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
    _require(actor, conference.unit_id)
    if person is None:
        person = person_for(name=name, title=title, organisation=organisation)
    participant = Participant(
        conference=conference, person=person, role=role, title=title.strip() or person.title
    )
    participant.full_clean()
    participant.save()
    changes = {"person": person.pk, "name": person.name, "role": role, "title": participant.title}
    _audit(actor, "participant_add", conference, conference.unit_id, changes)
    return participant


@transaction.atomic
def participant_remove(*, actor: Any, participant: Participant) -> None:
    conference = participant.conference
    _require(actor, conference.unit_id)
    changes = {"person": participant.person_id, "role": participant.role}
    participant.delete()
    _audit(actor, "participant_remove", conference, conference.unit_id, changes)


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
    _require(actor, conference.unit_id)
    result = PublishedResult(conference=conference, **data.values())
    errors = _result_errors(result)
    if data.measure not in Measure.values:
        errors["measure"] = ["Chọn loại kết quả."]
    if errors:
        raise ValidationError(errors)
    result.full_clean()
    result.save()
    changes = {k: v for k, v in data.values().items() if v not in (None, "", False)}
    _audit(actor, "result_add", conference, conference.unit_id, changes)
    return result


@transaction.atomic
def result_delete(*, actor: Any, result: PublishedResult) -> None:
    conference = result.conference
    _require(actor, conference.unit_id)
    _audit(actor, "result_delete", conference, conference.unit_id, {"result": str(result)})
    result.delete()


# --- conclusions and tasks -----------------------------------------------------------------


@transaction.atomic
def conclusion_add(*, actor: Any, conference: Conference, text: str) -> Conclusion:
    _require(actor, conference.unit_id)
    conclusion = Conclusion(conference=conference, text=text.strip())
    conclusion.full_clean()
    conclusion.save()
    _audit(actor, "conclusion_add", conclusion, conference.unit_id, {"text": conclusion.text})
    return conclusion


@dataclass
class TaskData:
    title: str
    unit: Unit
    due_on: date | None = None
    due_working_days: int | None = None
    person: str = ""
    participants: Sequence[Unit] = field(default_factory=tuple)


def task_due(held_on: date, data: TaskData, calendar: WorkCalendar) -> date | None:
    """The due date given, or N working days after the conference (its day not counted)."""
    if data.due_working_days:
        return calendar.add_working_days(held_on, data.due_working_days)
    return data.due_on


def _task_errors(conference: Conference, data: TaskData, due: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    held = conference.held_on
    if data.due_on and data.due_working_days:
        errors["due_on"] = "Nhập hạn là một ngày hoặc một số ngày làm việc, không nhập cả hai."
    elif due is None:
        errors["due_on"] = "Cần hạn hoàn thành: một ngày, hoặc số ngày làm việc kể từ hội nghị."
    elif due < held:
        errors["due_on"] = (
            f"Hạn {short_date(due)} trước ngày hội nghị {short_date(held)}: không hợp lệ."
        )
    if _ended(data.unit, held):
        errors["unit"] = _not_valid(data.unit, held)
    ended = [u for u in data.participants if _ended(u, held)]
    if ended:
        errors["participants"] = " ".join(_not_valid(u, held) for u in ended)
    return errors


@transaction.atomic
def task_add(
    *, actor: Any, conclusion: Conclusion, data: TaskData, calendar: WorkCalendar | None = None
) -> Task:
    """A task from a conclusion, for a unit, due on a date or N working days after."""
    conference = conclusion.conference
    _require(actor, conference.unit_id)
    due = task_due(conference.held_on, data, calendar or work_calendar())
    errors = _task_errors(conference, data, due)
    task = Task(
        conclusion=conclusion,
        title=data.title.strip(),
        unit=data.unit,
        person=data.person.strip(),
        due_working_days=data.due_working_days,
        due_on=due,  # type: ignore[misc]  # None only with an error, refused below
        title_folded=fold(data.title),
    )
    try:
        task.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    task.save()
    task.participants.set(data.participants)
    changes = {
        "title": task.title,
        "unit": task.unit_id,
        "due_on": task.due_on,
        "due_working_days": task.due_working_days,
        "person": task.person,
        "participants": sorted(u.pk for u in data.participants),
    }
    _audit(actor, "task_add", task, conference.unit_id, changes)
    return task


def _check_evidence(evidence: File) -> None:
    name = (evidence.name or "").lower()
    if not name.endswith(EVIDENCE_SUFFIXES):
        raise ValidationError(
            {"evidence": "Tài liệu chứng minh phải là tệp PDF, Word, Excel hoặc ảnh (JPG, PNG)."}
        )
    if (evidence.size or 0) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence": "Tài liệu chứng minh tối đa 10 MB."})


@transaction.atomic
def task_report(
    *,
    actor: Any,
    task: Task,
    status: str,
    note: str,
    reported_on: date | None = None,
    evidence: File | None = None,
) -> ProgressReport:
    """The owner unit reports progress; reporting "hoàn thành" closes the task (pending the
    organiser's confirmation) on the report's date."""
    _require(actor, task.unit_id)
    today = timezone.localdate()
    reported_on = reported_on or today
    errors: dict[str, str] = {}
    if task.status == TaskStatus.DONE:
        errors["status"] = "Nhiệm vụ đã hoàn thành; không báo cáo thêm."
    if status not in (TaskStatus.IN_PROGRESS, TaskStatus.DONE):
        errors["status"] = "Chọn tình trạng: đang thực hiện hoặc hoàn thành."
    if not note.strip():
        errors["note"] = "Cần nêu kết quả thực hiện."
    if reported_on > today:
        errors["reported_on"] = f"Ngày báo cáo {short_date(reported_on)} chưa tới."
    held = task.conclusion.conference.held_on
    if reported_on < held:
        errors["reported_on"] = f"Ngày báo cáo trước ngày hội nghị {short_date(held)}."
    if evidence is not None and "evidence" not in errors:
        try:
            _check_evidence(evidence)
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    report = ProgressReport(
        task=task, reported_on=reported_on, status=status, note=note.strip(), actor=_user(actor)
    )
    if evidence is not None:
        report.evidence.save(evidence.name or "tai-lieu", evidence, save=False)
    report.save()
    old = task.status
    task.status = status
    task.done_on = reported_on if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "done_on", "updated_at"])
    changes = {"status": [old, status], "note": report.note, "reported_on": reported_on}
    if report.evidence:
        changes["evidence"] = report.evidence.name
    _audit(actor, "task_report", task, task.unit_id, changes)
    return report


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def task_confirm(*, actor: Any, task: Task) -> Task:
    """A leader of the organising unit confirms the reported completion."""
    host = task.conclusion.conference.unit_id
    _require(actor, host, Role.LEADER)
    if task.status != TaskStatus.DONE:
        raise ValidationError("Đơn vị được giao chưa báo cáo hoàn thành.")
    if task.confirmed_on is not None:
        raise ValidationError("Nhiệm vụ đã được xác nhận hoàn thành.")
    task.confirmed_on = timezone.localdate()
    task.confirmed_by = _user(actor)
    task.save(update_fields=["confirmed_on", "confirmed_by", "updated_at"])
    _audit(actor, "task_confirm", task, host, {"confirmed_on": task.confirmed_on})
    return task


@transaction.atomic
def task_reopen(*, actor: Any, task: Task, reason: str) -> Task:
    """A leader of the organising unit sends a reported completion back (with a reason)."""
    host = task.conclusion.conference.unit_id
    _require(actor, host, Role.LEADER)
    if task.status != TaskStatus.DONE or task.confirmed_on is not None:
        raise ValidationError("Chỉ trả lại nhiệm vụ đã báo cáo hoàn thành, chưa xác nhận.")
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do trả lại."})
    task.status, task.done_on = TaskStatus.IN_PROGRESS, None
    task.save(update_fields=["status", "done_on", "updated_at"])
    _audit(actor, "task_reopen", task, host, {"reason": reason.strip()})
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    host = task.conclusion.conference.unit_id
    _require(actor, host)
    if task.reports.exists():
        raise ValidationError("Nhiệm vụ đã có báo cáo tiến độ; không xóa được.")
    _audit(actor, "task_delete", task, host, {"title": task.title, "unit": task.unit_id})
    task.delete()


def calendar_changed(*, actor: Any) -> str:
    """After an edit of the work calendar (org.plugins.CALENDAR_LISTENERS): open tasks due
    N working days after their conference follow the new calendar."""
    changed = task_dues_recompute(actor=actor)
    return f"Đã tính lại hạn nhiệm vụ sau hội nghị theo lịch mới: đổi {changed}."


@transaction.atomic
def task_dues_recompute(*, actor: Any) -> int:
    """Recompute the due dates counted in working days of the tasks not yet done."""
    calendar = work_calendar()
    rows = (
        Task.objects.select_related("conclusion__conference")
        .filter(due_working_days__isnull=False)
        .exclude(status=TaskStatus.DONE)
    )
    changed = 0
    for task in rows:
        held = task.conclusion.conference.held_on
        new_due = calendar.add_working_days(held, task.due_working_days or 1)
        if new_due == task.due_on:
            continue
        old, task.due_on = task.due_on, new_due
        task.save(update_fields=["due_on", "updated_at"])
        host = task.conclusion.conference.unit_id
        _audit(actor, "task_due_recompute", task, host, {"due_on": [old, new_due]})
        changed += 1
    return changed
