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
from kiemsat.lib.excel import XLSX, set_widths, style_header, workbook_bytes
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
    ("Mã", 10),
    ("Chỉ tiêu", 60),
    ("Tử số / số đếm", 14),
    ("Mẫu số / chỉ tiêu giao", 14),
    ("Kết quả", 11),
    ("Mức chỉ tiêu", 18),
    ("Đánh giá", 16),
    ("Cần thêm", 12),
]
LAST_YEAR_HEADERS = [("Cùng kỳ: kết quả", 14), ("Cùng kỳ: đánh giá", 16)]
FILLS = {
    "VUOT": "DFEEFB",
    "DAT": "E4F4E8",
    "KHONG_DAT": "FDE7E6",
    "CHUA_BAO_CAO": "FFF4D6",
}


def _value_cell(cell: Any, line: Line | None) -> None:
    """The value as a number: a rate as its exact fraction in float, shown like the page."""
    ev = line.evaluation if line is not None else None
    if ev is None or ev.value is None:
        return
    if ev.kind == "count":
        cell.value, cell.number_format = int(ev.value), "#,##0"
        return
    shown = line.display_value if line is not None else ""
    decimals = len(shown.rstrip("%").partition(",")[2]) or 1
    cell.value = float(ev.value)
    cell.number_format = "0." + "0" * decimals


def _gap_cell(line: Line) -> int | str | None:
    ev = line.evaluation
    if ev.gap_impossible:
        return line.display_gap
    return ev.gap


def xlsx_bytes(report: Report) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kết quả"
    _xlsx_table(sheet, report)
    if report.members:
        _xlsx_matrix(book.create_sheet("Thành viên"), report)
        _xlsx_ranking(book.create_sheet("Xếp hạng"), report.ranking)
    return workbook_bytes(book)


def _xlsx_heading(sheet: Any, report: Report) -> int:
    from openpyxl.styles import Font

    lines = [
        "KẾT QUẢ THỰC HIỆN CHỈ TIÊU",
        f"{report.name} ({report.scope_label})",
        f"Kỳ: {report.months.label}",
        report.table.summary.headline(),
        report.table.summary.exceeded_line(),
    ]
    for i, text in enumerate(lines, start=1):
        sheet.cell(row=i, column=1, value=text).font = Font(bold=i in (1, 4, 5))
    return len(lines) + 2


def _xlsx_header_row(sheet: Any, row: int, headers: Sequence[tuple[str, int]]) -> None:
    style_header(
        sheet.cell(row=row, column=col, value=title) for col, (title, _) in enumerate(headers, 1)
    )
    set_widths(sheet, [width for _, width in headers])
    sheet.freeze_panes = sheet.cell(row=row + 1, column=3)


def _xlsx_table(sheet: Any, report: Report) -> None:
    from openpyxl.styles import PatternFill

    start = _xlsx_heading(sheet, report)
    with_last = report.last_year is not None
    _xlsx_header_row(sheet, start, HEADERS + (LAST_YEAR_HEADERS if with_last else []))
    for r, row in enumerate(report.rows, start=start + 1):
        line, ev = row.line, row.line.evaluation
        values = [line.indicator.code, line.indicator.name, ev.numerator, ev.denominator]
        for col, value in enumerate(values, start=1):
            sheet.cell(row=r, column=col, value=value)
        _value_cell(sheet.cell(row=r, column=5), line)
        sheet.cell(row=r, column=6, value=row.target)
        status = sheet.cell(row=r, column=7, value=ev.status.label)
        if ev.status in FILLS:
            status.fill = PatternFill("solid", fgColor=FILLS[ev.status])
        sheet.cell(row=r, column=8, value=_gap_cell(line))
        if with_last:
            _value_cell(sheet.cell(row=r, column=9), row.last_year)
            label = row.last_year.evaluation.status.label if row.last_year else "—"
            sheet.cell(row=r, column=10, value=label)


def _xlsx_matrix(sheet: Any, report: Report) -> None:
    from openpyxl.styles import Font, PatternFill

    codes = [line.indicator.code for line in report.table.lines]
    sheet.cell(row=1, column=1, value="Đơn vị").font = Font(bold=True)
    for col, code in enumerate(codes, start=2):
        sheet.cell(row=1, column=col, value=code).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    tables = [*report.members, report.table]
    for r, table in enumerate(tables, start=2):
        label = table.name if table is not report.table else "Cả nhóm (cộng gộp)"
        sheet.cell(row=r, column=1, value=label)
        for col, line in enumerate(table.lines, start=2):
            cell = sheet.cell(row=r, column=col)
            _value_cell(cell, line)
            if cell.value is None:
                cell.value = line.evaluation.status.label
            if line.evaluation.status in FILLS:
                cell.fill = PatternFill("solid", fgColor=FILLS[line.evaluation.status])
    sheet.freeze_panes = "B2"


def _xlsx_ranking(sheet: Any, ranking: Sequence[RankRow]) -> None:
    headers = [
        ("Hạng", 8),
        ("Đơn vị", 40),
        ("Chỉ tiêu đạt", 12),
        ("Chỉ tiêu phát sinh", 12),
        ("Tỷ lệ đạt (%)", 12),
        ("Chỉ tiêu vượt", 12),
        ("Chỉ tiêu tính vượt", 12),
        ("Tỷ lệ vượt (%)", 12),
    ]
    _xlsx_header_row(sheet, 1, headers)
    for r, row in enumerate(ranking, start=2):
        s = row.table.summary
        values: list[Any] = [row.rank, row.table.name, s.met, s.arising, None]
        values += [s.exceeded, s.eligible, None]
        for col, value in enumerate(values, start=1):
            sheet.cell(row=r, column=col, value=value)
        for col, share in ((5, row.met_share), (8, row.exceeded_share)):
            if share is not None:
                cell = sheet.cell(row=r, column=col, value=float(100 * share))
                cell.number_format = "0.0"


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
