"""Responses shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file made on the fly, sent as an attachment; ``filename`` is ours and plain ASCII."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def act_and_redirect(
    request: HttpRequest, act: Callable[[], object], done: str, url: str
) -> HttpResponse:
    """Run one service; its refusal (a ValidationError) or ``done`` becomes the message
    shown on ``url``."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(url)


PAGE_PARAM = "trang"  # every paged list of every app: ?trang=2 (templates/_pager.html)
PAGE_SIZE = 50


def page_of(request: HttpRequest, rows: Any, *, per_page: int = PAGE_SIZE) -> Page:
    """The page of ``rows`` the request asks for (?trang=N); the first or last page when
    the number is missing, wrong or too large."""
    return Paginator(rows, per_page).get_page(request.GET.get(PAGE_PARAM))


def query_string(request: HttpRequest, **overrides: str) -> str:
    """The list's filters as a query string, without the page and the export switch, with
    ``overrides`` added (``format="xlsx"`` for the export link)."""
    params = [
        (key, value)
        for key, values in request.GET.lists()
        if key not in (PAGE_PARAM, "format") and key not in overrides
        for value in values
        if value
    ]
    return urlencode([*params, *overrides.items()])


MAX_UPLOAD_BYTES = 16 * 1024 * 1024  # above every upload's own limit (10 MB at most)


class BoundedUploadHandler(FileUploadHandler):
    """First of the upload handlers: keeps no more than MAX_UPLOAD_BYTES + 1 bytes of each
    uploaded file, so a huge upload fills neither memory nor the temporary disk, and the
    upload's own size check still sees it as too large and says so."""

    received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        room = MAX_UPLOAD_BYTES + 1 - self.received
        self.received += len(raw_data)
        return raw_data[:room] if room > 0 else None  # None: later handlers get nothing

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file
