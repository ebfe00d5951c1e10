"""GET /api/instruments (scoped, filtered like the list page) and GET /api/instruments/{id}."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from kiemsat.agreements import selectors
from kiemsat.agreements.models import Instrument, InstrumentKind, Party, Status
from kiemsat.lib.api import (
    IsoDate,
    LazyPage,
    Pagination,
    bad_filter,
    choice_filter,
    ordered_filter,
    responses,
)
from kiemsat.org.lifecycle import EXAMPLE_PARTNER_CODE, EXAMPLE_UNIT_CODE
from kiemsat.org.models import Partner
from kiemsat.org.selectors import visible_unit_by_code

router = Router(tags=["Văn bản phối hợp"])


class PartyOut(Schema):
    name: str
    unit_code: str | None
    partner_code: str | None
    signatory_name: str
    signatory_title: str
    is_host: bool


class ClauseOut(Schema):
    id: int
    kind: str
    number: int
    label: str
    title: str
    text: str
    chapter_id: int | None


class DutyOut(Schema):
    id: int
    title: str
    recurrence: str
    next_due: date | None
    done: bool
    last_done_on: date | None
    last_result: str
    responsible: list[str]
    clause_id: int | None


class ReviewOut(Schema):
    id: int
    kind: str
    held_on: date
    period_from: date
    period_to: date
    assessment: str
    results: str
    problems: str
    decision: str


class InstrumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    number: str
    year: int | None
    title: str
    owner_unit_code: str
    signed_on: date | None
    valid_from: date | None
    valid_to: date | None
    status: str
    status_label: str
    next_review_on: date | None
    parties: list[PartyOut]


class InstrumentDetailOut(InstrumentOut):
    summary: str
    place: str
    venue: str
    legal_basis: str
    replaces_id: int | None
    parent_id: int | None
    cascade_due: date | None
    clauses: list[ClauseOut]
    duties: list[DutyOut]
    reviews: list[ReviewOut]


class ListQuery(Schema):
    q: str = Field("", description="Tìm theo tên, số, các bên, nội dung điều khoản")
    kind: str = Field("", description="regulation, programme, plan, covenant, other")
    partner: str = Field("", description=f"Mã cơ quan phối hợp, ví dụ {EXAMPLE_PARTNER_CODE}")
    unit: str = Field("", description=f"Mã đơn vị là một bên ký, ví dụ {EXAMPLE_UNIT_CODE}")
    status: str = Field("", description="draft, in_force, expired, replaced")
    date_from: IsoDate | None = Field(
        None, alias="from", description="Có hiệu lực từ ngày (YYYY-MM-DD)"
    )
    date_to: IsoDate | None = Field(None, alias="to", description="đến ngày (YYYY-MM-DD)")


def _party(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "unit_code": party.unit.code if party.unit else None,
        "partner_code": party.partner.code if party.partner else None,
        "signatory_name": party.signatory_name,
        "signatory_title": party.signatory_title,
        "is_host": party.is_host,
    }


def _summary(item: Instrument) -> dict[str, Any]:
    return {
        "id": item.pk,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "number": item.number_display,
        "year": item.year,
        "title": item.title,
        "owner_unit_code": item.owner_unit.code,
        "signed_on": item.signed_on,
        "valid_from": item.valid_from,
        "valid_to": item.valid_to,
        "status": item.status.value,
        "status_label": item.status.label,
        "next_review_on": item.next_review_on,
        "parties": [_party(p) for p in item.parties.all()],
    }


def _filters(q: ListQuery, user: Any) -> selectors.Filters:
    kind = choice_filter(q.kind, InstrumentKind.values, "Loại văn bản")
    status = choice_filter(q.status, Status.values, "Trạng thái")
    partner = None
    if q.partner:
        partner = Partner.objects.filter(code=q.partner).first()
        if partner is None:
            raise HttpError(400, f"Cơ quan phối hợp không có trong danh mục: {q.partner}")
    unit = None
    if q.unit:
        with bad_filter():
            unit = visible_unit_by_code(user, q.unit)
    ordered_filter(q.date_from, q.date_to, ("from", "to"))
    return selectors.Filters(
        query=q.q,
        kind=kind,
        partner=partner,
        status=status,
        date_from=q.date_from,
        date_to=q.date_to,
        unit=unit,
    )


@router.get(
    "/instruments",
    response=responses(list[InstrumentOut]),
    summary="Danh sách văn bản phối hợp",
    description=(
        "Văn bản phối hợp của các đơn vị trong phạm vi, lọc như trang danh sách; tối đa 500 "
        "dòng một trang (limit, offset)."
    ),
)
@paginate(Pagination)
def instruments(request: HttpRequest, q: Query[ListQuery]):  # type: ignore[no-untyped-def]
    """Instruments of the user's units, with the list page's filters, one page at a time."""
    qs = selectors.instrument_list(request.user, _filters(q, request.user))
    qs = qs.select_related("owner_unit").prefetch_related("parties__unit", "parties__partner")
    return LazyPage(qs, lambda rows: [_summary(i) for i in rows])


@router.get(
    "/instruments/{instrument_id}",
    response=responses(InstrumentDetailOut, bad_request=None),
    summary="Một văn bản phối hợp",
    description="Văn bản với các bên ký, điều khoản, nhiệm vụ và sơ kết, tổng kết; "
    "404 khi văn bản ngoài phạm vi đơn vị của bạn.",
)
def instrument(request: HttpRequest, instrument_id: int):  # type: ignore[no-untyped-def]
    """One instrument with its parties, clauses, duties and reviews; 404 outside scope."""
    item = selectors.get_instrument_for_user(request.user, instrument_id)
    detail = selectors.instrument_detail(item)
    return {
        **_summary(item),
        "summary": item.summary,
        "place": item.place,
        "venue": item.venue,
        "legal_basis": item.legal_basis,
        "replaces_id": item.replaces_id,
        "parent_id": item.parent_id,
        "cascade_due": item.cascade_due,
        "clauses": [
            {
                "id": c.pk,
                "kind": c.kind,
                "number": c.number,
                "label": c.label,
                "title": c.title,
                "text": c.text,
                "chapter_id": c.chapter_id,
            }
            for c in detail["chapters"] + detail["articles"]
        ],
        "duties": [
            {
                "id": d.pk,
                "title": d.title,
                "recurrence": d.recurrence,
                "next_due": d.next_due,
                "done": d.done,
                "last_done_on": d.last_done_on,
                "last_result": d.last_result,
                "responsible": [p.name for p in d.responsible.all()],
                "clause_id": d.clause_id,
            }
            for d in detail["duties"]
        ],
        "reviews": [
            {
                "id": r.pk,
                "kind": r.kind,
                "held_on": r.held_on,
                "period_from": r.period_from,
                "period_to": r.period_to,
                "assessment": r.assessment,
                "results": r.results,
                "problems": r.problems,
                "decision": r.decision,
            }
            for r in detail["reviews"]
        ],
    }
