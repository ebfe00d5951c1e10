"""One corpus of malformed files, driven through every import command.

Each file of the corpus is built for each importer (figures, quotas, the register of
protests and recommendations, coordination instruments) from its header and one valid row.
Whatever is wrong, the command exits with status 1, prints a Vietnamese message naming the
line ("dòng N: …") or the file ("Tệp …"), and leaves every table of the database with the
row count it had. The clock is frozen mid-March 2025 so "future" and "locked" are fixed.

Over 500 lines: it is one corpus and the two ways in that drive it. Each entry is a few
lines that only mean something beside the importers' headers and their one valid row, and
every importer must meet every entry; split by importer or by kind of damage, a new
importer or a new entry could be added to one half and silently miss the other.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from kiemsat.agreements.excel import IMPORT_COLUMNS as INSTRUMENT_COLUMNS
from kiemsat.emulation.sheets import sheet_load
from kiemsat.emulation.tests.conftest import YEAR as SCORE_YEAR
from kiemsat.emulation.tests.conftest import make_term, sheet_data
from kiemsat.indicators.models import QuotaLock, Submission, SubmissionStatus
from kiemsat.lib.excel import MAX_UNPACKED_BYTES
from kiemsat.lib.periods import Month
from kiemsat.org.models import Unit
from kiemsat.oversight.excel import IMPORT_COLUMNS as INTERVENTION_COLUMNS

pytestmark = pytest.mark.django_db

HA_LONG = "QUANG-NINH-HA-LONG"
NOW = datetime(2025, 3, 17, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@dataclass(frozen=True)
class Importer:
    command: str
    header: tuple[str, ...]
    good: tuple[Any, ...]  # one valid row
    roles: str  # the columns of a unit code, a whole number, free text, another code, a date
    future: Any  # a value of the date column after the current month
    max_rows: int
    csv: bool = True  # reads CSV as well as XLSX

    def row(self, **cells: Any) -> list[Any]:
        return [cells.get(name, value) for name, value in zip(self.header, self.good, strict=True)]

    def __getattr__(self, role: str) -> str:
        names = ("unit", "number", "text", "code", "date")
        if role not in names:
            raise AttributeError(role)
        return self.roles.split()[names.index(role)]


FIGURES = Importer(
    "import_figures",
    ("unit_code", "period", "metric_code", "value"),
    (HA_LONG, "2025-01", "TB_MOI", 5),
    "unit_code value metric_code metric_code period",
    "2025-04",
    1_048_575,
)
QUOTAS = Importer(
    "import_quotas",
    ("unit_code", "work_year", "indicator_code", "value"),
    (HA_LONG, 2025, "TB-03", 9),
    "unit_code value indicator_code indicator_code work_year",
    2099,
    1_048_575,
)
INTERVENTIONS = Importer(
    "import_interventions",
    tuple(code for code, _, _ in INTERVENTION_COLUMNS),
    (
        *(HA_LONG, "Kiến nghị", "Tiếp nhận, giải quyết tố giác, tin báo về tội phạm", 21),
        *("KN-VKS", "05/03/2025", "CA-HA-LONG", "Kiến nghị khắc phục vi phạm"),
        *(None, None, None, None, None, None),
    ),
    "unit_code number subject kind issued_on",
    "20/03/2099",
    5000,
)
INSTRUMENTS = Importer(
    "import_instruments",
    tuple(code for code, _ in INSTRUMENT_COLUMNS),
    (
        *("Chương trình phối hợp", "03/CTrPH-VKS-UBND", "Chương trình phối hợp năm 2020", ""),
        *("15/01/2020", "Hạ Long", "", "31/12/2020", "", HA_LONG, "Vũ Thị Đoan"),
        *("Viện trưởng", "UBND-HA-LONG", "Nguyễn Tiến Dũng", "Chủ tịch", HA_LONG),
    ),
    "don_vi so_ky_hieu ten loai ngay_ky",
    None,
    2000,
)
SCORES = Importer(
    "import_scores",
    ("unit_code", "year", "criterion_code", "points"),
    (HA_LONG, SCORE_YEAR, "2", "25"),
    "unit_code points criterion_code criterion_code year",
    2099,
    1_048_575,
)
IMPORTERS = [FIGURES, QUOTAS, INTERVENTIONS, INSTRUMENTS, SCORES]


# --- building files ----------------------------------------------------------------------------


def csv_text(rows: list[list[Any]], sep: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=sep).writerows(rows)
    return out.getvalue()


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese offices write it: letters with their vowel marks (â, ă,
    ê, ô, ơ, ư) precomposed, tone marks as separate bytes after them."""
    out = ""
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        out += unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones
    return out.encode("cp1258")


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(sheet_xml: bytes, rows_xml: bytes = b"") -> bytes:
    """A real workbook whose first sheet's XML is replaced (``rows_xml`` inside sheetData)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["a"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.replace(
                    b"<sheetData/>", b"<sheetData>" + rows_xml + b"</sheetData>"
                )
            archive.writestr(info.filename, data, compresslevel=9)
    return out.getvalue()


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s<sheetData/></worksheet>'


@cache
def blank_rows(count: int, *, declared: bool) -> bytes:
    """An XLSX of a few KB holding ``count`` blank rows."""
    dimension = b'<dimension ref="A1:D%d"/>' % count if declared else b""
    return with_sheet(SHEET % dimension, b"<row/>" * count)


@cache
def zip_bomb() -> bytes:
    """A sheet that unpacks past the limit from a file of about a hundred KB."""
    padding = b" " * (MAX_UNPACKED_BYTES + 1024)
    return with_sheet(SHEET % b'<dimension ref="A1:D1"/>' + padding)


def bad_workbooks() -> list[tuple[bytes, str]]:
    """(content, the refusal it gets, as a regular expression) for any XLSX reader."""
    return [
        (b"PK\x03\x04" + b"\x00" * 64, "không phải Excel \\(.xlsx\\) hợp lệ"),
        (zip_bomb(), "khi giải nén quá lớn"),
        (blank_rows(3_000_000, declared=True), "Tệp có 3.000.000 dòng"),
    ]


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def table(
    imp: Importer, rows: list[list[Any]], *, header: list[Any] | None = None
) -> tuple[str, bytes]:
    """The rows under the importer's header, as CSV if it reads CSV, else as XLSX."""
    lines = [list(imp.header) if header is None else header, *rows]
    if imp.csv:
        return "tep.csv", csv_text(lines).encode()
    return "tep.xlsx", xlsx(lines)


