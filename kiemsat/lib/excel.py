"""Spreadsheet plumbing shared by the imports and exports of every app.

Reading (``table_rows``) is bounded before anything is parsed: the bytes by the caller's
limit, an XLSX by its parts' unpacked size and its sheets' rows as declared or counted; it
refuses a whole file, or names each bad line ("dòng N: …"), in Vietnamese. Uploaded
documents are checked by content (``check_upload``). Writing gives every export the same
face (``start_table``: a header block naming unit, period and time of export above frozen
column headers; ``put_percent``/``put_count``: rates as fractions shown "84,8%", counts as
whole numbers grouped by thousands; dates shown dd/mm/yyyy) and a workbook's bytes
(``workbook_bytes``, the one way out) with formula-like text kept as text. Plain openpyxl,
imported when a file is read or made; nothing here knows a model.

Over 500 lines: reading, checking uploads and writing share the limits, the encodings and
the formula guard (text that Excel would run is refused on the way in and kept as text on
the way out); kept together so that the two directions cannot drift apart.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import IO, Any, NoReturn, cast

from kiemsat.lib.vn import format_int

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

MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # an XLSX's parts, summed, before any is parsed
MAX_ZIP_MEMBERS = 2000
MAX_COLUMNS = 1000  # a sheet wider than this is not a template someone filled in
MAX_BLANK_ROWS = 10_000  # blank rows tolerated beyond a file's row limit
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel (.xlsx)"}
CSV_ENCODINGS = ("utf-8-sig", "cp1258")  # Vietnamese offices still save Windows-1258


def read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    """The file's bytes, refused when there are more than ``max_bytes``."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportRefused([f"Tệp quá lớn: tối đa {max_bytes // (1024 * 1024)} MB."])
    return data


def open_zip(data: bytes | IO[bytes], label: str, *, max_unpacked: int) -> zipfile.ZipFile:
    """A ZIP container (XLSX, DOCX) whose parts, as its central directory declares them, are
    few and small enough to unpack; nothing is decompressed here. (Python's zipfile stops at
    each part's declared size, so a part cannot unpack to more than it declares.)"""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportRefused([f"Tệp không phải {label} hợp lệ (tệp nén bị hỏng)."]) from exc
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > max_unpacked:
        limit = max_unpacked // (1024 * 1024)
        raise ImportRefused(
            [
                f"Tệp {label} khi giải nén quá lớn (hơn {limit} MB): không đọc; "
                "hãy chia nhỏ hoặc kiểm tra lại tệp."
            ]
        )
    return archive


def open_xlsx(data: bytes, *, data_only: bool = True, max_rows: int | None = None) -> Any:
    """A read-only workbook; ``data_only=False`` keeps formulas as text instead of values.

    Refused before openpyxl parses a sheet when the parts would unpack to more than
    MAX_UNPACKED_BYTES, or, with ``max_rows``, when a sheet declares or holds more rows than
    that (plus MAX_BLANK_ROWS) or more than MAX_COLUMNS columns."""
    from openpyxl import load_workbook

    archive = open_zip(data, "Excel (.xlsx)", max_unpacked=MAX_UNPACKED_BYTES)
    if max_rows is not None:
        _check_sheet_sizes(archive, max_rows)
    try:
        return load_workbook(archive.fp, read_only=True, data_only=data_only)  # type: ignore[arg-type]
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise ImportRefused(["Tệp không phải Excel (.xlsx) hợp lệ."]) from exc


ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
DIMENSION_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"([A-Z]+\d+:)?([A-Z]{1,3})(\d+)\""
)
CHUNK = 1024 * 1024


def _check_sheet_sizes(archive: zipfile.ZipFile, max_rows: int) -> None:
    """Every sheet's rows, as its dimension declares them and as row elements counted in its
    XML streamed by chunks (a sheet may omit its dimension), and its declared width."""
    for member in archive.infolist():
        name = member.filename
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        limit = max_rows + MAX_BLANK_ROWS
        declared, counted, columns = _sheet_size(archive, member, limit)
        if declared > limit or counted > limit:  # a count stopped early is not the whole
            raise ImportRefused([_too_many_rows(max_rows, declared if declared > limit else 0)])
        if columns > MAX_COLUMNS:
            raise ImportRefused(
                [f"Trang tính có {format_int(columns)} cột; tối đa {format_int(MAX_COLUMNS)} cột."]
            )


