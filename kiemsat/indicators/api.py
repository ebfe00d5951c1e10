from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from kiemsat.indicators import engine, services
from kiemsat.indicators.evaluation import evaluate_unit
from kiemsat.indicators.imports import ImportRefused, RawRow
from kiemsat.indicators.models import Quota, Source
from kiemsat.indicators.quotas import visible_quotas
from kiemsat.lib.api import Pagination, bad_filter, responses
from kiemsat.lib.periods import MonthRange
from kiemsat.org.models import Unit
from kiemsat.org.selectors import get_unit_for_user, visible_unit_by_code

router = Router(tags=["Chỉ tiêu"])


class FigureIn(Schema):
    unit_code: str
    period: str
    metric_code: str
    value: bool | int | float | str  # checked row by row, so a bad one names its row


class FiguresIn(Schema):
    rows: list[FigureIn] = Field(min_length=1, description="Ít nhất một dòng số liệu")
    dry_run: bool = False


class FiguresOut(Schema):
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool


class ErrorsOut(Schema):
    """A refused batch: the reason, as every error of the API, and each row's problem."""

    detail: str = Field(description="Lý do, bằng tiếng Việt")
    errors: list[str] = Field(default_factory=list, description="Từng lỗi: dòng N: …")


class EvaluationOut(Schema):
    unit_code: str
    indicator_code: str
    numerator: int | None
    denominator: int | None
    value: str
    status: str
    status_label: str
    display: str


class RangeQuery(Schema):
    start: str = Field(alias="from", description="Tháng đầu YYYY-MM")
    end: str = Field(alias="to", description="Tháng cuối YYYY-MM")
    scope: str = "own"


def _unit(request: HttpRequest, code: str) -> Unit:
    """A unit named by its code in the path, through the gate: 404 when unknown or outside
    the user's scope."""
    unit_pk = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
    if unit_pk is None:
        raise HttpError(404, "Không tìm thấy.")
    return get_unit_for_user(request.user, unit_pk)


def _unit_filter(request: HttpRequest, code: str) -> Unit:
    """A unit named in a filter: 400 when unknown or outside scope, as on every list."""
    with bad_filter():
        return visible_unit_by_code(request.user, code)


@router.post(
    "/figures",
    response=responses(FiguresOut, bad_request=ErrorsOut),
    summary="Gửi số liệu tháng",
    description=(
        "Các dòng như tệp của lệnh import_figures (mã đơn vị, tháng YYYY-MM, mã chỉ số, "
        "giá trị). Ghi tất cả hoặc không ghi dòng nào; mỗi lỗi nêu số dòng (dòng 1 …). "
        "dry_run=true chỉ kiểm tra, không ghi."
    ),
)
def figures_post(request: HttpRequest, payload: FiguresIn):  # type: ignore[no-untyped-def]
    """The same rows as import_figures; all or nothing, every error named by row (dòng 1 …)."""
    rows = [
        RawRow(i, r.unit_code, r.period, r.metric_code, r.value)
        for i, r in enumerate(payload.rows, start=1)
    ]
    try:
        if payload.dry_run:
            result = services.figures_preview(actor=request.user, rows=rows)
        else:
            result = services.figures_import(actor=request.user, rows=rows, source=Source.API)
    except ImportRefused as refused:
        detail = f"Số liệu bị từ chối, không dòng nào được ghi: {len(refused.errors)} lỗi."
        return Status(400, {"detail": detail, "errors": refused.errors})
    return Status(200, {**result.__dict__, "dry_run": payload.dry_run})


@router.get(
    "/units/{code}/evaluation",
    response=responses(list[EvaluationOut]),
    summary="Kết quả chỉ tiêu của một đơn vị",
    description=(
        "Đánh giá từng chỉ tiêu của đơn vị (mã đơn vị) trong khoảng tháng from..to "
        "(YYYY-MM); scope=with-subordinates gộp cả các đơn vị trực thuộc. Tối đa 500 dòng "
        "một trang (limit, offset)."
    ),
)
@paginate(Pagination)
def unit_evaluation(request: HttpRequest, code: str, q: Query[RangeQuery]):  # type: ignore[no-untyped-def]
    unit = _unit(request, code)
    with bad_filter():
        months = MonthRange.parse(q.start, q.end)
    table = evaluate_unit(unit, months, with_subordinates=q.scope == "with-subordinates")
    return [
        {
            "unit_code": table.code,
            "indicator_code": ev.indicator_code,
            "numerator": ev.numerator,
            "denominator": ev.denominator,
            "value": engine.csv_value(ev),
            "status": str(ev.status),
            "status_label": ev.status.label,
            "display": engine.display_value(ev),
        }
        for ev in (line.evaluation for line in table.lines)
    ]


class QuotaOut(Schema):
    unit_code: str
    unit_name: str
    work_year: int
    indicator_code: str
    value: int
    locked: bool = Field(description="Đã được lãnh đạo đơn vị cấp trên duyệt và khóa")

    @staticmethod
    def resolve_unit_code(obj: Quota) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Quota) -> str:
        return obj.unit.name


class QuotaQuery(Schema):
    year: int | None = Field(None, ge=1900, le=9999, description="Năm công tác (YYYY)")
    unit: str | None = Field(None, description="Mã đơn vị")


@router.get(
    "/quotas",
    response=responses(list[QuotaOut]),
    summary="Chỉ tiêu được giao",
    description=(
        "Chỉ tiêu (số lượng) giao cho các đơn vị trong phạm vi, năm mới nhất trước; tối đa "
        "500 dòng một trang (limit, offset). Lọc: year (năm công tác), unit (mã đơn vị; "
        "400 khi không có hoặc ngoài phạm vi)."
    ),
)
@paginate(Pagination)
def quotas_list(request: HttpRequest, q: Query[QuotaQuery]):  # type: ignore[no-untyped-def]
    """Quotas of the user's units (filters: year, unit)."""
    unit = _unit_filter(request, q.unit) if q.unit else None
    return visible_quotas(request.user, year=q.year, unit=unit)
