"""The ranking of a cluster's year as a workbook."""

from __future__ import annotations

from kiemsat.emulation.selectors import TermResult
from kiemsat.lib.excel import set_widths, style_header, workbook_bytes


def ranking_xlsx(result: TermResult) -> bytes:
    """Rank, unit, each leaf's points, total and band; the excluded last with the reason.
    Points are real numbers in the cells (two decimals), so staff can add them up."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Xếp hạng"
    term = result.term
    sheet.append([f"{term.cluster.name} – năm công tác {term.year}"])
    leaves = result.leaves
    header = ["Hạng", "Mã đơn vị", "Đơn vị", *[c.code for c in leaves], "Tổng điểm", "Xếp loại"]
    sheet.append(header)
    style_header(sheet[2], fill="DDEBF7")
    for member in result.members:
        points = [float(leaf.points) if leaf else None for leaf in member.leaf_list(leaves)]
        band = member.band or f"Không xét thi đua: {member.excluded}"
        sheet.append(
            [member.rank, member.unit.code, member.unit.name, *points, float(member.total), band]
        )
    for row in sheet.iter_rows(min_row=3, min_col=4, max_col=4 + len(leaves)):
        for cell in row:
            cell.number_format = "#,##0.00"
    set_widths(sheet, [7, 24, 36, *[8] * len(leaves), 11, 32])
    return workbook_bytes(book)
