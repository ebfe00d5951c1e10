"""The Excel entry template: one row per month × metric, pre-filled with what is stored."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from kiemsat.indicators.entry_selectors import range_values, typed_metrics
from kiemsat.indicators.imports import HEADER
from kiemsat.lib.excel import add_catalogue_sheet, workbook_bytes
from kiemsat.lib.periods import MonthRange
from kiemsat.org.models import Unit


def entry_template(
    unit: Unit, months: MonthRange, catalogue: Iterable[tuple[str, Iterable[tuple[str, str]]]]
) -> bytes:
    """The rows to fill, then the "Danh mục" (``entry_selectors.import_catalogue``)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "so_lieu"
    sheet.append([*HEADER, "ten_so_lieu"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F5")
    stored = range_values(unit, months)
    metrics = typed_metrics()
    for month in months.months():
        if not unit.is_valid_on(month.first_day()) and not unit.is_valid_on(month.last_day()):
            continue
        for metric in metrics:
            sheet.append(
                [
                    unit.code,
                    str(month),
                    metric.code,
                    stored.get((month.index, metric.code)),
                    metric.name,
                ]
            )
    rule = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        error="Chỉ nhập số nguyên không âm.",
        errorTitle="Giá trị không hợp lệ",
    )
    sheet.add_data_validation(rule)
    rule.add(f"D2:D{max(sheet.max_row, 2)}")
    for column, width in zip("ABCDE", (22, 10, 18, 10, 70), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    add_catalogue_sheet(book, catalogue)
    return workbook_bytes(book)
