"""Instruments in Excel: the filtered list as a workbook, and the import of existing ones.

The import reads one instrument per row of the template below; every problem is reported as
"dòng N: …" and the whole file is refused when any row is wrong (services.instruments_import).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook

from kiemsat.agreements.forms import parse_number
from kiemsat.agreements.models import Instrument, InstrumentKind, ReviewSchedule
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.lib.excel import (
    HEADER_FILL,
    ImportRefused,
    SheetHead,
    add_catalogue_sheet,
    parse_date,
    read_limited,
    set_widths,
    show_dates,
    start_table,
    style_header,
    table_rows,
    workbook_bytes,
)
from kiemsat.lib.lookup import CodeOrName, NotFound
from kiemsat.lib.vn import fold
from kiemsat.org.access import access_for
from kiemsat.org.lifecycle import EXAMPLE_PARTNER_CODE, EXAMPLE_UNIT_CODE
from kiemsat.org.models import Partner, Role, Unit
from kiemsat.org.selectors import partners_by_code_or_name, units_by_code_or_name

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000

EXPORT_COLUMNS = [
    ("STT", 6),
    ("Số, ký hiệu", 18),
    ("Năm", 7),
    ("Loại văn bản", 22),
    ("Tên văn bản", 60),
    ("Ngày ký", 12),
    ("Các bên ký kết", 60),
    ("Đơn vị chủ quản", 32),
    ("Hiệu lực từ", 12),
    ("Hiệu lực đến", 12),
    ("Trạng thái", 22),
    ("Sơ kết / tổng kết tới", 14),
]


def _header(sheet: Any, names: list[str]) -> None:
    sheet.append(names)
    style_header(sheet[1], fill=HEADER_FILL)
    sheet.freeze_panes = "A2"


def export_instruments(instruments: Iterable[Instrument], head: SheetHead) -> bytes:
    """The list exactly as filtered; dates are real dates shown dd/mm/yyyy."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "van_ban_phoi_hop"
    names, widths = zip(*EXPORT_COLUMNS, strict=True)
    start = start_table(sheet, head, names, widths)
    for index, item in enumerate(instruments, start=1):
        sheet.append(
            [
                index,
                item.number_display,
                item.year,
                item.get_kind_display(),
                item.title,
                item.signed_on,
                "; ".join(p.name for p in item.parties.all()),
                item.owner_unit.name,
                item.valid_from,
                item.valid_to,
                item.status.label,
                item.next_review_on,
            ]
        )
    show_dates(sheet, min_row=start + 1, wrap=True)
    return workbook_bytes(book)


# --- import --------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    ("loai", "Loại: Quy chế phối hợp / Chương trình phối hợp / Kế hoạch phối hợp / …"),
    ("so_ky_hieu", "Số, ký hiệu, ví dụ 56/QCPH-VKS-TA (có thể để trống)"),
    ("ten", "Tên văn bản (bắt buộc)"),
    ("trich_yeu", "Trích yếu"),
    ("ngay_ky", "Ngày ký dd/mm/yyyy"),
    ("dia_danh", "Địa danh, ví dụ Hạ Long"),
    ("hieu_luc_tu", "Hiệu lực từ ngày (trống: từ ngày ký)"),
    ("hieu_luc_den", "Hiệu lực đến ngày (trống: đến khi được thay thế)"),
    ("can_cu", "Căn cứ"),
    ("don_vi", "Đơn vị VKS ký kết (mã hoặc tên), cách nhau bởi dấu ;"),
    ("nguoi_ky_don_vi", "Người ký của từng đơn vị, theo thứ tự, cách nhau bởi ;"),
    ("chuc_vu_don_vi", "Chức vụ người ký của từng đơn vị, cách nhau bởi ;"),
    ("co_quan", "Cơ quan phối hợp ký kết (mã hoặc tên), cách nhau bởi ;"),
    ("nguoi_ky_co_quan", "Người ký của từng cơ quan, cách nhau bởi ;"),
    ("chuc_vu_co_quan", "Chức vụ người ký của từng cơ quan, cách nhau bởi ;"),
    ("chu_tri", "Đơn vị hoặc cơ quan chủ trì, mã hoặc tên (có thể để trống)"),
]
REQUIRED = ("loai", "ten", "don_vi")
KIND_ALIASES = {
    "qc": InstrumentKind.REGULATION,
    "qcph": InstrumentKind.REGULATION,
    "quy che": InstrumentKind.REGULATION,
    "ctr": InstrumentKind.PROGRAMME,
    "chuong trinh": InstrumentKind.PROGRAMME,
    "kh": InstrumentKind.PLAN,
    "ke hoach": InstrumentKind.PLAN,
    "giao uoc": InstrumentKind.COVENANT,
    "khac": InstrumentKind.OTHER,
}


