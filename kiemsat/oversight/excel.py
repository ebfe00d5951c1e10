"""The register in Excel: the list exported as filtered, the import template, reading a file.

Import files have one header row of column codes (IMPORT_COLUMNS, any order, extra columns
ignored) and one intervention per row. Codes or Vietnamese names are accepted for the unit,
recipient, rule, kind, field and outcome; dates as date cells, dd/mm/yyyy or yyyy-mm-dd.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from kiemsat.lib.excel import (
    ImportRefused,
    SheetHead,
    add_catalogue_sheet,
    read_limited,
    show_dates,
    start_table,
    style_header,
    table_rows,
    workbook_bytes,
)
from kiemsat.org.lifecycle import EXAMPLE_UNIT_CODE
from kiemsat.oversight.clock import Status
from kiemsat.oversight.models import Field, Intervention, Kind, Outcome

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
EXPORT_WIDTHS = (28, 22, 16, 14, 12, 28, 50, 24, 12, 12, 12, 12, 18, 28, 16)

IMPORT_COLUMNS = (
    ("unit_code", f"Đơn vị ban hành: mã (ví dụ {EXAMPLE_UNIT_CODE}) hoặc tên", True),
    ("kind", "Loại (mã hoặc tên, ví dụ: Kiến nghị)", True),
    ("field", "Lĩnh vực (mã hoặc tên, ví dụ: Hình sự)", True),
    ("number", "Số văn bản (số nguyên)", True),
    ("symbol", "Ký hiệu (ví dụ KN-VKS)", True),
    ("issued_on", "Ngày ban hành (dd/mm/yyyy)", True),
    ("recipient_code", "Cơ quan nhận: mã hoặc tên (xem trang Danh mục)", True),
    ("subject", "Trích yếu", True),
    ("rule_code", "Quy tắc thời hạn trả lời: mã hoặc tên (có thể để trống)", False),
    ("received_on", "Ngày cơ quan nhận", False),
    ("extended_to", "Gia hạn đến ngày", False),
    ("answered_on", "Ngày trả lời / ngày Tòa án quyết định", False),
    ("outcome", "Kết quả (Chấp nhận, Chấp nhận một phần, Không chấp nhận)", False),
    ("court_decision", "Bản án, quyết định của Tòa án", False),
)
REQUIRED = tuple(code for code, _, required in IMPORT_COLUMNS if required)

EXPORT_HEADERS = (
    "Đơn vị ban hành",
    "Loại",
    "Lĩnh vực",
    "Số, ký hiệu",
    "Ngày ban hành",
    "Cơ quan nhận",
    "Trích yếu",
    "Căn cứ thời hạn",
    "Ngày nhận",
    "Hạn trả lời",
    "Gia hạn đến",
    "Ngày trả lời",
    "Kết quả",
    "Bản án, quyết định của Tòa án",
    "Tình trạng",
)


@dataclass
class ImportRow:
    line: int
    cells: dict[str, Any]


# --- export --------------------------------------------------------------------------------


def _export_row(iv: Intervention) -> list[Any]:
    status: Status | None = getattr(iv, "status", None)
    return [
        iv.unit.name,
        iv.get_kind_display(),
        iv.get_field_display(),
        iv.number_display,
        iv.issued_on,
        iv.recipient.name,
        iv.subject,
        iv.rule.legal_basis if iv.rule else "",
        iv.received_on,
        iv.due_on,
        iv.extended_to,
        iv.answered_on,
        iv.get_outcome_display(),
        iv.court_decision,
        status.label if status else "",
    ]


def export_xlsx(rows: Iterable[Intervention], *, head: SheetHead) -> bytes:
    """The filtered list, one row per intervention; dates as real dates shown dd/mm/yyyy."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kháng nghị, kiến nghị"
    start = start_table(sheet, head, EXPORT_HEADERS, EXPORT_WIDTHS)
    for iv in rows:
        sheet.append(_export_row(iv))
    show_dates(sheet, min_row=start + 1)
    return workbook_bytes(book)


def import_template(catalogue: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> bytes:
    """An empty sheet with the column codes, the "Danh mục" of the codes and names the person
    may use (``selectors.import_catalogue``), and a sheet explaining the columns."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "So theo doi"
    sheet.append([code for code, _, _ in IMPORT_COLUMNS])
    style_header(sheet[1])
    add_catalogue_sheet(book, catalogue)
    guide = book.create_sheet("Huong dan")
    guide.append(["Cột", "Nội dung", "Bắt buộc"])
    for code, text, required in IMPORT_COLUMNS:
        guide.append([code, text, "có" if required else ""])
    guide.append([])
    for title, choices in (("kind", Kind.choices), ("field", Field.choices)):
        guide.append([f"Giá trị của cột {title}"])
        for value, label in choices:
            guide.append([value, label])
    guide.append(["Giá trị của cột outcome"])
    for value, label in Outcome.choices:
        guide.append([value, label])
    return workbook_bytes(book)


# --- reading -------------------------------------------------------------------------------


def read_file(name: str, stream: IO[bytes]) -> list[ImportRow]:
    data = read_limited(stream, MAX_FILE_BYTES)
    table = table_rows(name, data, formats=("xlsx", "csv"), max_rows=MAX_ROWS)
    missing = [code for code in REQUIRED if code not in table.header]
    if missing:
        raise ImportRefused([f"dòng 1: thiếu cột {', '.join(missing)}."])
    rows = [
        ImportRow(
            line, dict(zip(table.header, [*cells, *[None] * len(table.header)], strict=False))
        )
        for line, cells in table.rows
    ]
    if not rows:
        raise ImportRefused(["Tệp không có dòng nào ngoài dòng tiêu đề."])
    return rows


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
