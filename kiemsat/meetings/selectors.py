"""Scoped reads of conferences and their tasks: the gates, lists with filters, reminders.

A user reads a conference when they can read its host unit or a co-organising unit, or a
unit that was given one of its tasks (partners and bridge points give no access). They
change it with the staff role on the host unit. A task is read by whoever reads its
conference or its owner or participating units; its owner unit's staff report on it; a
leader of the host unit confirms it done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from kiemsat.indicators.evaluation import evaluate_cluster, evaluate_unit
from kiemsat.lib.periods import Month, MonthRange
from kiemsat.lib.search import match_q, rank
from kiemsat.lib.workdays import SOON_WORKING_DAYS, WorkCalendar
from kiemsat.meetings.models import (
    Conclusion,
    Conference,
    Measure,
    Participant,
    ProgressReport,
    PublishedResult,
    Task,
    TaskStatus,
)
from kiemsat.org.access import access_for
from kiemsat.org.models import Role
from kiemsat.org.selectors import readable_clusters

OVERDUE = "qua_han"


class State(StrEnum):
    """Where a task stands on a given day (what lists and badges show)."""

    NOT_STARTED = "chua_thuc_hien"
    IN_PROGRESS = "dang_thuc_hien"
    DUE_TODAY = "den_han_hom_nay"
    OVERDUE = "qua_han"
    AWAITING = "cho_xac_nhan"
    DONE = "hoan_thanh"
    DONE_LATE = "hoan_thanh_qua_han"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.NOT_STARTED: "Chưa thực hiện",
    State.IN_PROGRESS: "Đang thực hiện",
    State.DUE_TODAY: "Đến hạn hôm nay",
    State.OVERDUE: "Quá hạn",
    State.AWAITING: "Hoàn thành, chờ xác nhận",
    State.DONE: "Hoàn thành",
    State.DONE_LATE: "Hoàn thành quá hạn",
}


def state_of(task: Task, today: date) -> State:
    if task.status == TaskStatus.DONE:
        if task.confirmed_on is None:
            return State.AWAITING
        return State.DONE_LATE if task.late else State.DONE
    if task.due_on < today:
        return State.OVERDUE
    if task.due_on == today:
        return State.DUE_TODAY
    return State(task.status)


def soon_limit(today: date, calendar: WorkCalendar) -> date:
    return calendar.add_working_days(today, SOON_WORKING_DAYS)


# --- conferences ---------------------------------------------------------------------------


def _task_unit_conferences(ids: set[int]) -> QuerySet[Task, Any]:
    return Task.objects.filter(Q(unit_id__in=ids) | Q(participants__in=ids)).values(
        "conclusion__conference_id"
    )


def visible_conferences(user: Any) -> QuerySet[Conference]:
    access = access_for(user)
    qs = Conference.objects.select_related("unit", "cluster_term__cluster")
    if access.sector_admin:
        return qs
    ids = access.unit_ids()
    organised = Conference.objects.filter(Q(unit_id__in=ids) | Q(co_units__in=ids)).values("pk")
    return qs.filter(Q(pk__in=organised) | Q(pk__in=_task_unit_conferences(ids)))


def can_read_conference(user: Any, conference: Conference) -> bool:
    if organised_by_readable(user, conference):
        return True
    ids = access_for(user).unit_ids()
    return _task_unit_conferences(ids).filter(conclusion__conference=conference).exists()


def get_conference_for_user(user: Any, pk: int, *, write: bool = False) -> Conference:
    """The gate: 404 outside the user's units, 403 when they may read but not change it."""
    conference = Conference.objects.select_related("unit", "cluster_term__cluster").filter(pk=pk)
    found = conference.first()
    if found is None or not can_read_conference(user, found):
        raise Http404("Không tìm thấy hội nghị.")
    if write and not can_write(user, found):
        raise PermissionDenied("Bạn không có quyền thay đổi hội nghị của đơn vị này.")
    return found


def can_write(user: Any, conference: Conference) -> bool:
    return access_for(user).has(conference.unit_id, Role.STAFF)


def organised_by_readable(user: Any, conference: Conference) -> bool:
    """The user reads the host or a co-organising unit (not only one of its tasks)."""
    access = access_for(user)
    if access.can_read(conference.unit_id):
        return True
    return conference.co_units.filter(pk__in=access.unit_ids()).exists()