# --- the corpus --------------------------------------------------------------------------------
# Each entry: name → (build(importer) → (file name, bytes), messages expected on stderr). A
# message "{row}" is the importer's own wording, looked up in the entry's dict by command.


@dataclass(frozen=True)
class Bad:
    build: Callable[[Importer], tuple[str, bytes]]
    expect: tuple[str, ...] | dict[str, tuple[str, ...]]
    only: tuple[Importer, ...] = tuple(IMPORTERS)

    def messages(self, imp: Importer) -> tuple[str, ...]:
        return self.expect if isinstance(self.expect, tuple) else self.expect[imp.command]


CSV_COMMANDS = [i.command for i in IMPORTERS if i.csv]
NOT_CSV = {
    "import_figures": ("không phải CSV",),
    "import_quotas": ("không phải CSV",),
    "import_interventions": ("không phải CSV",),
    "import_instruments": ("không phải CSV",),
    "import_scores": ("không phải CSV",),
}


def _csv_only(imp: Importer, content: bytes) -> tuple[str, bytes]:
    return "tep.csv", content


CORPUS: dict[str, Bad] = {
    "empty file": Bad(lambda i: ("tep.csv" if i.csv else "tep.xlsx", b""), ("Tệp rỗng",)),
    "blank lines only": Bad(lambda i: ("tep.csv", b"\r\n \r\n\t\r\n"), ("Tệp rỗng",)),
    "header only": Bad(lambda i: table(i, []), ("không có dòng",)),
    "wrong header": Bad(
        lambda i: table(i, [i.row()], header=["ma_don_vi", *i.header[1:]]), ("dòng 1",)
    ),
    "missing header": Bad(lambda i: table(i, [i.row()], header=i.row()), ("dòng 1",)),
    "BOM and an unknown unit": Bad(
        lambda i: _csv_only(i, b"\xef\xbb\xbf" + table(i, [i.row(**{i.unit: "KHONG-CO"})])[1]),
        {**NOT_CSV, **{c: ("dòng 2", "KHONG-CO") for c in CSV_COMMANDS}},
    ),
    "semicolons (read as Excel writes them), an unknown unit": Bad(
        lambda i: _csv_only(
            i, csv_text([list(i.header), i.row(**{i.unit: "KHONG-CO"})], ";").encode()
        ),
        {**NOT_CSV, **{c: ("dòng 2", "KHONG-CO") for c in CSV_COMMANDS}},
    ),
    "semicolons with a BOM, an unknown code": Bad(
        lambda i: _csv_only(
            i,
            b"\xef\xbb\xbf"
            + csv_text([list(i.header), i.row(**{i.code: "KHONG-CO"})], ";").encode(),
        ),
        {**NOT_CSV, **{c: ("dòng 2", "KHONG-CO") for c in CSV_COMMANDS}},
    ),
    "Windows-1258, unknown unit": Bad(
        lambda i: _csv_only(i, cp1258(csv_text([list(i.header), i.row(**{i.unit: "HẠ-LONG-CŨ"})]))),
        {
            **NOT_CSV,
            **{c: ("dòng 2", "HẠ-LONG-CŨ") for c in CSV_COMMANDS},
        },
    ),
    "latin-1 bytes": Bad(
        lambda i: _csv_only(
            i, csv_text([list(i.header), i.row(**{i.unit: "CAFÉ"})]).encode("latin-1")
        ),
        ("dòng 2", "CAFÉ"),
        only=(FIGURES, QUOTAS),  # the register's valid row is not Latin-1 text
    ),
    "UTF-16": Bad(
        lambda i: _csv_only(
            i, codecs.BOM_UTF16_LE + csv_text([list(i.header), i.row()]).encode("utf-16-le")
        ),
        NOT_CSV,
    ),
    "NUL bytes": Bad(lambda i: _csv_only(i, table(i, [i.row()])[1] + b"\x00\x00"), NOT_CSV),
    "a line of 200,000 columns": Bad(
        lambda i: _csv_only(
            i, csv_text([list(i.header), [*i.row(), *["x"] * (200_000 - len(i.header))]]).encode()
        ),
        {
            **NOT_CSV,
            **{c: ("dòng 2: có 200.000 ô, nhiều hơn",) for c in CSV_COMMANDS},
        },
    ),
    "a row as wide as a sheet may be": Bad(
        lambda i: (
            "tep.xlsx",
            xlsx([list(i.header), [*i.row(), *["x"] * (16_384 - len(i.header))]]),
        ),
        ("Trang tính có 16.384 cột",),
    ),
    "one extra cell": Bad(lambda i: table(i, [[*i.row(), "thừa"]]), ("dòng 2: có ", "'thừa'")),
    "a cell longer than a CSV field may be": Bad(
        lambda i: _csv_only(i, table(i, [i.row(**{i.text: "x" * 200_000})])[1]),
        {
            **NOT_CSV,
            **{c: ("dòng 2: dòng CSV không đọc được",) for c in CSV_COMMANDS},
        },
    ),
    "formula in a text cell": Bad(
        lambda i: (
            "tep.xlsx",
            xlsx([list(i.header), i.row(**{i.text: '=HYPERLINK("http://x","y")'})]),
        ),
        ("dòng 2: ô ", "chứa công thức '=HYPERLINK("),
    ),
    "formula in a number cell": Bad(
        lambda i: ("tep.xlsx", xlsx([list(i.header), i.row(**{i.number: "=1+1"})])),
        ("dòng 2: ô ", "chứa công thức '=1+1'"),
    ),
    "corrupt XLSX": Bad(
        lambda i: ("tep.xlsx", b"PK\x03\x04" + b"\x00hong" * 200),
        ("không phải Excel (.xlsx) hợp lệ",),
    ),
    "truncated XLSX": Bad(
        lambda i: ("tep.xlsx", xlsx([list(i.header), i.row()])[:3000]),
        ("không phải Excel (.xlsx) hợp lệ",),
    ),
    "XLSX zip bomb": Bad(lambda i: ("tep.xlsx", zip_bomb()), ("khi giải nén quá lớn",)),
    "XLSX of 3,000,000 declared blank rows": Bad(
        lambda i: ("tep.xlsx", blank_rows(3_000_000, declared=True)),
        ("Tệp có 3.000.000 dòng; mỗi lần nhập tối đa",),
    ),
    "XLSX of blank rows, undeclared": Bad(
        lambda i: ("tep.xlsx", blank_rows(i.max_rows + 20_000, declared=False)),
        ("Tệp có quá nhiều dòng",),
    ),
    "XLSX declared 16,384 columns wide": Bad(
        lambda i: ("tep.xlsx", with_sheet(SHEET % b'<dimension ref="A1:XFD2"/>')), ("16.384 cột",)
    ),
    "a DOCX named .xlsx": Bad(
        lambda i: ("tep.xlsx", docx_bytes()), ("không phải Excel (.xlsx) hợp lệ",)
    ),
    "a PDF named .xlsx": Bad(
        lambda i: ("tep.xlsx", PDF), ("mang đuôi .xlsx nhưng không phải Excel",)
    ),
    "a PNG named .csv": Bad(lambda i: ("tep.csv", PNG), NOT_CSV),
    "a PDF": Bad(lambda i: ("tep.pdf", PDF), ("không phải ",)),
    "huge number": Bad(lambda i: table(i, [i.row(**{i.number: 10**30})]), ("dòng 2",)),
    "negative number": Bad(lambda i: table(i, [i.row(**{i.number: -3})]), ("dòng 2",)),
    "decimal number": Bad(
        lambda i: table(i, [i.row(**{i.number: "2,5"})]),
        ("dòng 2",),
        only=(FIGURES, QUOTAS, INTERVENTIONS, INSTRUMENTS),  # points take a decimal comma
    ),
    "unknown code": Bad(
        lambda i: table(i, [i.row(**{i.code: "KHONG-CO"})]), ("dòng 2", "KHONG-CO")
    ),
    "a unit's name that two units bore": Bad(
        lambda i: table(i, [i.row(**{i.unit: "vksnd tinh bac ninh"})]),
        ("dòng 2", '"vksnd tinh bac ninh" khớp nhiều đơn vị', "(BAC-NINH)", "(BAC-NINH-2025)"),
    ),
    "unknown unit": Bad(
        lambda i: table(i, [i.row(), i.row(**{i.unit: "KHONG-CO"})]), ("dòng 3", "KHONG-CO")
    ),
    "bad date": Bad(
        lambda i: table(i, [i.row(**{i.date: "32/13/2025"})]), ("dòng 2", "32/13/2025")
    ),
    "future month": Bad(
        lambda i: table(i, [i.row(), i.row(**{i.date: i.future})]),
        {
            "import_figures": ("dòng 3: kỳ '2025-04' chưa tới",),
            "import_quotas": ("dòng 3: năm công tác 2099 chưa tới",),
            "import_interventions": ("dòng 3",),
        },
        only=(FIGURES, QUOTAS, INTERVENTIONS),
    ),
    "locked month": Bad(
        lambda i: table(i, [i.row()]),
        {
            "import_figures": (
                "dòng 2: tháng 01/2025 của đơn vị 'QUANG-NINH-HA-LONG' đã được duyệt và khóa",
            ),
            "import_quotas": ("dòng 2", "đã được duyệt và khóa"),
        },
        only=(FIGURES, QUOTAS),
    ),
    "duplicate rows": Bad(lambda i: table(i, [i.row(), i.row()]), ("dòng 3",)),
    "too many rows": Bad(
        lambda i: table(i, [i.row() for _ in range(i.max_rows + 1)]),
        ("mỗi lần nhập tối đa",),
        only=(INTERVENTIONS, INSTRUMENTS),
    ),
    "a required cell left blank": Bad(lambda i: table(i, [i.row(**{i.unit: ""})]), ("dòng 2",)),
}


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def prepare(imp: Importer, bad: Bad | None = None) -> None:
    """What the importer's valid row needs, and for "locked month" its month locked."""
    if imp is SCORES:
        sheet_load(actor=None, data=sheet_data())
        make_term(Unit.objects.in_bulk(field_name="code"))
    if bad is CORPUS["locked month"]:
        lock(imp)


