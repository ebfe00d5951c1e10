"""Read-only API of the register, scoped to the user's units like the pages."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from kiemsat.lib.api import (
    LazyPage,
    Pagination,
    bad_filter,
    choice_filter,
    period_filter,
    responses,
)
from kiemsat.org.models import Partner
from kiemsat.org.selectors import visible_unit_by_code, work_calendar
from kiemsat.oversight import selectors
from kiemsat.oversight.clock import Status
from kiemsat.oversight.models import Intervention, Kind

router = Router(tags=["Kháng nghị, kiến nghị"])


class InterventionOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    kind: str
    kind_label: str
    field: str
    number: int
    symbol: str
    number_display: str
    year: int
    issued_on: date
    recipient_code: str
    recipient_name: str
    subject: str
    rule_code: str | None
    legal_basis: str | None
    received_on: date | None
    due_on: date | None
    extended_to: date | None
    deadline: date | None
    answered_on: date | None
    outcome: str
    outcome_label: str
    court_decision: str
    status: str
    status_label: str


class ListQuery(Schema):
    kind: str | None = None
    status: str | None = None
    overdue: bool | None = None
    recipient: str | None = None
    unit: str | None = None
    period: str | None = None


def _out(iv: Intervention) -> dict[str, Any]:
    status: Status = iv.status  # type: ignore[attr-defined]
    return {
        "id": iv.pk,
        "unit_code": iv.unit.code,
        "unit_name": iv.unit.name,
        "kind": iv.kind,
        "kind_label": iv.get_kind_display(),
        "field": iv.field,
        "number": iv.number,
        "symbol": iv.symbol,
        "number_display": iv.number_display,
        "year": iv.year,
        "issued_on": iv.issued_on,
        "recipient_code": iv.recipient.code,
        "recipient_name": iv.recipient.name,
        "subject": iv.subject,
        "rule_code": iv.rule.code if iv.rule else None,
        "legal_basis": iv.rule.legal_basis if iv.rule else None,
        "received_on": iv.received_on,
        "due_on": iv.due_on,
        "extended_to": iv.extended_to,
        "deadline": iv.deadline,
        "answered_on": iv.answered_on,
        "outcome": iv.outcome,
        "outcome_label": iv.get_outcome_display(),
        "court_decision": iv.court_decision,
        "status": status.value,
        "status_label": status.label,
    }


def _pk_of(model: type[Partner], code: str, what: str) -> int:
    pk = model.objects.filter(code=code).values_list("pk", flat=True).first()
    if pk is None:
        raise HttpError(400, f"Không có {what} mã '{code}'.")
    return pk


def _filters(q: ListQuery, user: Any) -> selectors.Filters:
    f = selectors.Filters()
    f.kind = choice_filter(q.kind, Kind.values, "Loại")
    f.status = choice_filter(q.status, [s.value for s in Status], "Tình trạng")
    if q.overdue:
        f.status = Status.OVERDUE
    if q.recipient:
        f.recipient_id = _pk_of(Partner, q.recipient, "cơ quan nhận")
    if q.unit:
        with bad_filter():
            f.unit_id = visible_unit_by_code(user, q.unit).pk
    if q.period:
        months = period_filter(q.period)
        f.start, f.end = months.start, months.end
    return f


@router.get(
    "/interventions",
    response=responses(list[InterventionOut]),
    summary="Danh sách kháng nghị, kiến nghị, yêu cầu",
    description=(
        "Của các đơn vị trong phạm vi, mới nhất trước; tối đa 500 dòng một trang (limit, "
        "offset). Lọc: kind, status (chua_den_han, sap_den_han, den_han_hom_nay, qua_han, "
        "da_tra_loi, chua_co_han), overdue=true, recipient (mã cơ quan nhận), unit (mã đơn "
        "vị), period (tháng ban hành, YYYY-MM hoặc YYYY-MM..YYYY-MM)."
    ),
)
@paginate(Pagination)
def interventions_list(request: HttpRequest, q: Query[ListQuery]):  # type: ignore[no-untyped-def]
    """The register of the user's units, newest first (filters: see the description)."""
    today, calendar = timezone.localdate(), work_calendar()
    visible = selectors.visible_interventions(request.user)
    qs = selectors.apply_filters(visible, _filters(q, request.user), today=today, calendar=calendar)
    return LazyPage(qs, lambda rows: _rows_out(rows, today))


def _rows_out(rows: list[Intervention], today: date) -> list[dict[str, Any]]:
    selectors.with_status(rows, today=today, calendar=work_calendar())
    return [_out(iv) for iv in rows]


@router.get(
    "/interventions/{intervention_id}",
    response=responses(InterventionOut, bad_request=None),
    summary="Một kháng nghị, kiến nghị, yêu cầu",
    description="Kèm hạn trả lời và tình trạng; 404 khi ngoài phạm vi đơn vị của bạn.",
)
def intervention_get(request: HttpRequest, intervention_id: int):  # type: ignore[no-untyped-def]
    """One intervention; 404 when it belongs to a unit outside the user's scope."""
    iv = selectors.get_intervention_for_user(request.user, intervention_id)
    selectors.with_status([iv], today=timezone.localdate(), calendar=work_calendar())
    return _out(iv)
