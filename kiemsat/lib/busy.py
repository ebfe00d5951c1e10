"""A database busy with another write: a clear Vietnamese answer, never a 500.

SQLite lets one writer at a time; a write that waited its busy timeout in vain raises
"database is locked". PostgreSQL raises "lock not available" once a statement waited its
``lock_timeout``. Either way nothing was written: the page asks to try again (503), the API
answers {"detail": …}, an import command prints the message and exits 1.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

BUSY_MESSAGE = "Cơ sở dữ liệu đang bận, thử lại sau."
BUSY_STATUS = 503
RETRY_AFTER_SECONDS = 5
_SQLITE_BUSY = ("database is locked", "database table is locked")


def database_busy(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is held by another write (not any other fault)."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if type(cause).__name__ == "LockNotAvailable":  # psycopg's error for lock_timeout
        return True
    return str(exc).lower().startswith(_SQLITE_BUSY)


def wait_for_locks(seconds: float) -> None:
    """Let this connection's writes wait up to ``seconds`` for another's lock to go."""
    milliseconds = max(0, int(seconds * 1000))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {milliseconds}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"SET lock_timeout = {milliseconds}")


class DatabaseBusyMiddleware:
    """Turns a write that met a busy database into a 503 page (or API answer) saying so."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_busy(exception):
            return None
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": BUSY_MESSAGE}, status=BUSY_STATUS)
        else:
            response = render(request, "503.html", {"message": BUSY_MESSAGE}, status=BUSY_STATUS)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
