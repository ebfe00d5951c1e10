"""Uploads are cut at MAX_UPLOAD_BYTES + 1 bytes as they arrive, before any view reads them."""

from __future__ import annotations

import io

from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory, override_settings

from kiemsat.lib import http
from kiemsat.lib.http import BoundedUploadHandler


def parsed_size(size: int) -> int:
    """The size of a file of ``size`` bytes once the upload handlers have received it."""
    request = RequestFactory().post("/", {"file": io.BytesIO(b"x" * size)})
    handlers = [BoundedUploadHandler(request), MemoryFileUploadHandler(request)]
    parser = MultiPartParser(request.META, io.BytesIO(request.body), handlers)
    with override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=64 * 1024 * 1024):
        _, files = parser.parse()
    return files["file"].size


def test_a_huge_upload_is_kept_only_to_one_byte_past_the_limit(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(http, "MAX_UPLOAD_BYTES", 100_000)
    assert parsed_size(3_000_000) == 100_001
    assert parsed_size(100_001) == 100_001
    assert parsed_size(99_999) == 99_999


def test_every_request_goes_through_the_bounded_handler(settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.FILE_UPLOAD_HANDLERS[0] == "kiemsat.lib.http.BoundedUploadHandler"
