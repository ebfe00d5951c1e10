"""Uploads are cut at MAX_UPLOAD_BYTES + 1 bytes as they arrive, before any view reads them."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory, override_settings

from kiemsat.lib import http
from kiemsat.lib.excel import check_upload
from kiemsat.lib.http import BoundedUploadHandler
from kiemsat.lib.uploads import stored_name, upload_name


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


def test_stored_names_are_random_and_keep_only_the_suffix() -> None:
    first = stored_name("oversight", "Kiến nghị số 5.PDF")
    second = stored_name("oversight", "Kiến nghị số 5.PDF")
    assert first != second
    assert first.startswith("oversight/") and first.endswith(".pdf")
    assert "Kiến" not in first and len(first) == len("oversight/") + 32 + len(".pdf")


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bao-cao.pdf", b"%PDF-1.4\n", "application/pdf"),
        ("bang.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 8, "application/vnd.ms-excel"),
    ],
)
def test_check_upload_accepts_content_matching_the_name(name, content, expected) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content)
    assert check_upload(upload, field="f", suffixes={".pdf", ".xls"}, max_bytes=99, what="x") == (
        expected
    )


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("bao-cao.pdf", b"MZ\x90\x00", "không phải PDF"),
        ("bang.xls", b"%PDF-1.4", "không phải Excel"),
        ("bao-cao.exe", b"MZ", "không được nhận"),
        ("rong.pdf", b"", "rỗng"),
        ("lon.pdf", b"%PDF-" + b"x" * 100, "quá lớn"),
    ],
)
def test_check_upload_refuses_by_content_size_and_name(name, content, words) -> None:  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, field="f", suffixes={".pdf", ".xls"}, max_bytes=99, what="x")
    assert words in refused.value.message_dict["f"][0]


def test_the_users_name_keeps_its_end_and_drops_any_folder() -> None:
    assert upload_name(SimpleUploadedFile("bien-ban.pdf", b"x"), max_length=200) == "bien-ban.pdf"
    long = SimpleUploadedFile("a" * 300 + ".pdf", b"x")
    assert upload_name(long, max_length=255) == "a" * 251 + ".pdf"
    assert upload_name(ContentFile(b"x", name="thu/muc/to-trinh.docx"), max_length=9) == "rinh.docx"
    assert upload_name(ContentFile(b"x"), max_length=200, default="tai-lieu") == "tai-lieu"
