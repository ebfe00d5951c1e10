"""What every API router shares: bounded pages and Vietnamese error bodies."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, RawPostDataException
from django.http.multipartparser import MultiPartParserError
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.params.models import QueryModel
from pydantic import BeforeValidator

from kiemsat.lib.periods import MonthRange
from kiemsat.lib.vn import format_int

MAX_LIMIT = 500
MAX_OFFSET = 1_000_000_000  # far past any register, well inside the database's integers


class Pagination(LimitOffsetPagination):
    """limit/offset with bounds, so a huge number is a 422, never a database error."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Số dòng một trang (1–500)")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Số dòng bỏ qua ở đầu")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: pydantic would also take "0" or "1700000000" as a timestamp."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("phải là ngày dạng YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class LazyPage:
    """A queryset sliced only for the page asked, its rows turned into API dicts by
    ``rows_out`` (one call per page, so it can fetch what the rows need in one go)."""

    def __init__(self, qs: Any, rows_out: Callable[[list[Any]], list[dict[str, Any]]]):
        self.qs, self.rows_out = qs, rows_out

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return self.rows_out(list(self.qs[index]))


# --- list filters: a filter the client names wrongly is a 400 that says why, never ignored


@contextmanager
def bad_filter(hint: str = "") -> Iterator[None]:
    """Inside, a LookupError or ValueError (a reader's Vietnamese refusal: an unknown unit
    code, a wrong month) is a 400 with that message and ``hint``; a KeyError or IndexError
    is a bug, not the client's mistake, and stays one."""
    try:
        yield
    except (KeyError, IndexError):
        raise
    except (LookupError, ValueError) as exc:
        raise HttpError(400, f"{exc}{hint}") from exc


def choice_filter(value: str | None, allowed: Iterable[str], what: str) -> str:
    """``value`` when it is one of ``allowed`` (empty when not given); a 400 naming the
    allowed values otherwise."""
    allowed = list(allowed)
    if value and value not in allowed:
        raise HttpError(400, f"{what} không hợp lệ '{value}': {', '.join(allowed)}.")
    return value or ""


def period_filter(text: str) -> MonthRange:
    """?period=2025-03 or 2025-01..2025-06."""
    with bad_filter(" (period=YYYY-MM hoặc YYYY-MM..YYYY-MM)"):
        return MonthRange.parse_span(text)


def ordered_filter(first: date | None, last: date | None, names: tuple[str, str]) -> None:
    """Two day filters bounding one span (``names`` as the client sends them): a 400 when
    the last comes before the first."""
    if first and last and last < first:
        raise HttpError(400, f"{names[0]} phải trước hoặc bằng {names[1]}.")


class ErrorOut(Schema):
    detail: str = Field(description="Lý do, bằng tiếng Việt")


ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def responses(ok: Any, *, bad_request: type[Schema] | None = ErrorOut) -> dict[int, Any]:
    """An operation's declared answers: ``ok`` for 200, the error bodies (400 if it refuses
    parameters)."""
    return {200: ok, **ERRORS, **({400: bad_request} if bad_request else {})}


NOT_FOUND = "Không tìm thấy (hoặc nằm ngoài phạm vi đơn vị của bạn)."
NOT_SIGNED_IN = "Cần đăng nhập để dùng API."
FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."
UNREADABLE = "Không đọc được nội dung yêu cầu: API nhận JSON (Content-Type: application/json)."
# ninja's own English messages, by their beginning
NINJA_MESSAGES = {
    "Unauthorized": NOT_SIGNED_IN,
    "Forbidden": FORBIDDEN,
    "Cannot parse request body": UNREADABLE,
    "Too many requests": "Quá nhiều yêu cầu, thử lại sau.",
}

ERROR_TYPES: dict[str, str] = {
    "missing": "thiếu (bắt buộc)",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là số",
    "float_type": "phải là số",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_type": "phải là chuỗi ký tự",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_inexact": "phải là ngày dạng YYYY-MM-DD",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "model_attributes_type": "phải là một đối tượng JSON",
    "json_invalid": "không phải JSON hợp lệ",
    "too_short": "không được rỗng",
    "unknown_parameter": "không phải tham số của thao tác này",
}
BOUNDS = {
    "less_than_equal": ("le", "không được lớn hơn"),
    "less_than": ("lt", "phải nhỏ hơn"),
    "greater_than_equal": ("ge", "không được nhỏ hơn"),
    "greater_than": ("gt", "phải lớn hơn"),
}


def _where(loc: list[Any]) -> str:
    """query.limit → limit; body.payload.rows.0.value → rows.0.value (the body's own name)."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(str(p) for p in parts) or "nội dung"


def _problem(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind in BOUNDS:
        key, words = BOUNDS[kind]
        bound = error.get("ctx", {}).get(key)
        return f"{words} {format_int(bound) if isinstance(bound, int) else bound}"
    if kind == "value_error":  # raised by our own validators, in Vietnamese
        return str(error.get("ctx", {}).get("error", "không hợp lệ"))
    return ERROR_TYPES.get(kind, "không hợp lệ")


def validation_message(errors: list[dict[str, Any]]) -> str:
    """One Vietnamese sentence naming each refused field and why."""
    return (
        "Dữ liệu không hợp lệ: "
        + "; ".join(f"{_where(e.get('loc', []))} {_problem(e)}" for e in errors)
        + "."
    )


def _ninja_message(exc: HttpError) -> str:
    text = str(exc)
    for english, vietnamese in NINJA_MESSAGES.items():
        if text.startswith(english):
            return vietnamese
    return text


def _query_names(operation: Any) -> set[str]:
    """The query parameters an operation declares (by the names clients send)."""
    names: set[str] = set()
    for model in operation.models:
        if issubclass(model, QueryModel):
            names |= set(getattr(model, "__ninja_flatten_map__", {}) or model.model_fields)
    return names


def refuse_unknown_parameters(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A query parameter the operation does not declare is a 422 naming it, never ignored:
    a mistyped filter (``?unti=…``) would otherwise return the unfiltered list. Installed
    with ``api.add_decorator(…, mode="view")``: ``run`` is the operation's bound method."""
    operation = run.__self__  # type: ignore[attr-defined]
    allowed = _query_names(operation)

    @wraps(run)
    def checked(request: HttpRequest, *args: Any, **kw: Any) -> HttpResponse:
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            errors = [{"loc": ["query", name], "type": "unknown_parameter"} for name in unknown]
            return operation.api.on_exception(request, ValidationError(errors))
        return run(request, *args, **kw)

    return checked


def install_error_handlers(api: NinjaAPI) -> None:
    """Every refusal answers {"detail": "<Vietnamese>"}; a body it cannot read is a 400."""

    def answer(status: int, message: Callable[[Any], str]) -> Callable[..., HttpResponse]:
        def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
            return api.create_response(request, {"detail": message(exc)}, status=status)

        return handler

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:  # an HttpError
        body = {"detail": _ninja_message(exc)}
        return api.create_response(request, body, status=exc.status_code)

    api.add_exception_handler(Http404, answer(404, lambda exc: NOT_FOUND))
    api.add_exception_handler(AuthenticationError, answer(401, lambda exc: NOT_SIGNED_IN))
    api.add_exception_handler(PermissionDenied, answer(403, lambda exc: str(exc) or FORBIDDEN))
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(
        ValidationError, answer(422, lambda exc: validation_message(exc.errors))
    )
    for unreadable in (MultiPartParserError, RawPostDataException):
        api.add_exception_handler(unreadable, answer(400, lambda exc: UNREADABLE))
