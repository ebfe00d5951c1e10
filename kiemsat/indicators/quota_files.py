"""The Excel template of a parent unit's quotas for a work year, pre-filled with the stored
values and a "Danh mục" of its units and indicators; ``quota_imports.parse_quota_file``
reads it back."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from kiemsat.indicators.quota_imports import MAX_QUOTA, TEMPLATE_HEADER
from kiemsat.indicators.quotas import QuotaGrid
from kiemsat.lib.excel import add_catalogue_sheet, set_widths, style_header, workbook_bytes


def quota_template(grid: QuotaGrid) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "chi_tieu_giao"
    sheet.append(list(TEMPLATE_HEADER))
    style_header(sheet[1], fill="EEF2F5")
    for unit in grid.units:
        for indicator in grid.indicators:
            if grid.applies(unit, indicator):
                value = grid.values.get((unit.pk, indicator.code))
                sheet.append(
                    [unit.code, unit.name, grid.year, indicator.code, indicator.name, value]
                )
    rule = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2=str(MAX_QUOTA),
        allow_blank=True,
        error="Chỉ nhập số nguyên không âm.",
        errorTitle="Giá trị không hợp lệ",
    )
    sheet.add_data_validation(rule)
    rule.add(f"F2:F{max(sheet.max_row, 2)}")
    set_widths(sheet, (24, 36, 12, 14, 60, 10))
    sheet.freeze_panes = "A2"
    add_catalogue_sheet(
        book,
        [
            ("unit_code", [(u.code, u.name) for u in grid.units]),
            ("indicator_code", [(i.code, i.name) for i in grid.indicators]),
        ],
    )
    return workbook_bytes(book)
