"""Responses shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


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
