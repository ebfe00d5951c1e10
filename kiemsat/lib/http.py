"""Responses shared by the apps' views."""

from __future__ import annotations

from django.http import HttpResponse


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file made on the fly, sent as an attachment; ``filename`` is ours and plain ASCII."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
