"""Read-only API of conferences and follow-up tasks, scoped to the user's units."""

from datetime import date, time
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from kiemsat.lib.api import (
    IsoDate,
    LazyPage,
    Pagination,
    bad_filter,
    choice_filter,
    ordered_filter,
    period_filter,
    responses,
)
from kiemsat.meetings import selectors
from kiemsat.meetings.models import Conference, Kind, Task, TaskStatus
from kiemsat.org.selectors import visible_unit_by_code

router = Router(tags=["Hội nghị"])


class TaskOut(Schema):
    id: int
    conference_id: int
    conclusion: str
    title: str
    unit_code: str
    unit_name: str
    person: str
    participant_codes: list[str]
    due_on: date
    due_working_days: int | None
    status: str
    status_label: str
    overdue: bool
    done_on: date | None
    confirmed_on: date | None


class ResultOut(Schema):
    measure: str
    part: int
    whole: int | None
    printed_percent: Decimal | None
    computed_percent: Decimal | None
    printed_wrong: bool


class ConferenceOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    unit_code: str
    unit_name: str
    held_on: date
    starts_at: time | None
    place: str
    online: bool
    theme: str
    breakthrough: str


class ConferenceDetailOut(ConferenceOut):
    co_unit_codes: list[str]
    partner_codes: list[str]
    bridge_points: list[str]
    participants: list[dict[str, str]]
    results: list[ResultOut]
    conclusions: list[str]
    tasks: list[TaskOut]


class ConferenceQuery(Schema):
    kind: str | None = None
    unit: str | None = None
    period: str | None = None
    q: str | None = None


class TaskQuery(Schema):
    status: str | None = None
    overdue: bool | None = None
    unit: str | None = None
    due_from: IsoDate | None = None
    due_to: IsoDate | None = None


def _unit_pk(user: Any, code: str) -> int:
    with bad_filter():
        return int(visible_unit_by_code(user, code).pk)


def _conference(c: Conference) -> dict[str, Any]:
    return {
        "id": c.pk,
        "kind": c.kind,
        "kind_label": c.get_kind_display(),
        "title": c.title,
        "unit_code": c.unit.code,
        "unit_name": c.unit.name,
        "held_on": c.held_on,
        "starts_at": c.starts_at,
        "place": c.place,
        "online": c.online,
        "theme": c.theme,
        "breakthrough": c.breakthrough,
    }


def _task(t: Task, today: date) -> dict[str, Any]:
    state = selectors.state_of(t, today)
    return {
        "id": t.pk,
        "conference_id": t.conclusion.conference_id,
        "conclusion": t.conclusion.text,
        "title": t.title,
        "unit_code": t.unit.code,
        "unit_name": t.unit.name,
        "person": t.person,
        "participant_codes": [u.code for u in t.participants.all()],
        "due_on": t.due_on,
        "due_working_days": t.due_working_days,
        "status": t.status,
        "status_label": state.label,
        "overdue": t.is_overdue(today),
        "done_on": t.done_on,
        "confirmed_on": t.confirmed_on,
    }


def _conference_filters(q: ConferenceQuery, user: Any) -> selectors.ConferenceFilters:
    f = selectors.ConferenceFilters(q=q.q or "")
    f.kind = choice_filter(q.kind, Kind.values, "Loại hội nghị")
    if q.unit:
        f.unit_id = _unit_pk(user, q.unit)
    if q.period:
        months = period_filter(q.period)
        f.start, f.end = months.start, months.end
    return f


@router.get(
    "/conferences",
    response=responses(list[ConferenceOut]),
    summary="Danh sách hội nghị",
    description=(
        "Hội nghị của các đơn vị trong phạm vi, mới nhất trước; tối đa 500 dòng một trang "
        "(limit, offset). Lọc: kind, unit (mã đơn vị tổ chức), period (YYYY-MM hoặc "
        "YYYY-MM..YYYY-MM), q (tìm không dấu)."
    ),
)
@paginate(Pagination)
def conferences_list(request: HttpRequest, params: Query[ConferenceQuery]):  # type: ignore[no-untyped-def]
    qs = selectors.filter_conferences(
        selectors.visible_conferences(request.user), _conference_filters(params, request.user)
    )
    return LazyPage(qs, lambda rows: [_conference(c) for c in rows])


@router.get(
    "/conferences/{conference_id}",
    response=responses(ConferenceDetailOut, bad_request=None),
    summary="Một hội nghị",
    description="Kèm người dự, kết quả công bố (và kiểm tra tỷ lệ), kết luận, nhiệm vụ.",
)
def conference_get(request: HttpRequest, conference_id: int):  # type: ignore[no-untyped-def]
    c = selectors.get_conference_for_user(request.user, conference_id)
    detail = selectors.conference_detail(c, request.user)
    today = timezone.localdate()
    return {
        **_conference(c),
        "co_unit_codes": [u.code for u in detail["co_units"]],
        "partner_codes": [p.code for p in detail["partners"]],
        "bridge_points": [str(b) for b in detail["bridge_points"]],
        "participants": [
            {"name": p.person.name, "title": p.title, "role": p.role}
            for p in detail["participants"]
        ],
        "results": [
            {
                "measure": r.measure,
                "part": r.part,
                "whole": r.whole,
                "printed_percent": r.printed_percent,
                "computed_percent": r.computed_percent,
                "printed_wrong": r.printed_wrong,
            }
            for r in detail["results"]
        ],
        "conclusions": [k.text for k in detail["conclusions"]],
        "tasks": [_task(t, today) for k in detail["conclusions"] for t in k.tasks.all()],
    }


def _task_filters(q: TaskQuery, user: Any) -> selectors.TaskFilters:
    f = selectors.TaskFilters(overdue=bool(q.overdue), due_from=q.due_from, due_to=q.due_to)
    f.status = choice_filter(q.status, [*TaskStatus.values, selectors.OVERDUE], "Tình trạng")
    if q.unit:
        f.unit_id = _unit_pk(user, q.unit)
    ordered_filter(q.due_from, q.due_to, ("due_from", "due_to"))
    return f


@router.get(
    "/tasks",
    response=responses(list[TaskOut]),
    summary="Nhiệm vụ sau hội nghị",
    description=(
        "Nhiệm vụ của các đơn vị trong phạm vi, theo hạn; tối đa 500 dòng một trang. Lọc: "
        "status (chua_thuc_hien, dang_thuc_hien, hoan_thanh, qua_han), overdue=true, unit "
        "(mã đơn vị thực hiện hoặc phối hợp), due_from, due_to (YYYY-MM-DD)."
    ),
)
@paginate(Pagination)
def tasks_list(request: HttpRequest, q: Query[TaskQuery]):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    qs = selectors.filter_tasks(
        selectors.visible_tasks(request.user), _task_filters(q, request.user), today=today
    )
    return LazyPage(qs, lambda rows: [_task(t, today) for t in rows])
