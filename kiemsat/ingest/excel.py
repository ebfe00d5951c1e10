"""The information register in Excel, exported as filtered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kiemsat.ingest.models import PressItem
from kiemsat.lib.excel import SheetHead, show_dates, start_table, workbook_bytes

TITLE = "Sổ theo dõi thông tin – báo chí"
HEADERS = (
    "Đơn vị",
    "Loại",
    "Vụ án, vụ việc, nội dung",
    "Báo, trang tin, nơi yêu cầu",
    "Đường dẫn",
    "Ngày đăng, ngày yêu cầu",
    "Mức độ",
    "Đơn vị chủ trì",
    "Người phụ trách",
    "Ngày nhận",
    "Thời hạn (ngày làm việc)",
    "Hạn xử lý",
    "Đã làm",
    "Ngày xử lý",
    "Đường dẫn tin đã đăng",
    "Tình trạng",
)
WIDTHS = (26, 30, 44, 24, 30, 14, 14, 26, 20, 12, 12, 12, 26, 12, 30, 16)


def _row(item: PressItem) -> list[Any]:
    return [
        item.unit.name,
        item.get_kind_display(),
        item.subject,
        item.outlet,
        item.link,
        item.source_on,
        item.get_sensitivity_display(),
        item.responsible_unit.name,
        item.responsible_person,
        item.received_on,
        item.working_days,
        item.due_on,
        item.get_action_display() if item.action else "",
        item.done_on,
        item.done_link,
        getattr(item, "status_label", ""),
    ]


def export_xlsx(rows: Iterable[PressItem], about: Sequence[tuple[str, str]] = ()) -> bytes:
    """The filtered register, one row per item; dates as real dates shown dd/mm/yyyy."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Thông tin – báo chí"
    start = start_table(sheet, SheetHead(TITLE, about), HEADERS, WIDTHS)
    for item in rows:
        sheet.append(_row(item))
    show_dates(sheet, min_row=start + 1)
    return workbook_bytes(book)
