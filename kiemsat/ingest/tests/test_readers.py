# ruff: noqa: E501
"""Reading articles from files, refusing the dangerous ones, and the extract command."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pytest
from django.core.management import CommandError, call_command

from kiemsat.ingest import readers

LEAD = "Ngày 18/1/2022, VKSND thành phố Hạ Long và UBND thành phố Hạ Long đã ký kết Chương trình phối hợp công tác năm 2022."


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_html_scripts_and_styles_are_never_read() -> None:
    page = f"<html><head><style>p{{}}</style><script>alert('x')</script></head><body><p>{LEAD}</p><script>var s=1;</script></body></html>"
    text = readers.read_bytes("bai.html", page.encode())
    assert LEAD in text
    assert "alert" not in text and "var s" not in text


def test_a_word_file_is_read() -> None:
    assert LEAD in readers.read_bytes("bai.docx", _docx(LEAD))


def test_a_docx_that_unpacks_too_large_is_refused_before_inflating() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (readers.MAX_DOCX_UNPACKED + 1))
    with pytest.raises(readers.ReadRefused, match="khi giải nén quá lớn"):
        readers.read_bytes("bom.docx", out.getvalue())


def test_a_file_over_the_limit_is_refused() -> None:
    with pytest.raises(readers.ReadRefused, match="Tệp quá lớn: tối đa 5 MB"):
        readers.read_bytes("lon.txt", b"a" * (20 * 1024 * 1024))


def test_a_pdf_with_text_is_read_and_one_without_text_refused() -> None:
    from weasyprint import HTML

    with_text = HTML(string=f"<p>{LEAD}</p>").write_pdf()
    assert "Hạ Long" in readers.read_bytes("bai.pdf", with_text)
    blank = HTML(string="<div style='height:10px;background:#000'></div>").write_pdf()
    with pytest.raises(readers.ReadRefused, match="không có chữ"):
        readers.read_bytes("anh.pdf", blank)


def test_other_kinds_and_broken_files_are_refused_with_a_vietnamese_message() -> None:
    with pytest.raises(readers.ReadRefused, match="Chỉ đọc được tệp"):
        readers.read_bytes("bang.xlsx", b"PK")
    with pytest.raises(readers.ReadRefused, match=r"không phải Word \(\.docx\) hợp lệ"):
        readers.read_bytes("hong.docx", b"not a zip")
    with pytest.raises(readers.ReadRefused, match="không phải PDF"):
        readers.read_bytes("hong.pdf", b"<html>")


def test_extract_prints_json_in_the_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bai.txt"
    path.write_text(LEAD, encoding="utf-8")
    out = io.StringIO()
    call_command("extract", str(path), "--format", "json", stdout=out)
    facts = json.loads(out.getvalue())
    assert set(facts) == {
        "source_url",
        "event_type",
        "event_date",
        "location",
        "instrument",
        "parties",
        "people",
        "indicators",
        "themes",
        "notes",
    }
    assert facts["event_date"] == "2022-01-18"
    assert facts["instrument"]["kind"] == "chuong_trinh_phoi_hop"
    assert set(facts["instrument"]) == {
        "kind",
        "title",
        "period_start_year",
        "period_end_year",
        "chapters",
        "articles",
    }


def test_extract_prints_a_vietnamese_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bai.txt"
    path.write_text(LEAD, encoding="utf-8")
    out = io.StringIO()
    call_command("extract", str(path), stdout=out)
    assert "Ký kết văn bản phối hợp" in out.getvalue()
    assert "18/01/2022" in out.getvalue()


def test_extract_refuses_a_missing_file_in_vietnamese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("extract", str(tmp_path / "khong-co.txt"))