def _sheet_size(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int
) -> tuple[int, int, int]:
    """(declared rows, counted rows, declared columns) of a sheet; the count stops once it
    passes ``limit``."""
    from openpyxl.utils import column_index_from_string

    declared = columns = counted = 0
    rest = b""
    try:
        with archive.open(member) as part:
            while chunk := part.read(CHUNK):
                text = rest + chunk
                if not declared and (found := DIMENSION_TAG.search(text)):
                    declared = int(found[3])
                    columns = column_index_from_string(found[2].decode())
                cut = text.rfind(b"<")  # no tag is cut in two: the rest waits for the next chunk
                counted += len(ROW_TAG.findall(text, 0, max(cut, 0)))
                if max(declared, counted) > limit:
                    break
                rest = text[max(cut, 0) :][-CHUNK:]
            counted += len(ROW_TAG.findall(rest))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportRefused(["Tệp không phải Excel (.xlsx) hợp lệ (tệp nén bị hỏng)."]) from exc
    return declared, counted, columns


def csv_text(data: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1258, whose
    separate tone marks are composed (NFC) so that "Hạ Long" reads as typed."""
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != CSV_ENCODINGS[0]:
            text = unicodedata.normalize("NFC", text)
        if "\x00" in text:
            break
        return text
    raise ImportRefused(
        [f"Tệp '{name}' không phải CSV văn bản (mã UTF-8 hoặc Windows-1258) hoặc Excel (.xlsx)."]
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What an uploaded file's first bytes (or, for Office files, its parts) must be for its name.
UPLOAD_TYPES: dict[str, tuple[str, str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", "PDF", (b"%PDF-",)),
    ".jpg": ("image/jpeg", "JPG", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", "JPG", (b"\xff\xd8\xff",)),
    ".png": ("image/png", "PNG", (b"\x89PNG\r\n\x1a\n",)),
    ".doc": ("application/msword", "Word", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".docx": (DOCX, "Word", (b"PK\x03\x04",)),
    ".xls": ("application/vnd.ms-excel", "Excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xlsx": (XLSX, "Excel", (b"PK\x03\x04",)),
}
OFFICE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}


def check_upload(
    upload: Any, *, field: str, suffixes: Collection[str], max_bytes: int, what: str
) -> str:
    """The content type of an uploaded file (a Django ``File``) whose name, size and content
    agree; ValidationError on ``field`` with one message naming the file otherwise. A Word
    or Excel file must be a sound container holding its main part, small enough unpacked.
    ``what`` names the accepted files for the message ("bản quét PDF, JPG hoặc PNG")."""
    from django.core.exceptions import ValidationError

    try:
        return _upload_type(upload, suffixes=suffixes, max_bytes=max_bytes, what=what)
    except ImportRefused as refused:
        raise ValidationError({field: refused.errors}) from None


def _upload_type(upload: Any, *, suffixes: Collection[str], max_bytes: int, what: str) -> str:
    name = upload.name or ""
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes or suffix not in UPLOAD_TYPES:
        raise ImportRefused([f"Tệp '{name}' không được nhận: chỉ nhận {what}."])
    size = upload.size or 0
    if size > max_bytes:
        raise ImportRefused([f"Tệp '{name}' quá lớn: tối đa {max_bytes // (1024 * 1024)} MB."])
    if not size:
        raise ImportRefused([f"Tệp '{name}' rỗng."])
    content_type, label, signatures = UPLOAD_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    wrong = [f"Nội dung tệp '{name}' không phải {label} như phần mở rộng {suffix}."]
    if not head.startswith(signatures):
        raise ImportRefused(wrong)
    if suffix in OFFICE_PARTS:
        archive = open_zip(upload.read(), label, max_unpacked=MAX_UNPACKED_BYTES)
        upload.seek(0)
        if OFFICE_PARTS[suffix] not in archive.namelist():
            raise ImportRefused(wrong)
    return content_type


@dataclass
class Table:
    """A file's header (lower-case column codes) and its non-blank rows as (line, cells).

    Problems met while reading the rows (cells beyond the header, formulas) are collected
    and raised together, as one ImportRefused, once the rows are read to the end."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]


def table_rows(
    name: str, data: bytes, *, formats: Sequence[str] = ("csv", "xlsx"), max_rows: int
) -> Table:
    """The rows of a CSV or XLSX file (by its name and first bytes), at most ``max_rows``.

    Refused whole: an empty file, another kind of file, an XLSX too big unpacked or too
    long as declared. Refused by line: cells right of the header's last column, an XLSX
    formula (its text begins with "="), a line the CSV reader cannot split. A CSV may be
    separated by commas or semicolons (``csv_delimiter``)."""
    if not data.strip():
        raise ImportRefused(["Tệp rỗng: không có dòng nào."])
    kind = _kind(name, data, formats)
    cells = _xlsx_cells(data, max_rows) if kind == "xlsx" else _csv_cells(data, name)
    first = next(cells, None)
    if not first or all(_blank(c) for c in first):
        raise ImportRefused(["dòng 1: thiếu dòng tiêu đề (tệp không có tên cột ở dòng đầu)."])
    header = header_names(first)
    if kind == "xlsx":
        while header and not header[-1]:
            header.pop()
    return Table(header, _checked_rows(cells, header, kind, max_rows))


def plain_csv_columns(
    name: str, data: bytes, header: Sequence[str], *, max_rows: int
) -> tuple[Sequence[Any], ...] | None:
    """(lines, then one column per name of ``header``) of a CSV file read whole by string
    splitting, or None when the file is not that plain and needs ``table_rows``.

    Plain means: text, its first line exactly ``header`` (any case, spaces around names),
    every other line exactly that many cells, no quotes, no blank lines, no lone carriage
    return, at most ``max_rows`` lines. For such a file the result is what ``table_rows``
    gives, cell for cell; a million rows are read in a fraction of a second."""
    if Path(name).suffix.lower() not in (".csv", ".txt", "") or data[:4] == b"PK\x03\x04":
        return None
    try:
        text = csv_text(data, name)
    except ImportRefused:
        return None  # the reader says why
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    delimiter = csv_delimiter(text)
    header_end = text.find("\n")
    if header_end < 0 or header_names(text[:header_end].split(delimiter)) != list(header):
        return None  # no rows, or not the header
    width = len(header)
    # Each line's end becomes a separator too, kept as the first character of the next
    # line's first cell: the file is plain exactly when every width-th cell after the
    # header's, and no other, begins a line. The file's last line end, if any, is a cell
    # of its own.
    joined = text.replace("\n", delimiter + "\n")
    cells = joined.split(delimiter)
    if cells[-1] == "\n":
        cells.pop()
    rows, extra = divmod(len(cells) - width, width)
    if extra or not 0 < rows <= max_rows or text.count("\n") - text.endswith("\n") != rows:
        return None
    limit = csv.field_size_limit()
    if _may_run(joined, delimiter, limit) and max(map(len, cells)) >= limit:
        return None  # a cell too long for the reader: it says so
    # A cell holding a line's end begins with it and holds no other: the line ends must
    # all be in the cells that begin lines, one each.
    starts = "".join(cells[width::width])
    if starts.count("\n") != rows:
        return None  # a blank line, a missing or an extra cell: the reader names the line
    first_column = starts.split("\n")[1:]
    return (
        range(2, rows + 2),
        first_column,
        *(cells[i::width] for i in range(width + 1, 2 * width)),
    )


def _may_run(text: str, separator: str, length: int) -> bool:
    """False when ``text`` surely has no ``length`` characters in a row without
    ``separator``: such a stretch would cover one of the windows of half that length laid
    end to end from the start, and each of them holds the separator."""
    half = max(length // 2, 1)
    return any(text.find(separator, i, i + half) < 0 for i in range(0, len(text) - half + 1, half))


def _kind(name: str, data: bytes, formats: Sequence[str]) -> str:
    suffix = Path(name).suffix.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if "xlsx" in formats and suffix in (".xlsx", "") and is_zip:
        return "xlsx"
    if "csv" in formats and suffix in (".csv", ".txt", "") and not is_zip:
        return "csv"
    wanted = " hoặc ".join(FORMAT_LABELS[f] for f in formats)
    if suffix == ".xlsx" and "xlsx" in formats:
        raise ImportRefused([f"Tệp '{name}' mang đuôi .xlsx nhưng không phải Excel (.xlsx)."])
    raise ImportRefused([f"Tệp '{name}' không phải {wanted}."])


def _xlsx_cells(data: bytes, max_rows: int) -> Iterator[Sequence[Any]]:
    sheets = open_xlsx(data, data_only=False, max_rows=max_rows).worksheets
    if not sheets:
        raise ImportRefused(["Tệp Excel không có trang tính nào."])
    try:
        yield from sheets[0].iter_rows(values_only=True)
    except Exception as exc:  # a damaged part shows only once it is read
        raise ImportRefused(["Tệp không phải Excel (.xlsx) hợp lệ (trang tính bị hỏng)."]) from exc


def csv_delimiter(text: str) -> str:
    """The separator of a CSV text, read from its first line: a semicolon where Excel on a
    Vietnamese Windows puts one (its list separator), a comma otherwise."""
    first = text.lstrip("\r\n").partition("\n")[0]
    unquoted = re.sub(r'"[^"]*"', "", first)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _csv_cells(data: bytes, name: str) -> Iterator[list[str]]:
    text = csv_text(data, name)
    reader = csv.reader(io.StringIO(text), delimiter=csv_delimiter(text))
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportRefused(
                [f"dòng {line}: dòng CSV không đọc được (ô quá dài hoặc dấu ngoặc kép lệch)."]
            ) from exc
        yield row
        line += 1


def _checked_rows(
    cells: Iterator[Sequence[Any]], header: list[str], kind: str, max_rows: int
) -> Iterator[tuple[int, list[Any]]]:
    errors: list[str] = []
    count, width = 0, len(header)
    for line, row in enumerate(cells, start=2):
        if line > max_rows + MAX_BLANK_ROWS + 1:
            raise ImportRefused([_too_many_rows(max_rows)])
        # The usual CSV line (the header's number of cells, not all blank) needs no closer
        # look: a million-row file spends most of its reading time here.
        usual = kind == "csv" and len(row) == width and "".join(row).strip()
        if not usual and (not row or all(_blank(c) for c in row)):
            continue
        count += 1
        if count > max_rows:
            raise ImportRefused([_too_many_rows(max_rows)])
        problem = "" if usual else _row_problem(row, header, kind)
        if problem:
            errors.append(f"dòng {line}: {problem}")
            if error_limit_reached(errors):
                break
            continue
        yield line, cast(list[Any], row) if usual else list(row[:width])  # CSV rows are lists
    if errors:
        raise ImportRefused(errors)


def _row_problem(row: Sequence[Any], header: list[str], kind: str) -> str:
    width = len(header)
    extra = [(i, c) for i, c in enumerate(row[width:], start=width + 1) if not _blank(c)]
    if extra or (kind == "csv" and len(row) > width):
        position, value = extra[0] if extra else (width + 1, "")
        return (
            f"có {format_int(len(row))} ô, nhiều hơn {width} cột của dòng tiêu đề "
            f"(ô thừa ở cột {position}{_shown(value)}); xóa ô thừa hoặc thêm tên cột"
        )
    if kind == "xlsx":
        for name, cell in zip(header, row, strict=False):
            if isinstance(cell, str) and cell.startswith("="):
                return f"ô {name or 'không tên'} chứa công thức '{cell[:30]}'; chỉ nhận giá trị"
    return ""


def _shown(value: Any) -> str:
    return f": '{str(value)[:30]}'" if not _blank(value) else ""


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _too_many_rows(max_rows: int, declared: int = 0) -> str:
    found = f"Tệp có {format_int(declared)} dòng" if declared else "Tệp có quá nhiều dòng"
    return f"{found}; mỗi lần nhập tối đa {format_int(max_rows)} dòng, hãy chia nhỏ tệp."


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


CATALOGUE_SHEET = "Danh mục"


def add_catalogue_sheet(
    book: Any, sections: Iterable[tuple[str, Iterable[tuple[str, str]]]]
) -> Any:
    """A "Danh mục" sheet after the first: for each column of the template that names
    something, the codes and names the person may write in it (either is accepted)."""
    sheet = book.create_sheet(CATALOGUE_SHEET, 1)
    sheet.append(["Cột", "Mã", "Tên"])
    style_header(sheet[1], fill="EEF2F5")
    for column, entries in sections:
        for code, name in entries:
            sheet.append([column, code, name])
    set_widths(sheet, (18, 34, 70))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:C{max(sheet.max_row, 2)}"
    return sheet


COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
HEADER_FILL = "EEF2F5"


def put_count(cell: Any, value: int | None) -> None:
    """A count as a whole number shown with thousands grouped (Excel's locale picks the
    separator: 15.548 on a Vietnamese Windows)."""
    if value is not None:
        cell.value, cell.number_format = int(value), COUNT_FORMAT


def put_percent(cell: Any, percent: Fraction | float | None, *, decimals: int = 1) -> None:
    """A rate given in percent (84.78) stored as its fraction (0.8478) and shown "84,8%", so
    Excel can sum, sort and chart it."""
    if percent is not None:
        cell.value = float(Fraction(percent) / 100)
        cell.number_format = "0." + "0" * max(decimals, 1) + "%"


@dataclass(frozen=True)
class SheetHead:
    """What a sheet says above its table: a title, then "Label: value" lines (unit, period,
    filters), then when it was exported."""

    title: str
    about: Sequence[tuple[str, str]] = ()
    exported_at: datetime | None = None

    def lines(self) -> list[str]:
        when = self.exported_at or _now()
        stamp = f"{when.day:02d}/{when.month:02d}/{when.year} {when.hour:02d}:{when.minute:02d}"
        return [f"{label}: {value}" for label, value in self.about] + [f"Xuất lúc: {stamp}"]


def _now() -> datetime:
    from django.utils import timezone

    return timezone.localtime()


def start_table(
    sheet: Any,
    head: SheetHead,
    headers: Sequence[str],
    widths: Sequence[float] = (),
    *,
    frozen_columns: int = 0,
) -> int:
    """The header block, a blank row, then the styled column headers, frozen with the block
    above them (and ``frozen_columns`` on the left) so they stay in view while scrolling.
    Returns the row number of the column headers; the table's rows follow it."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.cell(row=1, column=1, value=head.title).font = Font(bold=True, size=13)
    for row, line in enumerate(head.lines(), start=2):
        sheet.cell(row=row, column=1, value=line).font = Font(italic=True)
    header_row = len(head.lines()) + 3
    for column, title in enumerate(headers, start=1):
        sheet.cell(row=header_row, column=column, value=title)
    style_header(sheet[header_row][: len(headers)], fill=HEADER_FILL)
    set_widths(sheet, widths)
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{header_row + 1}"
    return header_row


def first_body_row(sheet: Any) -> int:
    """The first row of a table started with ``start_table``: the one below the frozen panes."""
    from openpyxl.utils.cell import coordinate_from_string

    return int(coordinate_from_string(sheet.freeze_panes or "A2")[1])


def filter_about(form: Any) -> list[tuple[str, str]]:
    """A valid filter form's chosen values as header lines ("Đơn vị: VKSND TP Hạ Long",
    "Từ tháng: 01/2025"), choices by their labels, dates and months as shown on screen."""
    if not getattr(form, "is_bound", False) or not form.is_valid():
        return []
    about = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        about.append((str(field.label or name), _about_value(field, value)))
    return about


def _about_value(field: Any, value: Any) -> str:
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    choices = dict(getattr(field, "choices", None) or []) if isinstance(value, str) else {}
    if value in choices:
        return str(choices[value])
    label = getattr(value, "label", None)
    return label if isinstance(label, str) else str(value)


TEXT_PREFIXES = ("=", "+", "-", "@")


def workbook_bytes(book: Any) -> bytes:
    """The workbook's file, every export's only way out: text that begins with "=", "+",
    "-" or "@" (a subject typed as "=HYPERLINK(…)") is kept as text, quote-prefixed, so
    Excel shows it and never runs it, even once the cell is edited."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(TEXT_PREFIXES):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