def conference_detail(conference: Conference, user: Any = None) -> dict[str, Any]:
    """Everything the page shows, prefetched. With a ``user`` who reads the conference only
    through a task of theirs, the other units' tasks are left out."""
    tasks = Task.objects.select_related("unit").prefetch_related("participants")
    if user is not None and not organised_by_readable(user, conference):
        tasks = tasks.filter(pk__in=visible_tasks(user).values("pk"))
    conclusions = conference.conclusions.prefetch_related(Prefetch("tasks", queryset=tasks))
    return {
        "co_units": list(conference.co_units.order_by("name_folded")),
        "partners": list(conference.partners.order_by("name_folded")),
        "bridge_points": list(conference.bridge_points.select_related("unit")),
        "participants": list(
            Participant.objects.filter(conference=conference).select_related("person")
        ),
        "results": list(
            conference.results.select_related("subject_unit", "subject_cluster__cluster")
        ),
        "conclusions": list(conclusions),
        "instruments": list(conference.instruments.order_by("-signed_on")),
        "documents": list(conference.documents.all()),
    }


@dataclass
class ConferenceFilters:
    q: str = ""
    kind: str = ""
    unit_id: int | None = None
    start: Month | None = None
    end: Month | None = None


def search_conferences(user: Any, query: str) -> QuerySet[Conference]:
    """Conferences the user may read holding every word of ``query`` (title, place, theme,
    units and partners); titles that begin with the query first."""
    return (
        visible_conferences(user)
        .filter(match_q(query, folded=["search_folded"]))
        .annotate(search_rank=rank(query, name="search_folded"))
        .order_by("search_rank", "-held_on", "-pk")
    )


def filter_conferences(qs: QuerySet[Conference], f: ConferenceFilters) -> QuerySet[Conference]:
    if f.q:
        qs = qs.filter(match_q(f.q, folded=["search_folded"]))
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.unit_id:
        qs = qs.filter(Q(unit_id=f.unit_id) | Q(co_units=f.unit_id)).distinct()
    if f.start:
        qs = qs.filter(held_on__gte=f.start.first_day())
    if f.end:
        qs = qs.filter(held_on__lte=f.end.last_day())
    return qs.order_by("-held_on", "-pk")


# --- tasks ---------------------------------------------------------------------------------


def _tasks() -> QuerySet[Task]:
    return Task.objects.select_related(
        "unit", "conclusion", "conclusion__conference", "conclusion__conference__unit"
    ).prefetch_related("participants")


def visible_tasks(user: Any) -> QuerySet[Task]:
    access = access_for(user)
    qs = _tasks()
    if access.sector_admin:
        return qs.order_by("due_on", "pk")
    ids = access.unit_ids()
    organised = Conference.objects.filter(Q(unit_id__in=ids) | Q(co_units__in=ids)).values("pk")
    mine = Task.objects.filter(Q(unit_id__in=ids) | Q(participants__in=ids)).values("pk")
    return qs.filter(Q(pk__in=mine) | Q(conclusion__conference_id__in=organised)).order_by(
        "due_on", "pk"
    )


def get_task_for_user(
    user: Any, pk: int, *, write: bool = False, organiser: Role | None = None
) -> Task:
    """The gate: 404 outside the user's units. ``write``: the owner unit's staff (reports);
    ``organiser``: that role on the conference's host unit (edit: staff, confirm: leader)."""
    task = _tasks().filter(pk=pk, pk__in=visible_tasks(user).values("pk")).first()
    if task is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    access = access_for(user)
    if write and not access.has(task.unit_id, Role.STAFF):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được giao mới báo cáo nhiệm vụ này.")
    host = task.conclusion.conference.unit_id
    if organiser is not None and not access.has(host, organiser):
        raise PermissionDenied(
            "Chỉ lãnh đạo đơn vị chủ trì hội nghị mới xác nhận hoàn thành."
            if organiser == Role.LEADER
            else "Bạn không có quyền thay đổi nhiệm vụ của hội nghị này."
        )
    return task


def conclusion_of(conference: Conference, pk: int) -> Conclusion:
    """A conclusion of a conference already through its gate."""
    found = conference.conclusions.filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy kết luận.")
    return found


def task_permissions(user: Any, task: Task) -> dict[str, bool]:
    access = access_for(user)
    host = task.conclusion.conference.unit_id
    open_ = task.status != TaskStatus.DONE
    return {
        "can_report": open_ and access.has(task.unit_id, Role.STAFF),
        "can_confirm": task.status == TaskStatus.DONE
        and task.confirmed_on is None
        and access.has(host, Role.LEADER),
    }


def task_reports(task: Task) -> QuerySet[ProgressReport]:
    return task.reports.select_related("actor")


