"""The spreadsheet plumbing every app shares: reading bounded, uploads by content, exports
that Excel shows as typed. No database."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from kiemsat.lib import excel
from kiemsat.lib.excel import ImportRefused, check_upload, csv_text, table_rows, workbook_bytes
from kiemsat.lib.tests.test_bad_files import xlsx

ROOT = Path(excel.__file__).resolve().parents[1]


# --- exports ----------------------------------------------------------------------------------

RISKY = ['=HYPERLINK("http://x.example","Bấm")', "+84 912 345 678", "-5 ngày", "@SUM(A1)"]


def test_text_that_looks_like_a_formula_is_exported_as_text() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*RISKY, "Kiến nghị", 15548, date(2022, 1, 18)])
    data = workbook_bytes(book)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml  # no formula is stored
    cells = load_workbook(io.BytesIO(data)).active[1]
    assert [c.value for c in cells[:5]] == [*RISKY, "Kiến nghị"]
    assert [c.data_type for c in cells[:5]] == ["s"] * 5
    assert [c.quotePrefix for c in cells[:5]] == [True, True, True, True, False]
    assert cells[5].value == 15548 and cells[5].data_type == "n"


def test_every_excel_export_goes_through_workbook_bytes() -> None:
    """A module that makes a workbook hands it to workbook_bytes and never saves it itself."""
    makers = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or path == Path(excel.__file__).resolve():
            continue
        source = path.read_text()
        if "Workbook()" in source:
            makers.append(path.relative_to(ROOT).as_posix())
            assert "workbook_bytes(" in source, path
            assert not re.search(r"\bbook\.save\(", source), path
    assert len(makers) >= 5  # the figures, entry, quota, instrument and register workbooks


# --- reading ----------------------------------------------------------------------------------


def test_csv_is_read_as_utf8_with_or_without_bom_then_as_windows_1258() -> None:
    text = "Hạ Long,Đà Nẵng,Kiến nghị"
    assert csv_text(text.encode(), "a.csv") == text
    assert csv_text(b"\xef\xbb\xbf" + text.encode(), "a.csv") == text
    # as Windows-1258 writes it: vowel marks precomposed, tone marks after the letter
    windows = b"Ha\xf2 Long,\xd0a\xcc N\xe3\xdeng,Ki\xea\xecn nghi\xf2"
    assert csv_text(windows, "a.csv") == text  # composed (NFC), as typed on the web


def test_utf16_and_binary_files_are_not_csv() -> None:
    for data in ("a,b".encode("utf-16"), b"a,b\n\x00\x01"):
        with pytest.raises(ImportRefused, match="không phải CSV văn bản"):
            csv_text(data, "a.csv")


def rows_of(name: str, data: bytes, max_rows: int = 10) -> tuple[list[str], list[object]]:
    table = table_rows(name, data, max_rows=max_rows)
    return table.header, list(table.rows)


def test_blank_cells_right_of_the_header_are_not_extra_in_a_sheet() -> None:
    """openpyxl pads every row to the widest; only a filled cell there is extra."""
    data = xlsx([["a", "b"], [1, 2], [3, 4, None, None], [None, None, None, "x"]])
    with pytest.raises(ImportRefused) as refused:
        rows_of("t.xlsx", data)
    assert refused.value.errors == [
        "dòng 4: có 4 ô, nhiều hơn 2 cột của dòng tiêu đề (ô thừa ở cột 4: 'x'); "
        "xóa ô thừa hoặc thêm tên cột"
    ]


def test_a_csv_line_longer_than_its_header_is_an_error_even_with_blank_cells() -> None:
    with pytest.raises(ImportRefused) as refused:
        rows_of("t.csv", b"a,b\n1,2\n3,4,\n")
    assert refused.value.errors[0].startswith("dòng 3: có 3 ô, nhiều hơn 2 cột")
    assert rows_of("t.csv", b"a,b,\n1,2,\n") == (["a", "b", ""], [(2, ["1", "2", ""])])


def test_a_semicolon_csv_as_excel_writes_it_on_a_vietnamese_windows_is_read() -> None:
    semicolons = '\ufeffunit_code;period;note\r\nHA-LONG;03/2025;"Hạ Long; Cẩm Phả, 2"\r\n'
    assert rows_of("t.csv", semicolons.encode()) == (
        ["unit_code", "period", "note"],
        [(2, ["HA-LONG", "03/2025", "Hạ Long; Cẩm Phả, 2"])],
    )
    # a comma file whose cells hold semicolons stays a comma file
    assert rows_of("t.csv", b'a,b\n"x;y;z",2\n') == (["a", "b"], [(2, ["x;y;z", "2"])])


def test_the_separator_is_read_from_the_header_line() -> None:
    assert excel.csv_delimiter("a;b;c\n1,5;2;3\n") == ";"
    assert excel.csv_delimiter("a,b\n1;2;3;4\n") == ","
    assert excel.csv_delimiter('"x;y",b\n') == ","
    assert excel.csv_delimiter("\r\na;b\n") == ";"


def test_the_catalogue_sheet_follows_the_first_and_lists_codes_and_names() -> None:
    book = Workbook()
    excel.add_catalogue_sheet(book, [("unit_code", [("HA-LONG", "VKSND TP Hạ Long")])])
    book.create_sheet("Hướng dẫn")
    sheets = load_workbook(io.BytesIO(workbook_bytes(book))).worksheets
    assert [s.title for s in sheets][1:] == ["Danh mục", "Hướng dẫn"]
    assert [list(r) for r in sheets[1].iter_rows(values_only=True)] == [
        ["Cột", "Mã", "Tên"],
        ["unit_code", "HA-LONG", "VKSND TP Hạ Long"],
    ]


def test_blank_rows_are_skipped_and_lines_keep_their_numbers() -> None:
    header, rows = rows_of("t.csv", b"a,b\n\n1,2\n,\n3,4\n")
    assert (header, rows) == (["a", "b"], [(3, ["1", "2"]), (5, ["3", "4"])])


def test_data_rows_past_the_limit_refuse_the_file() -> None:
    content = b"a\n" + b"1\n" * 11
    with pytest.raises(ImportRefused, match="mỗi lần nhập tối đa 10 dòng"):
        rows_of("t.csv", content)
    assert len(rows_of("t.csv", b"a\n" + b"1\n" * 10)[1]) == 10


def test_an_xlsx_declaring_more_rows_than_allowed_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = xlsx([["a"], *[[i] for i in range(30)]])
    monkeypatch.setattr(excel, "MAX_BLANK_ROWS", 5)

    def parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook must not be opened")

    monkeypatch.setattr("openpyxl.load_workbook", parse)
    with pytest.raises(ImportRefused, match="Tệp có 31 dòng; mỗi lần nhập tối đa 10 dòng"):
        rows_of("t.xlsx", data)


def test_a_part_that_unpacks_past_the_limit_is_refused_from_the_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = xlsx([["a"], [1]])
    unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", unpacked - 1)
    with pytest.raises(ImportRefused, match="khi giải nén quá lớn"):
        rows_of("t.xlsx", data)
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", unpacked)
    assert rows_of("t.xlsx", data) == (["a"], [(2, [1])])


# --- uploads ----------------------------------------------------------------------------------


def docx(document: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", document)
    return out.getvalue()


DOCX = docx(b"<w:document/>")
PDF = b"%PDF-1.7\n"
SUFFIXES = (".pdf", ".doc", ".docx", ".png")


def upload_problem(name: str, content: bytes) -> str:
    try:
        check_upload(
            SimpleUploadedFile(name, content),
            field="document",
            suffixes=SUFFIXES,
            max_bytes=1024 * 1024,
            what="tệp PDF, Word hoặc ảnh PNG",
        )
    except ValidationError as exc:
        return exc.message_dict["document"][0]
    return ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ban-ky.pdf", DOCX, "Nội dung tệp 'ban-ky.pdf' không phải PDF như phần mở rộng .pdf."),
        ("ban-ky.docx", PDF, "Nội dung tệp 'ban-ky.docx' không phải Word như phần mở rộng .docx."),
        ("ban-ky.docx", xlsx([["a"]]), "không phải Word như phần mở rộng .docx"),
        ("ban-ky.docx", b"PK\x03\x04 broken", "không phải Word hợp lệ (tệp nén bị hỏng)"),
        ("ban-ky.docx", docx(b" " * (65 * 1024 * 1024)), "khi giải nén quá lớn"),
        ("ban-ky.doc", b"{\\rtf1 not a Word 97 file}", "không phải Word như phần mở rộng .doc"),
        ("ban-ky.png", PDF, "không phải PNG"),
        ("ban-ky.exe", PDF, "không được nhận: chỉ nhận tệp PDF, Word hoặc ảnh PNG"),
        ("ban-ky.pdf", b"", "rỗng"),
        ("ban-ky.pdf", PDF + b"0" * 1024 * 1024, "quá lớn: tối đa 1 MB"),
    ],
)
def test_an_upload_must_be_what_its_name_says(name: str, content: bytes, message: str) -> None:
    assert message in upload_problem(name, content)


def test_real_documents_are_accepted() -> None:
    assert upload_problem("ban-ky.pdf", PDF) == ""
    assert upload_problem("ban-ky.DOCX", DOCX) == ""
    assert upload_problem("ban-ky.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64) == ""


def test_a_table_starts_under_a_header_block_with_its_headers_frozen() -> None:
    from datetime import datetime
    from fractions import Fraction

    from kiemsat.lib.excel import SheetHead, first_body_row, put_count, put_percent, start_table

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    head = SheetHead(
        "Sổ theo dõi", [("Đơn vị", "VKSND tỉnh Quảng Ninh")], datetime(2025, 3, 1, 8, 5)
    )
    row = start_table(sheet, head, ["Đơn vị", "Tỷ lệ", "Số việc"], [30, 10, 10], frozen_columns=1)
    put_percent(sheet.cell(row=row + 1, column=2), Fraction(8478, 100))
    put_count(sheet.cell(row=row + 1, column=3), 15548)
    sheet = load_workbook(io.BytesIO(workbook_bytes(book))).active
    assert [sheet.cell(r, 1).value for r in range(1, 5)] == [
        "Sổ theo dõi",
        "Đơn vị: VKSND tỉnh Quảng Ninh",
        "Xuất lúc: 01/03/2025 08:05",
        None,
    ]
    assert row == 5 and sheet.freeze_panes == "B6" and first_body_row(sheet) == 6
    assert sheet.cell(5, 2).value == "Tỷ lệ" and sheet.cell(5, 2).font.bold
    percent, count = sheet.cell(6, 2), sheet.cell(6, 3)
    assert percent.value == pytest.approx(0.8478) and percent.number_format == "0.0%"
    assert count.value == 15548 and count.number_format == "#,##0"


# --- the plain CSV reader ---------------------------------------------------------------------

PLAIN_HEADER = ("unit_code", "period", "metric_code", "value")
PLAIN_CELL = st.text(alphabet=["A", "1", "-", " ", "é", "="], max_size=4)
ANY_CELL = st.text(alphabet=["A", "1", " ", ",", ";", '"', "\r", "\n"], max_size=3)
PLAIN_ROW = st.lists(PLAIN_CELL, min_size=4, max_size=4)
# Mostly plain rows, so that many files are plain; now and then a row that may not be.
ROW = st.one_of(PLAIN_ROW, PLAIN_ROW, PLAIN_ROW, st.lists(ANY_CELL, min_size=3, max_size=5))


def _general(data: bytes) -> list[tuple[int, list[str]]]:
    table = table_rows("t.csv", data, max_rows=50)
    return [(line, list(cells)) for line, cells in table.rows]


@settings(max_examples=400, deadline=None)
@given(
    rows=st.lists(ROW, max_size=6),
    separator=st.sampled_from([",", ";"]),
    ending=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_the_plain_reader_reads_what_the_general_reader_reads(
    rows: list[list[str]], separator: str, ending: str, bom: bool
) -> None:
    """Whenever the plain reader takes a file, its rows are the general reader's, cell for
    cell and line for line (a line of blank cells aside: the general reader leaves it out,
    the figures check skips it for its blank value)."""
    lines = [separator.join(PLAIN_HEADER), *(separator.join(row) for row in rows)]
    data = ("\ufeff" if bom else "").encode() + ending.join(lines).encode() + ending.encode()
    plain = excel.plain_csv_columns("t.csv", data, PLAIN_HEADER, max_rows=50)
    if plain is None:
        return
    line_numbers, *columns = plain
    kept = [
        (line, list(cells))
        for line, *cells in zip(line_numbers, *columns, strict=True)
        if any(c.strip() for c in cells)
    ]
    assert kept == _general(data)


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"unit_code,period,metric_code,value\nA,2025-01,M,1\n\nB,2025-01,M,2\n", "blank line"),
        (b"unit_code,period,metric_code,value\nA,2025-01,M,1,\nB,2025-01,M,2\n", "extra cell"),
        (b"unit_code,period,metric_code,value\nA,2025-01,M\nB,2025-01,M,2,9\n", "cells moved"),
        (b'unit_code,period,metric_code,value\n"A",2025-01,M,1\n', "quotes"),
        (b"unit_code,period,metric_code,value\nA,2025-01,M,1\rB,2025-01,M,2\n", "lone CR"),
        (b"period,unit_code,metric_code,value\n2025-01,A,M,1\n", "other column order"),
        (b"unit_code,period,metric_code,value\n", "no rows"),
        (b"unit_code,period,metric_code,value\nA,2025-01,M," + b"9" * 131_072 + b"\n", "long cell"),
        (b"PK\x03\x04unit_code,period,metric_code,value\nA,2025-01,M,1\n", "a zip"),
    ],
)
def test_the_plain_reader_leaves_files_it_cannot_read_whole_to_the_general_one(
    content: bytes, why: str
) -> None:
    assert excel.plain_csv_columns("t.csv", content, PLAIN_HEADER, max_rows=50) is None, why


def test_the_plain_reader_numbers_lines_and_splits_columns() -> None:
    content = "Unit_Code;period;metric_code;value\r\nHẠ-LONG;01/2025;M1;7\r\nB;2025-02; M2 ;\r\n"
    plain = excel.plain_csv_columns("t.csv", content.encode(), PLAIN_HEADER, max_rows=50)
    assert plain is not None
    assert [list(column) for column in plain] == [
        [2, 3],
        ["HẠ-LONG", "B"],
        ["01/2025", "2025-02"],
        ["M1", " M2 "],
        ["7", ""],
    ]
    assert excel.plain_csv_columns("t.csv", content.encode(), PLAIN_HEADER, max_rows=1) is None


@pytest.mark.parametrize("rows_before", [0, 1, 997, 4001])
@pytest.mark.parametrize("column", [0, 3])
def test_a_cell_as_long_as_the_readers_limit_is_found_anywhere(rows_before, column) -> None:  # type: ignore[no-untyped-def]
    """The plain reader looks for such a cell only where a window of half the limit holds
    no separator; a little shorter (a line's first cell counts the line end before it), the
    file stays plain."""
    limit = csv.field_size_limit()
    before = "".join(f"U{i},2025-01,M,{i}\n" for i in range(rows_before))
    for length, plain in ((limit - 2, True), (limit, False)):
        cells = ["A", "2025-01", "M", "1"]
        cells[column] = "9" * length
        data = f"unit_code,period,metric_code,value\n{before}{','.join(cells)}\nB,2025-01,M,2\n"
        got = excel.plain_csv_columns("t.csv", data.encode(), PLAIN_HEADER, max_rows=10_000)
        assert (got is not None) == plain, length