def lock(imp: Importer) -> None:
    """Approve what the valid row writes to: Hạ Long's January 2025, Quảng Ninh's quotas."""
    if imp is FIGURES:
        unit = Unit.objects.get(code=HA_LONG)
        Submission.objects.create(
            unit=unit, period=Month(2025, 1).index, status=SubmissionStatus.APPROVED
        )
    elif imp is QUOTAS:
        QuotaLock.objects.create(
            unit=Unit.objects.get(code="QUANG-NINH"),
            work_year=2025,
            status=SubmissionStatus.APPROVED,
        )


CASES = [
    pytest.param(imp, bad, id=f"{imp.command}-{name}")
    for name, bad in CORPUS.items()
    for imp in IMPORTERS
    if imp in bad.only
]


def test_the_corpus_is_large_and_covers_every_importer() -> None:
    assert len(CORPUS) >= 30
    assert {imp.command for imp, _ in (c.values for c in CASES)} == {i.command for i in IMPORTERS}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("imp", "bad"), CASES)
def test_a_bad_file_is_refused_by_line_and_changes_nothing(units, tmp_path: Path, imp, bad) -> None:  # type: ignore[no-untyped-def]
    prepare(imp, bad)
    name, content = bad.build(imp)
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(imp.command, str(path), stdout=io.StringIO(), stderr=err)
    assert exited.value.code == 1
    *errors, last = err.getvalue().splitlines()
    assert last.endswith("cơ sở dữ liệu không đổi."), last
    assert errors
    for error in errors:
        assert error.startswith(("dòng ", "Tệp", "Trang tính", "…")), error
    for message in bad.messages(imp):
        assert any(message in e for e in errors), (message, errors)
    assert counts() == before


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("imp", IMPORTERS, ids=lambda i: i.command)
def test_the_valid_row_of_the_corpus_is_imported(units, tmp_path: Path, imp) -> None:  # type: ignore[no-untyped-def]
    """The corpus's files are wrong only where they say: its valid row goes in."""
    prepare(imp)
    name, content = table(imp, [imp.row()])
    path = tmp_path / name
    path.write_bytes(content)
    before = counts()
    call_command(imp.command, str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert counts() != before


# --- the same files through the upload pages ---------------------------------------------------

UPLOADS = {  # command → (who uploads, the page's URL name, its arguments)
    "import_figures": ("halong.ksv", "figures_upload", ()),
    "import_quotas": ("qn.vientruong", "quota_upload", ("QUANG-NINH", 2025)),
    "import_interventions": ("halong.ksv", "intervention_import", ()),
    "import_instruments": ("halong.ksv", "instrument_import", ()),
}
ON_THE_WEB = (
    "Windows-1258, unknown unit",
    "semicolons (read as Excel writes them), an unknown unit",
    "a line of 200,000 columns",
    "formula in a text cell",
    "corrupt XLSX",
    "XLSX zip bomb",
    "XLSX of 3,000,000 declared blank rows",
    "a PDF named .xlsx",
    "huge number",
    "future month",
    "duplicate rows",
)
WEB_CASES = [
    case
    for case in CASES
    if case.id.split("-", 1)[1] in ON_THE_WEB and case.values[0].command in UPLOADS
]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(("imp", "bad"), WEB_CASES)
def test_a_bad_file_is_refused_by_every_upload_page(
    units, client_for, settings, tmp_path, imp, bad
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    username, url_name, args = UPLOADS[imp.command]
    url = reverse(url_name, args=[units[a].pk if a in units else a for a in args])
    name, content = bad.build(imp)
    client = client_for(username)  # signed in: the session is not the upload's doing
    before = counts()
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    errors = response.context["errors"]
    for message in bad.messages(imp):
        assert any(message in e for e in errors), (message, errors)
    assert counts() == before
