"""GET /api/emulation/terms (scoped, paginated) and GET /api/emulation/terms/{id}/ranking."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kiemsat.emulation import selectors
from kiemsat.lib.api import LazyPage, Pagination, responses
from kiemsat.org.models import ClusterTerm

router = Router(tags=["Thi đua"])


class TermOut(Schema):
    id: int
    cluster_code: str
    cluster_name: str
    year: int
    leader_code: str | None
    deputy_code: str | None
    member_codes: list[str]
    locked: bool


class RankOut(Schema):
    rank: int | None = Field(description="Trống khi đơn vị không được xét thi đua")
    unit_code: str
    unit_name: str
    total: str = Field(description="Tổng điểm, dấu chấm thập phân, 2 chữ số")
    band: str
    excluded: str = Field(description="Lý do không xét thi đua, nếu có")


class RankingOut(Schema):
    term: TermOut
    sheet_code: str | None
    ranking: list[RankOut]


class TermQuery(Schema):
    year: int | None = Field(None, ge=1990, le=2100, description="Năm công tác")


def _term_out(term: ClusterTerm, locked: set[int]) -> dict[str, Any]:
    return {
        "id": term.pk,
        "cluster_code": term.cluster.code,
        "cluster_name": term.cluster.name,
        "year": term.year,
        "leader_code": term.leader.code if term.leader else None,
        "deputy_code": term.deputy.code if term.deputy else None,
        "member_codes": [m.code for m in term.members.all()],
        "locked": term.pk in locked,
    }


def _rows_out(terms: list[ClusterTerm]) -> list[dict[str, Any]]:
    locked = selectors.locked_term_ids(terms)
    return [_term_out(t, locked) for t in terms]


@router.get(
    "/emulation/terms",
    response=responses(list[TermOut]),
    summary="Các cụm, khối thi đua theo năm",
    description="Các cụm mà đơn vị của bạn là thành viên hoặc quản lý, năm mới nhất trước.",
)
@paginate(Pagination)
def emulation_terms(request: HttpRequest, q: Query[TermQuery]):  # type: ignore[no-untyped-def]
    return LazyPage(selectors.visible_terms(request.user, q.year), _rows_out)


@router.get(
    "/emulation/terms/{term_id}/ranking",
    response=responses(RankingOut, bad_request=None),
    summary="Xếp hạng thi đua của một cụm trong năm",
    description=(
        "Cùng tổng điểm thì cùng hạng (1, 2, 2, 4); đơn vị không xét thi đua có hạng trống."
    ),
)
def emulation_ranking(request: HttpRequest, term_id: int):  # type: ignore[no-untyped-def]
    term = selectors.get_term_for_user(request.user, term_id)
    result = selectors.term_result(term)
    return {
        "term": _term_out(term, selectors.locked_term_ids([term])),
        "sheet_code": result.sheet.code if result.sheet else None,
        "ranking": [
            {
                "rank": m.rank,
                "unit_code": m.unit.code,
                "unit_name": m.unit.name,
                "total": str(m.total),
                "band": m.band,
                "excluded": m.excluded,
            }
            for m in result.members
        ],
    }
