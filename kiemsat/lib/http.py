"""Responses shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.core.paginator import Page, Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from kiemsat.lib.forms import attach_errors


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file made on the fly, sent as an attachment; ``filename`` is ours and plain ASCII."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


type Said[T] = str | Callable[[T], str]  # a message or URL, fixed or made from the result


def _said[T](value: Said[T], result: T) -> str:
    return value(result) if callable(value) else value


def act_and_redirect[T](
    request: HttpRequest,
    act: Callable[[], T],
    done: Said[T],
    url: Said[T],
    *,
    refused_url: str | None = None,
) -> HttpResponse:
    """Run one service; its refusal (a ValidationError) or ``done`` becomes the message
    shown on ``url``, or on ``refused_url`` when refused and given. ``done`` and ``url`` may
    be made from what the service returns (``refused_url`` is then needed)."""
    try:
        result = act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        back = refused_url or url
        assert isinstance(back, str), "a URL made from the result needs refused_url"
        return redirect(back)
    messages.success(request, _said(done, result))
    return redirect(_said(url, result))


def changes_saved(changed: object) -> str:
    """The message of an edit whose service tells whether anything changed."""
    return "Đã lưu thay đổi." if changed else "Không có gì thay đổi."


def form_saved[T](
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[], T],
    done: Said[T],
    url: Said[T],
    *,
    renamed: Mapping[str, str] | None = None,
) -> HttpResponse | None:
    """A posted form's service: when the form is valid, run ``save()``; on success the
    message ``done`` and a redirect to ``url`` (either may be made from what ``save``
    returns); None when the form or the service refused, the service's errors then on
    the form (``attach_errors``, its field names ``renamed``). The caller shows its page
    again with status 400."""
    if not form.is_valid():
        return None
    try:
        result = save()
    except ValidationError as exc:
        attach_errors(form, exc, renamed=renamed)
        return None
    messages.success(request, _said(done, result))
    return redirect(_said(url, result))


def form_page[T](
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[], T],
    done: Said[T],
    url: Said[T],
    *,
    template: str,
    context: Mapping[str, Any] | None = None,
    renamed: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A page of its own for one form (a create or an edit page): a GET shows it, a POST
    saves through ``form_saved`` or shows it again with its errors (status 400)."""
    if request.method == "POST" and (
        response := form_saved(request, form, save, done, url, renamed=renamed)
    ):
        return response
    status = 400 if form.errors else 200
    return render(request, template, {"form": form, **(context or {})}, status=status)


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
