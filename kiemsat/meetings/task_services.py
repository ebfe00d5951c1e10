"""Every write to the tasks conclusions give: keyword-only, atomic, validated, audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from kiemsat.audit.services import user_of
from kiemsat.lib.vn import fold, short_date
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.meetings.models import Conclusion, Conference, ProgressReport, Task, TaskStatus
from kiemsat.meetings.services import (
    audit,
    check_file,
    ended_on,
    not_valid,
    require,
)
from kiemsat.org.models import Role, Unit
from kiemsat.org.selectors import work_calendar


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
    if ended_on(data.unit, held):
        errors["unit"] = not_valid(data.unit, held)
    ended = [u for u in data.participants if ended_on(u, held)]
    if ended:
        errors["participants"] = " ".join(not_valid(u, held) for u in ended)
    return errors


@transaction.atomic
def task_add(
    *, actor: Any, conclusion: Conclusion, data: TaskData, calendar: WorkCalendar | None = None
) -> Task:
    """A task from a conclusion, for a unit, due on a date or N working days after."""
    conference = conclusion.conference
    require(actor, conference.unit_id)
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
    audit(actor, "task_add", task, conference.unit_id, changes)
    return task


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
    require(actor, task.unit_id)
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
            check_file(evidence, "evidence")
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    report = ProgressReport(
        task=task,
        reported_on=reported_on,
        status=status,
        note=note.strip(),
        actor=user_of(actor),
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
    audit(actor, "task_report", task, task.unit_id, changes)
    return report


@transaction.atomic
def task_confirm(*, actor: Any, task: Task) -> Task:
    """A leader of the organising unit confirms the reported completion."""
    host = task.conclusion.conference.unit_id
    require(actor, host, Role.LEADER)
    if task.status != TaskStatus.DONE:
        raise ValidationError("Đơn vị được giao chưa báo cáo hoàn thành.")
    if task.confirmed_on is not None:
        raise ValidationError("Nhiệm vụ đã được xác nhận hoàn thành.")
    task.confirmed_on = timezone.localdate()
    task.confirmed_by = user_of(actor)
    task.save(update_fields=["confirmed_on", "confirmed_by", "updated_at"])
    audit(actor, "task_confirm", task, host, {"confirmed_on": task.confirmed_on})
    return task


@transaction.atomic
def task_reopen(*, actor: Any, task: Task, reason: str) -> Task:
    """A leader of the organising unit sends a reported completion back (with a reason)."""
    host = task.conclusion.conference.unit_id
    require(actor, host, Role.LEADER)
    if task.status != TaskStatus.DONE or task.confirmed_on is not None:
        raise ValidationError("Chỉ trả lại nhiệm vụ đã báo cáo hoàn thành, chưa xác nhận.")
    if not reason.strip():
        raise ValidationError({"reason": "Cần nêu lý do trả lại."})
    task.status, task.done_on = TaskStatus.IN_PROGRESS, None
    task.save(update_fields=["status", "done_on", "updated_at"])
    audit(actor, "task_reopen", task, host, {"reason": reason.strip()})
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    host = task.conclusion.conference.unit_id
    require(actor, host)
    if task.reports.exists():
        raise ValidationError("Nhiệm vụ đã có báo cáo tiến độ; không xóa được.")
    audit(actor, "task_delete", task, host, {"title": task.title, "unit": task.unit_id})
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
        audit(actor, "task_due_recompute", task, host, {"due_on": [old, new_due]})
        changed += 1
    return changed