@dataclass
class TaskFilters:
    q: str = ""
    status: str = ""
    overdue: bool = False
    unit_id: int | None = None
    due_from: date | None = None
    due_to: date | None = None


def filter_tasks(qs: QuerySet[Task], f: TaskFilters, *, today: date) -> QuerySet[Task]:
    if f.q:
        qs = qs.filter(match_q(f.q, folded=["title_folded"]))
    if f.status == OVERDUE or f.overdue:
        qs = qs.filter(due_on__lt=today).exclude(status=TaskStatus.DONE)
    if f.status and f.status != OVERDUE:
        qs = qs.filter(status=f.status)
    if f.unit_id:
        qs = qs.filter(Q(unit_id=f.unit_id) | Q(participants=f.unit_id)).distinct()
    if f.due_from:
        qs = qs.filter(due_on__gte=f.due_from)
    if f.due_to:
        qs = qs.filter(due_on__lte=f.due_to)
    return qs


def with_state(rows: list[Task], today: date) -> list[Task]:
    for task in rows:
        task.state = state_of(task, today)  # type: ignore[attr-defined]
    return rows


def tasks_due_by(limit: date) -> QuerySet[Task]:
    """Open tasks due on or before ``limit`` (the reminder window, overdue included)."""
    return _tasks().exclude(status=TaskStatus.DONE).filter(due_on__lte=limit).order_by("due_on")


def tasks_awaiting_confirmation() -> QuerySet[Task]:
    return _tasks().filter(status=TaskStatus.DONE, confirmed_on__isnull=True)


def open_tasks(user: Any) -> QuerySet[Task]:
    """Open tasks given to the user's units (their units, below, and taken over)."""
    ids = access_for(user).unit_ids()
    return (
        Task.objects.select_related("unit", "conclusion__conference")
        .filter(unit_id__in=ids)
        .exclude(status=TaskStatus.DONE)
    )


def completions_to_confirm(user: Any) -> QuerySet[Task]:
    """Tasks reported done that a leader of the organising unit has yet to confirm."""
    ids = access_for(user).unit_ids(Role.LEADER)
    return tasks_awaiting_confirmation().filter(conclusion__conference__unit_id__in=ids)


# --- published results beside kiemsat's own ----------------------------------------------


def own_result(user: Any, result: PublishedResult) -> str:
    """kiemsat's evaluation of the result's unit or cluster over its period, in the same
    words ("127/129 chỉ tiêu đạt (98,4%)"); "" when kiemsat holds no figures for it or the
    user may not read that unit or cluster."""
    if not (result.period_from and result.period_to):
        return ""
    months = MonthRange.parse(result.period_from, result.period_to)
    if result.subject_unit is not None:
        if not access_for(user).can_read(result.subject_unit_id):
            return ""
        table = evaluate_unit(
            result.subject_unit, months, with_subordinates=result.with_subordinates
        )
    elif result.subject_cluster is not None:
        term = result.subject_cluster
        if not readable_clusters(user).filter(pk=term.cluster_id).exists():
            return ""
        table = evaluate_cluster(
            term.cluster, term, months, with_subordinates=result.with_subordinates
        ).group
    else:
        return ""
    summary = table.summary
    if summary.arising == 0:
        return ""
    return summary.met_line() if result.measure == Measure.MET else summary.exceeded_line()


# --- the calendar --------------------------------------------------------------------------

FEED_PAST_DAYS = 90


def conferences_between(user: Any, start: date, end: date) -> QuerySet[Conference]:
    return (
        visible_conferences(user)
        .filter(held_on__gte=start, held_on__lte=end)
        .order_by("held_on", "starts_at", "pk")
    )


def tasks_due_between(user: Any, start: date, end: date) -> QuerySet[Task]:
    """Open tasks of the user's units (owner or taking part) due in the range."""
    ids = access_for(user).unit_ids()
    mine = Task.objects.filter(Q(unit_id__in=ids) | Q(participants__in=ids)).values("pk")
    return (
        _tasks()
        .filter(pk__in=mine, due_on__gte=start, due_on__lte=end)
        .exclude(status=TaskStatus.DONE)
        .order_by("due_on", "pk")
    )


def feed_items(user: Any, today: date) -> tuple[QuerySet[Conference], QuerySet[Task]]:
    """What the user's calendar feed carries: conferences from three months back on, and
    their units' open tasks."""
    start = today - timedelta(days=FEED_PAST_DAYS)
    far = date(today.year + 5, 12, 31)
    return conferences_between(user, start, far), tasks_due_between(user, start, far)
