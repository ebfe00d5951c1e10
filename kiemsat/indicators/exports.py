"""The dashboards as files: Excel (the table as shown, numbers as numbers), a Word report in
the Nghị định 30 layout, and the same report as PDF through WeasyPrint with the SVG chart.

Views call `respond(fmt, report)` after their gate, so an export shows exactly what the page
shows to that user. Word and PDF share the letterhead, title and signature of every other
official document (kiemsat.documents.nd30 and documents/nd30_base.html). openpyxl and
WeasyPrint are imported when a file is made, not with the module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone

from kiemsat.documents.images import svg_to_png
from kiemsat.documents.nd30 import (
    DOCX,
    DocumentHead,
    Issuer,
    OfficialDocument,
    Signature,
    issuer_for_unit,
    place_and_date,
    place_of,
)
from kiemsat.documents.pdf import PDF, render_pdf
from kiemsat.indicators.charts import Series
from kiemsat.indicators.evaluation import Line, Table
from kiemsat.indicators.ranking import RankRow
from kiemsat.indicators.view_models import GroupDashboard, UnitDashboard
from kiemsat.lib.excel import XLSX, SheetHead, put_count, put_percent, start_table, workbook_bytes
from kiemsat.lib.http import download
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.vn import format_int
from kiemsat.org.models import Unit

TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU"
SIGNATURE = Signature(title="Viện trưởng")
CHART_CM = 16  # the text width of an A4 page with Nghị định 30 margins
CHART_PX = 1600  # sharp when printed at that width


@dataclass
class ReportRow:
    line: Line
    target: str
    last_year: Line | None = None


@dataclass
class Report:
    """What every export of a dashboard holds, whatever the format."""

    code: str
    name: str
    table: Table
    rows: list[ReportRow]
    scope_label: str
    issuer: Issuer
    place: str
    recipients: list[str]
    last_year: Table | None = None
    ranking: list[RankRow] = field(default_factory=list)
    members: list[Table] = field(default_factory=list)
    chart: Series | None = None

    @property
    def months(self) -> MonthRange:
        return self.table.months

    @property
    def period_text(self) -> str:
        m = self.months
        if m.start == m.end:
            return f"Tháng {m.start.label}"
        return f"Từ tháng {m.start.label} đến tháng {m.end.label}"

    def filename(self, ext: str) -> str:
        return f"chi-tieu-{self.code}-{self.months.start}-{self.months.end}.{ext}"

    @property
    def head(self) -> DocumentHead:
        """Dated the day it is made; the number left for the office: "Số:      /BC-VKS"."""
        return DocumentHead(
            issuers=[self.issuer],
            number="",
            symbol="BC-VKS",
            place=self.place,
            day=timezone.localdate(),
            type_name=TITLE,
            summary=f"{self.name}\n{self.period_text} ({self.scope_label})",
            recipients=self.recipients,
            archive="VT, VP",
        )


# --- building reports from dashboards -----------------------------------------------------


def _issuer_and_place(unit: Unit | None, fallback: str) -> tuple[Issuer, str]:
    if unit is None:
        return Issuer(name=fallback), ""
    return issuer_for_unit(unit), place_of(unit)


def date_line(place: str) -> str:
    """Today's place-and-date line, as the report's letterhead shows it."""
    return place_and_date(place, timezone.localdate())


def unit_report(dash: UnitDashboard) -> Report:
    unit = dash.unit
    issuer, place = _issuer_and_place(unit, unit.name)
    recipients = [f"{unit.parent.name} (để báo cáo)"] if unit.parent is not None else []
    return Report(
        code=unit.code,
        name=unit.name,
        table=dash.table,
        rows=[ReportRow(r.line, r.target_words, r.last_year) for r in dash.rows],
        scope_label=dash.scope_label,
        issuer=issuer,
        place=place,
        recipients=[*recipients, "Lãnh đạo Viện"],
        last_year=dash.last_year,
        chart=dash.chart,
    )


def group_report(dash: GroupDashboard, recipients: Sequence[str]) -> Report:
    issuer, place = _issuer_and_place(dash.issuer, dash.name.split(" (")[0])
    rows = [ReportRow(row.line, row.target) for row in dash.rows]
    return Report(
        code=dash.code,
        name=dash.name,
        table=dash.table,
        rows=rows,
        scope_label=dash.scope_label,
        issuer=issuer,
        place=place,
        recipients=list(recipients),
        ranking=dash.ranking,
        members=dash.result.members,
        chart=dash.chart,
    )


def respond(fmt: str, report: Report) -> HttpResponse:
    makers = {"xlsx": (xlsx_bytes, XLSX), "docx": (docx_bytes, DOCX), "pdf": (pdf_bytes, PDF)}
    if fmt not in makers:
        raise Http404("Không có định dạng này.")
    make, content_type = makers[fmt]
    return download(make(report), content_type, report.filename(fmt))


# --- Excel --------------------------------------------------------------------------------

HEADERS = [
    ("Chỉ tiêu", 60),
    ("Mã", 10),
    ("Tử số / số đếm", 14),
    ("Mẫu số / chỉ tiêu giao", 14),
    ("Kết quả", 11),
    ("Mức chỉ tiêu", 18),
    ("Đánh giá", 16),
    ("Cần thêm", 12),
]
LAST_YEAR_HEADERS = [("Cùng kỳ: kết quả", 14), ("Cùng kỳ: đánh giá", 16)]
RANKING_HEADERS = [
    ("Hạng", 8),
    ("Đơn vị", 40),
    ("Chỉ tiêu đạt", 12),
    ("Chỉ tiêu phát sinh", 12),
    ("Tỷ lệ đạt", 12),
    ("Chỉ tiêu vượt", 12),
    ("Chỉ tiêu tính vượt", 12),
    ("Tỷ lệ vượt", 12),
]
FILLS = {
    "VUOT": "DFEEFB",
    "DAT": "E4F4E8",
    "KHONG_DAT": "FDE7E6",
    "CHUA_BAO_CAO": "FFF4D6",
}


def _value_cell(cell: Any, line: Line | None) -> None:
    """The value as a number: a count as a whole number, a rate as its fraction shown as a
    percentage with as many decimals as the page shows."""
    ev = line.evaluation if line is not None else None
    if line is None or ev is None or ev.value is None:
        return
    if ev.kind == "count":
        put_count(cell, int(ev.value))
        return
    decimals = len(line.display_value.rstrip("%").partition(",")[2]) or 1
    put_percent(cell, ev.value, decimals=decimals)


def _gap_cell(cell: Any, line: Line) -> None:
    ev = line.evaluation
    if ev.gap_impossible:
        cell.value = line.display_gap
    else:
        put_count(cell, ev.gap)


def xlsx_bytes(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kết quả"
    _xlsx_table(sheet, report)
    if report.members:
        _xlsx_matrix(book.create_sheet("Thành viên"), report)
        _xlsx_ranking(book.create_sheet("Xếp hạng"), report)
    return workbook_bytes(book)


def _sheet_head(report: Report, title: str = "KẾT QUẢ THỰC HIỆN CHỈ TIÊU") -> SheetHead:
    summary = report.table.summary
    about = [
        ("Đơn vị", f"{report.name} ({report.scope_label})"),
        ("Kỳ", report.months.label),
        ("Kết quả", f"{summary.headline()}; {summary.exceeded_line()}"),
    ]
    return SheetHead(title, about)


def _start(sheet: Any, report: Report, headers: Sequence[tuple[str, float]], title: str) -> int:
    titles, widths = zip(*headers, strict=True)
    return start_table(sheet, _sheet_head(report, title), titles, widths, frozen_columns=1)


def _xlsx_table(sheet: Any, report: Report) -> None:
    from openpyxl.styles import PatternFill

    with_last = report.last_year is not None
    headers = HEADERS + (LAST_YEAR_HEADERS if with_last else [])
    start = _start(sheet, report, headers, "KẾT QUẢ THỰC HIỆN CHỈ TIÊU")
    for r, row in enumerate(report.rows, start=start + 1):
        line, ev = row.line, row.line.evaluation
        sheet.cell(row=r, column=1, value=line.indicator.name)
        sheet.cell(row=r, column=2, value=line.indicator.code)
        put_count(sheet.cell(row=r, column=3), ev.numerator)
        put_count(sheet.cell(row=r, column=4), ev.denominator)
        _value_cell(sheet.cell(row=r, column=5), line)
        sheet.cell(row=r, column=6, value=row.target)
        status = sheet.cell(row=r, column=7, value=ev.status.label)
        if ev.status in FILLS:
            status.fill = PatternFill("solid", fgColor=FILLS[ev.status])
        _gap_cell(sheet.cell(row=r, column=8), line)
        if with_last:
            _value_cell(sheet.cell(row=r, column=9), row.last_year)
            label = row.last_year.evaluation.status.label if row.last_year else "—"
            sheet.cell(row=r, column=10, value=label)


def _xlsx_matrix(sheet: Any, report: Report) -> None:
    """One row per member and the pooled group; one column per indicator, named first."""
    from openpyxl.styles import PatternFill

    lines = report.table.lines
    headers = [("Đơn vị", 40.0)]
    headers += [(f"{line.indicator.name} ({line.indicator.code})", 16.0) for line in lines]
    start = _start(sheet, report, headers, "KẾT QUẢ TỪNG THÀNH VIÊN")
    tables = [*report.members, report.table]
    for r, table in enumerate(tables, start=start + 1):
        label = table.name if table is not report.table else "Cả nhóm (cộng gộp)"
        sheet.cell(row=r, column=1, value=label)
        for col, line in enumerate(table.lines, start=2):
            cell = sheet.cell(row=r, column=col)
            _value_cell(cell, line)
            if cell.value is None:
                cell.value = line.evaluation.status.label
            if line.evaluation.status in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[line.evaluation.status])


def _xlsx_ranking(sheet: Any, report: Report) -> None:
    start = _start(sheet, report, RANKING_HEADERS, "XẾP HẠNG CÁC THÀNH VIÊN")
    for r, row in enumerate(report.ranking, start=start + 1):
        s = row.table.summary
        sheet.cell(row=r, column=2, value=row.table.name)
        for col, count in ((1, row.rank), (3, s.met), (4, s.arising), (6, s.exceeded)):
            put_count(sheet.cell(row=r, column=col), count)
        put_count(sheet.cell(row=r, column=7), s.eligible)
        for col, share in ((5, row.met_share), (8, row.exceeded_share)):
            if share is not None:
                put_percent(sheet.cell(row=r, column=col), 100 * share)


# --- Word and PDF -------------------------------------------------------------------------


def docx_bytes(report: Report) -> bytes:
    doc = OfficialDocument(report.head)
    summary = report.table.summary
    doc.heading("I. KẾT QUẢ CHUNG", center=False)
    doc.paragraph(f"- {summary.headline()};")
    doc.paragraph(f"- {summary.exceeded_line()}.")
    if report.last_year is not None:
        last = report.last_year.summary
        doc.paragraph(f"- Cùng kỳ: {last.headline()}; {last.exceeded_line()}.")
    doc.heading("II. KẾT QUẢ TỪNG CHỈ TIÊU", center=False)
    _docx_results(doc, report)
    if report.chart is not None and report.chart.has_values:
        chart = report.chart
        doc.figure(
            svg_to_png(str(chart.svg), width_px=CHART_PX),
            width_cm=CHART_CM,
            caption=chart.caption,
        )
    if report.ranking:
        doc.heading("III. XẾP HẠNG CÁC THÀNH VIÊN", center=False)
        _docx_ranking(doc, report.ranking)
    doc.signatures([SIGNATURE])
    return doc.to_bytes()


def _docx_grid(
    doc: OfficialDocument, headers: Sequence[tuple[str, float]], rows: list[list[str]]
) -> None:
    """Every column centred but the second, the name; widths fill the 16.5 cm text width."""
    titles, widths = zip(*headers, strict=True)
    centered = set(range(len(headers))) - {1}
    doc.table(titles, rows, widths=widths, centered=centered, size=11)


def _docx_results(doc: OfficialDocument, report: Report) -> None:
    with_last = report.last_year is not None
    headers = [
        ("TT", 1.0),
        ("Chỉ tiêu", 5.5 if with_last else 7.1),
        ("Tử số", 1.6),
        ("Mẫu số", 1.6),
        ("Kết quả", 1.6),
        ("Mức chỉ tiêu", 2.0),
        ("Đánh giá", 1.6),
    ]
    if with_last:
        headers.append(("Cùng kỳ", 1.6))
    rows = []
    for i, row in enumerate(report.rows, start=1):
        ev = row.line.evaluation
        values = [
            str(i),
            f"{row.line.indicator.code}. {row.line.indicator.name}",
            _int_text(ev.numerator),
            _int_text(ev.denominator),
            row.line.display_value,
            row.target,
            ev.status.label,
        ]
        if with_last:
            values.append(_last_text(row.last_year))
        rows.append(values)
    _docx_grid(doc, headers, rows)


def _docx_ranking(doc: OfficialDocument, ranking: Sequence[RankRow]) -> None:
    headers = [("Hạng", 1.2), ("Đơn vị", 7.3), ("Đạt", 2.0), ("Tỷ lệ đạt", 2.0)]
    headers += [("Vượt", 2.0), ("Tỷ lệ vượt", 2.0)]
    rows = []
    for row in ranking:
        s = row.table.summary
        rows.append(
            [
                str(row.rank),
                row.table.name,
                f"{s.met}/{s.arising}",
                row.met_percent,
                f"{s.exceeded}/{s.eligible}",
                row.exceeded_percent,
            ]
        )
    _docx_grid(doc, headers, rows)


def _int_text(value: int | None) -> str:
    return "" if value is None else format_int(value)


def _last_text(line: Line | None) -> str:
    if line is None:
        return "—"
    return line.display_value or line.evaluation.status.label


def pdf_bytes(report: Report) -> bytes:
    context = {"report": report, "head": report.head, "signatures": [SIGNATURE]}
    return render_pdf("documents/indicators_report.html", context)
