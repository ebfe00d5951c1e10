"""Spreadsheet plumbing shared by the imports and exports of every app.

Reading refuses a whole file, with one Vietnamese message per problem, before any row is
looked at; writing gives a workbook's bytes with bold wrapped headers and dates shown
dd/mm/yyyy. Plain openpyxl, imported when a file is read or made; nothing here knows a model.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any, NoReturn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
DATE_INPUTS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")
MAX_ERRORS = 200


class ImportRefused(Exception):
    """The whole file or batch is refused; ``errors`` holds one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# --- reading -------------------------------------------------------------------------------


def read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    """The file's bytes, refused when there are more than ``max_bytes``."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportRefused([f"Tệp quá lớn: tối đa {max_bytes // (1024 * 1024)} MB."])
    return data


def open_xlsx(data: bytes, *, data_only: bool = True) -> Any:
    """A read-only workbook; ``data_only=False`` keeps formulas as text instead of values."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise ImportRefused(["Tệp không phải XLSX hợp lệ."]) from exc


def csv_text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([f"Tệp '{name}' không phải CSV (UTF-8) hoặc XLSX."]) from exc


def header_names(cells: Iterable[Any]) -> list[str]:
    """A header row as lower-case column codes ("" for a blank cell)."""
    return [str(cell or "").strip().lower() for cell in cells]


def parse_date(value: Any) -> date | None:
    """A date from a date cell or text; None when blank; ValueError with a message otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_INPUTS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"ngày '{text}' không hợp lệ (dd/mm/yyyy)")


def error_limit_reached(errors: list[str]) -> bool:
    """True, with a closing line added, once ``MAX_ERRORS`` problems are listed: stop there."""
    if len(errors) < MAX_ERRORS:
        return False
    errors.append(f"… dừng kiểm tra sau {MAX_ERRORS} lỗi.")
    return True


def exit_refused(stderr: Any, refused: ImportRefused) -> NoReturn:
    """What an import command does with a refused file: every message, then exit status 1."""
    for error in refused.errors:
        stderr.write(error)
    stderr.write(f"Không nhập: {len(refused.errors)} lỗi; cơ sở dữ liệu không đổi.")
    raise SystemExit(1) from None


# --- writing -------------------------------------------------------------------------------


def style_header(cells: Iterable[Any], *, fill: str = "") -> None:
    """Bold, wrapped, top-aligned header cells, on a ``fill`` colour (hex) if given."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in cells:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)


def set_widths(sheet: Any, widths: Sequence[float], *, first_column: int = 1) -> None:
    from openpyxl.utils import get_column_letter

    for column, width in enumerate(widths, start=first_column):
        sheet.column_dimensions[get_column_letter(column)].width = width


def show_dates(sheet: Any, *, min_row: int, wrap: bool = False) -> None:
    """Date cells shown dd/mm/yyyy (they stay real dates); with ``wrap`` every cell wraps."""
    from openpyxl.styles import Alignment

    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            if wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def workbook_bytes(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
