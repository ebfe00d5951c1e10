"""One paper served in the format asked: Word or PDF, made only in that format."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpResponse

from kiemsat.documents.nd30 import DOCX
from kiemsat.documents.pdf import PDF
from kiemsat.lib.http import download

FORMATS = ("docx", "pdf")


def paper_download(
    fmt: str, filename: str, *, docx: Callable[[], bytes], pdf: Callable[[], bytes]
) -> HttpResponse:
    """``filename``.docx or .pdf as an attachment, built by ``docx`` or ``pdf``; any other
    format is a 404."""
    if fmt == "docx":
        return download(docx(), DOCX, f"{filename}.docx")
    if fmt == "pdf":
        return download(pdf(), PDF, f"{filename}.pdf")
    raise Http404("Định dạng không hỗ trợ.")
