"""The ranking of a cluster's year as a workbook."""

from __future__ import annotations

from kiemsat.emulation.selectors import TermResult
from kiemsat.lib.excel import SheetHead, put_count, start_table, workbook_bytes

POINTS_FORMAT = "#,##0.00"


def ranking_xlsx(result: TermResult) -> bytes:
    """Rank, unit, each leaf's points, total and band; the excluded last with the reason.
    Points are real numbers in the cells (two decimals), so staff can add them up."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Xếp hạng"
    term = result.term
    head = SheetHead(
        f"Xếp hạng thi đua: {term.cluster.name} – năm công tác {term.year}",
        [("Cụm thi đua", term.cluster.name), ("Năm công tác", str(term.year))],
    )
    leaves = result.leaves
    header = ["Hạng", "Mã đơn vị", "Đơn vị", *[c.code for c in leaves], "Tổng điểm", "Xếp loại"]
    widths = [7, 24, 36, *[8] * len(leaves), 11, 32]
    start = start_table(sheet, head, header, widths, frozen_columns=3)
    for row, member in enumerate(result.members, start=start + 1):
        points = [float(leaf.points) if leaf else None for leaf in member.leaf_list(leaves)]
        band = member.band or f"Không xét thi đua: {member.excluded}"
        values = [None, member.unit.code, member.unit.name, *points, float(member.total), band]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            if isinstance(value, float):
                cell.number_format = POINTS_FORMAT
        put_count(sheet.cell(row=row, column=1), member.rank)
    return workbook_bytes(book)
