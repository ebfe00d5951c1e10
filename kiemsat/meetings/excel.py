"""Conferences and tasks exported as filtered: dates as real dates shown dd/mm/yyyy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from kiemsat.lib.excel import SheetHead, show_dates, start_table, workbook_bytes
from kiemsat.meetings.models import Conference, Task

CONFERENCE_HEADERS = (
    "Ngày tổ chức",
    "Loại hội nghị",
    "Tên hội nghị",
    "Đơn vị chủ trì",
    "Địa điểm",
    "Trực tuyến",
    "Chủ đề năm",
    "Khâu đột phá",
)
TASK_HEADERS = (
    "Nhiệm vụ",
    "Đơn vị thực hiện",
    "Người phụ trách",
    "Đơn vị phối hợp",
    "Hạn hoàn thành",
    "Tình trạng",
    "Ngày hoàn thành",
    "Ngày xác nhận",
    "Hội nghị",
    "Ngày hội nghị",
)


def _book(
    head: SheetHead, sheet_name: str, headers: Sequence[str], rows: Iterable[list[Any]]
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    widths = [16, 26, 50, 28, 28, 12, 30, 30, 40, 14][: len(headers)]
    start = start_table(sheet, head, headers, widths)
    for row in rows:
        sheet.append(row)
    show_dates(sheet, min_row=start + 1, wrap=True)
    return workbook_bytes(book)


def conferences_xlsx(rows: Iterable[Conference], about: Sequence[tuple[str, str]] = ()) -> bytes:
    lines = (
        [
            c.held_on,
            c.get_kind_display(),
            c.title,
            c.unit.name,
            c.place,
            "có" if c.online else "",
            c.theme,
            c.breakthrough,
        ]
        for c in rows
    )
    return _book(SheetHead("Danh sách hội nghị", about), "Hội nghị", CONFERENCE_HEADERS, lines)


def tasks_xlsx(rows: Iterable[Task], about: Sequence[tuple[str, str]] = ()) -> bytes:
    lines = (
        [
            t.title,
            t.unit.name,
            t.person,
            "; ".join(u.name for u in t.participants.all()),
            t.due_on,
            t.state.label,  # type: ignore[attr-defined]
            t.done_on,
            t.confirmed_on,
            t.conclusion.conference.title,
            t.conclusion.conference.held_on,
        ]
        for t in rows
    )
    head = SheetHead("Nhiệm vụ sau hội nghị", about)
    return _book(head, "Nhiệm vụ", TASK_HEADERS, lines)
