"""Values computed once per request: the org graph, the work calendar.

A page asks several selectors for the same org-wide facts; the middleware opens a memo for
the request and closes it after the response, so the next request reads fresh data. A
write within the request (every write records an audit entry) forgets what was memoised.
Outside a request (commands, tests calling selectors) nothing is memoised.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("kiemsat_request_memo", default=None)


def per_request[T](key: Hashable, build: Callable[[], T]) -> T:
    """``build()``'s value, computed once in the current request (every time outside one)."""
    memo = _memo.get()
    if memo is None:
        return build()
    if key not in memo:
        memo[key] = build()
    return memo[key]  # type: ignore[return-value]


def forget() -> None:
    """Drop the current request's memoised values (the data they came from changed)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)


__all__ = ["RequestMemoMiddleware", "forget", "per_request"]
