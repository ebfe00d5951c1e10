"""A paper is made only in the format asked, and any other format is a 404."""

from __future__ import annotations

import pytest
from django.http import Http404

from kiemsat.documents.download import paper_download
from kiemsat.documents.nd30 import DOCX
from kiemsat.documents.pdf import PDF


def test_each_format_is_built_alone_and_named() -> None:
    made: list[str] = []

    def build(fmt: str) -> bytes:
        made.append(fmt)
        return fmt.encode()

    for fmt, content_type in (("docx", DOCX), ("pdf", PDF)):
        response = paper_download(
            fmt, "giay-moi-7", docx=lambda: build("docx"), pdf=lambda: build("pdf")
        )
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="giay-moi-7.{fmt}"'
        assert response.content == fmt.encode()
    assert made == ["docx", "pdf"]


def test_another_format_is_404() -> None:
    with pytest.raises(Http404):
        paper_download("odt", "x", docx=lambda: b"", pdf=lambda: b"")
