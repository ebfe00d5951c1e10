"""Read-only API of the information register, scoped to the user's units like the pages."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from kiemsat.ingest import selectors
from kiemsat.ingest.models import PressItem, PressKind, Sensitivity
from kiemsat.lib.api import IsoDate, Pagination, bad_filter, choice_filter, responses
from kiemsat.org.selectors import visible_unit_by_code, work_calendar

router = Router(tags=["Thông tin – báo chí"])
STATUSES = [value for value, _ in selectors.STATUS_CHOICES]


class PressItemOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    kind: str
    kind_label: str
    subject: str
    outlet: str
    link: str
    source_on: date | None
    article_id: int | None
    sensitivity: str
    responsible_unit_code: str
    responsible_person: str
    received_on: date
    working_days: int
    due_on: date
    action: str
    done_on: date | None
    done_link: str
    status: str
    status_label: str


class PressQuery(Schema):
    kind: str | None = None
    sensitivity: str | None = None
    status: str | None = None
    overdue: bool | None = None
    unit: str | None = None
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None


def _out(item: PressItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "unit_code": item.unit.code,
        "unit_name": item.unit.name,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "subject": item.subject,
        "outlet": item.outlet,
        "link": item.link,
        "source_on": item.source_on,
        "article_id": item.article_id,
        "sensitivity": item.sensitivity,
        "responsible_unit_code": item.responsible_unit.code,
        "responsible_person": item.responsible_person,
        "received_on": item.received_on,
        "working_days": item.working_days,
        "due_on": item.due_on,
        "action": item.action,
        "done_on": item.done_on,
        "done_link": item.done_link,
        "status": item.status.value,  # type: ignore[attr-defined]
        "status_label": item.status_label,  # type: ignore[attr-defined]
    }


def _filters(q: PressQuery, user: Any) -> selectors.PressFilters:
    f = selectors.PressFilters(
        kind=choice_filter(q.kind, list(PressKind.values), "Loại"),
        sensitivity=choice_filter(q.sensitivity, list(Sensitivity.values), "Mức độ"),
        status=choice_filter(q.status, STATUSES, "Tình trạng"),
        received_from=q.received_from,
        received_to=q.received_to,
    )
    if q.overdue:
        f.status = "qua_han"
    if q.unit:
        with bad_filter():
            f.unit_id = visible_unit_by_code(user, q.unit).pk
    return f


class _Page:
    """A lazily sliced queryset whose rows come out as API dicts with their status."""

    def __init__(self, qs: Any, today: date):
        self.qs, self.today = qs, today

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        rows = list(self.qs[index])
        selectors.with_status(rows, today=self.today, calendar=work_calendar())
        return [_out(item) for item in rows]


@router.get(
    "/press-items",
    response=responses(list[PressItemOut]),
    summary="Sổ thông tin – báo chí",
    description=(
        "Các việc cung cấp thông tin, phản bác tin sai, đăng tin của các đơn vị trong phạm "
        "vi, mới nhất trước; tối đa 500 dòng một trang (limit, offset). Lọc: kind (request, "
        "false_info, publish), sensitivity, status (chua_den_han, sap_den_han, "
        "den_han_hom_nay, qua_han, da_tra_loi), overdue=true, unit (mã đơn vị), "
        "received_from, received_to (YYYY-MM-DD)."
    ),
)
@paginate(Pagination)
def press_items_list(request: HttpRequest, q: Query[PressQuery]):  # type: ignore[no-untyped-def]
    """The register of the user's units, newest first (filters: see the description)."""
    today = timezone.localdate()
    visible = selectors.visible_press_items(request.user)
    qs = selectors.apply_press_filters(
        visible, _filters(q, request.user), today=today, calendar=work_calendar()
    )
    return _Page(qs, today)