def import_template(catalogue: Iterable[tuple[str, Iterable[tuple[str, str]]]]) -> bytes:
    """The template with an example row, the "Danh mục" of the units and partners the person
    may name (``selectors.import_catalogue``) and a guide to the columns."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "van_ban"
    _header(sheet, [code for code, _ in IMPORT_COLUMNS])
    sheet.append(
        [
            "Chương trình phối hợp",
            "",
            "Chương trình phối hợp công tác năm 2022",
            "",
            "18/01/2022",
            "Hạ Long",
            "",
            "31/12/2022",
            "",
            EXAMPLE_UNIT_CODE,
            "Nguyễn Văn An",
            "Viện trưởng",
            EXAMPLE_PARTNER_CODE,
            "Trần Văn Bình",
            "Chủ tịch",
            EXAMPLE_UNIT_CODE,
        ]
    )
    set_widths(sheet, [22] * len(IMPORT_COLUMNS))
    add_catalogue_sheet(book, catalogue)
    guide = book.create_sheet("huong_dan")
    guide.append(["Cột", "Ý nghĩa"])
    for code, meaning in IMPORT_COLUMNS:
        guide.append([code, meaning])
    set_widths(guide, [20, 90])
    return workbook_bytes(book)


@dataclass
class ImportRow:
    line: int
    data: InstrumentData | None = None
    parties: list[PartyData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class _Lookup:
    units: CodeOrName[Unit]
    partners: CodeOrName[Partner]

    @classmethod
    def load(cls, actor: Any) -> _Lookup:
        writable = None if actor is None else access_for(actor).unit_ids(Role.STAFF)
        return cls(
            units=units_by_code_or_name(usable=lambda u: writable is None or u.pk in writable),
            partners=partners_by_code_or_name(what="cơ quan phối hợp"),
        )

    def find(self, text: str) -> Unit | Partner:
        """A unit or a partner, as the column ``chu_tri`` may name either."""
        try:
            return self.units.find(text)
        except NotFound as missing:
            if missing.ambiguous:
                raise
        return self.partners.find(text)


def read_instruments(name: str, stream: IO[bytes], *, actor: Any = None) -> list[ImportRow]:
    """Parse the workbook or CSV; raises ImportRefused for a file that cannot be read at all.
    Units and partners are read by code or name; ``actor``'s units settle a shared name."""
    data = read_limited(stream, MAX_BYTES)
    table = table_rows(name, data, formats=("xlsx", "csv"), max_rows=MAX_ROWS)
    missing = [code for code, _ in IMPORT_COLUMNS if code not in table.header]
    if missing:
        raise ImportRefused([f"dòng 1: thiếu cột {', '.join(missing)} (xem tệp mẫu)."])
    columns = {code: table.header.index(code) for code, _ in IMPORT_COLUMNS}
    lookup = _Lookup.load(actor)
    parsed: list[ImportRow] = []
    for line, cells in table.rows:
        values = {code: cells[i] if i < len(cells) else None for code, i in columns.items()}
        parsed.append(_parse_row(line, values, lookup))
    if not parsed:
        raise ImportRefused(["Tệp không có dòng văn bản nào."])
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(value: Any, label: str, errors: list[str]) -> date | None:
    try:
        return parse_date(value)
    except ValueError:
        errors.append(f"{label} '{_text(value)}' không phải ngày dd/mm/yyyy")
        return None


def _kind(value: str) -> str | None:
    folded = fold(value)
    for kind in InstrumentKind:
        if folded in (kind.value, fold(kind.label)):
            return kind.value
    for alias, kind in KIND_ALIASES.items():
        if folded == alias or folded.startswith(alias + " "):
            return kind.value
    return None


def _split(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(";")] if _text(value) else []


def _parse_row(line: int, values: dict[str, Any], lookup: _Lookup) -> ImportRow:
    row = ImportRow(line)
    errors = row.errors
    for code in REQUIRED:
        if not _text(values[code]):
            errors.append(f"thiếu {code}")
    kind = _kind(_text(values["loai"])) if _text(values["loai"]) else None
    if _text(values["loai"]) and kind is None:
        errors.append(f"loại văn bản '{_text(values['loai'])}' không có trong danh mục")
    number, symbol = None, ""
    try:
        number, symbol = parse_number(_text(values["so_ky_hieu"]))
    except ValidationError as exc:
        errors.extend(exc.messages)
    signed_on = _date(values["ngay_ky"], "ngày ký", errors)
    valid_from = _date(values["hieu_luc_tu"], "hiệu lực từ", errors)
    valid_to = _date(values["hieu_luc_den"], "hiệu lực đến", errors)
    row.parties = _parties(values, lookup, errors)
    if not errors and kind is not None:
        row.data = InstrumentData(
            kind=kind,
            title=_text(values["ten"])[:500],
            number=number,
            symbol=symbol,
            summary=_text(values["trich_yeu"]),
            signed_on=signed_on,
            place=_text(values["dia_danh"])[:100],
            valid_from=valid_from,
            valid_to=valid_to,
            legal_basis=_text(values["can_cu"]),
            review_schedule=ReviewSchedule.YEARLY,
        )
    return row


def _parties(values: dict[str, Any], lookup: _Lookup, errors: list[str]) -> list[PartyData]:
    host = _host(_text(values["chu_tri"]), lookup, errors)
    parties: list[PartyData] = []
    for column, finder, prefix in (
        ("don_vi", lookup.units, "don_vi"),
        ("co_quan", lookup.partners, "co_quan"),
    ):
        names = _split(values[f"nguoi_ky_{prefix}"])
        titles = _split(values[f"chuc_vu_{prefix}"])
        for index, text in enumerate(_split(values[column])):
            try:
                org = finder.find(text)
            except NotFound as missing:
                errors.append(f"cột {column}: {missing}")
                continue
            party = PartyData(
                signatory_name=names[index] if index < len(names) else "",
                signatory_title=titles[index] if index < len(titles) else "",
                is_host=org == host,
            )
            if isinstance(org, Unit):
                party.unit = org
            else:
                party.partner = org
            parties.append(party)
    if host is not None and not any(p.is_host for p in parties):
        errors.append(
            f"chủ trì '{_text(values['chu_tri'])}' không phải một bên ký kết của dòng này"
        )
    return parties


def _host(text: str, lookup: _Lookup, errors: list[str]) -> Unit | Partner | None:
    if not text:
        return None
    try:
        return lookup.find(text)
    except NotFound as missing:
        errors.append(f"cột chu_tri: {missing}")
        return None
