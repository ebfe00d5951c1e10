"""The dashboards as files: Excel (the table as shown, numbers as numbers), a Word report in
the Nghị định 30 layout, and the same report as PDF through WeasyPrint with the SVG chart.

Views call `respond(fmt, report)` after their gate, so an export shows exactly what the page
shows to that user. Heavy libraries are imported when a file is made, not with the module.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from kiemsat.indicators.charts import Series
from kiemsat.indicators.evaluation import Line, Table
from kiemsat.indicators.selectors import GroupDashboard, RankRow, UnitDashboard
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.vn import formal_date, format_int
from kiemsat.org.models import Level, Unit

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU"


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
    issuer_parent: str
    issuer_name: str
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


# --- building reports from dashboards -----------------------------------------------------


def full_name(name: str) -> str:
    return name.replace("VKSND", "Viện kiểm sát nhân dân", 1)


def place_of(unit: Unit) -> str:
    """The place written before the date: "Hạ Long", "Quảng Ninh", "Hà Nội"."""
    short = unit.short_name or unit.name
    if unit.level == Level.SUPREME:
        return "Hà Nội"
    if short.startswith("Cấp cao tại "):
        return short.removeprefix("Cấp cao tại ")
    if short.lower().startswith("khu vực") and unit.parent is not None:
        return place_of(unit.parent)
    return short


def _letterhead(unit: Unit | None, fallback: str) -> tuple[str, str, str]:
    if unit is None:
        return "", fallback, ""
    parent = full_name(unit.parent.name) if unit.parent is not None else ""
    return parent, full_name(unit.name), place_of(unit)


def unit_report(dash: UnitDashboard) -> Report:
    unit = dash.unit
    parent, name, place = _letterhead(unit, unit.name)
    recipients = [f"{unit.parent.name} (để báo cáo);"] if unit.parent is not None else []
    return Report(
        code=unit.code,
        name=unit.name,
        table=dash.table,
        rows=[ReportRow(r.line, r.target_words, r.last_year) for r in dash.rows],
        scope_label=dash.scope_label,
        issuer_parent=parent,
        issuer_name=name,
        place=place,
        recipients=[*recipients, "Lãnh đạo Viện;", "Lưu: VT, VP."],
        last_year=dash.last_year,
        chart=dash.chart,
    )


def group_report(dash: GroupDashboard, recipients: Sequence[str]) -> Report:
    parent, name, place = _letterhead(dash.issuer, dash.name.split(" (")[0])
    rows = [ReportRow(row.line, row.target) for row in dash.rows]
    return Report(
        code=dash.code,
        name=dash.name,
        table=dash.table,
        rows=rows,
        scope_label=dash.scope_label,
        issuer_parent=parent,
        issuer_name=name,
        place=place,
        recipients=[*recipients, "Lưu: VT, VP."],
        ranking=dash.ranking,
        members=dash.result.members,
        chart=dash.chart,
    )


def respond(fmt: str, report: Report) -> HttpResponse:
    makers = {"xlsx": (xlsx_bytes, XLSX), "docx": (docx_bytes, DOCX), "pdf": (pdf_bytes, None)}
    if fmt not in makers:
        raise Http404("Không có định dạng này.")
    make, content_type = makers[fmt]
    response = HttpResponse(make(report), content_type=content_type or "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.filename(fmt)}"'
    return response


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
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_heading(sheet: Any, report: Report) -> int:
    from openpyxl.styles import Font

    lines = [
        "KẾT QUẢ THỰC HIỆN CHỈ TIÊU",
        f"{report.name} ({report.scope_label})",
        f"Kỳ: {report.months.label}",
        report.table.summary.met_line(),
        report.table.summary.exceeded_line(),
    ]
    for i, text in enumerate(lines, start=1):
        sheet.cell(row=i, column=1, value=text).font = Font(bold=i in (1, 4, 5))
    return len(lines) + 2


def _xlsx_header_row(sheet: Any, row: int, headers: Sequence[tuple[str, int]]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for col, (title, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=col, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(col)].width = width
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


# --- Word ---------------------------------------------------------------------------------


def docx_bytes(report: Report) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    _base_font(doc, Pt(13))
    _docx_letterhead(doc, report)
    _docx_title(doc, report)
    _docx_body(doc, report)
    _docx_signature(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _base_font(doc: DocxDocument, size: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style: Any = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = size
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), "Times New Roman")
    style.paragraph_format.space_after = Pt(3)


def _para(
    target: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align: str = "left",
    first: bool = False,
) -> Any:
    """Add a paragraph to a document or a table cell (reusing a cell's empty first one)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = target.paragraphs[0] if first else target.add_paragraph()
    para.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    para.paragraph_format.space_after = Pt(0)
    run = para.add_run(text)
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)
    return para


def _rule(para: Any, indent_cm: float) -> None:
    """A short line under a paragraph (the rule under the agency name and the motto)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    p_pr = para._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)
    para.paragraph_format.left_indent = para.paragraph_format.right_indent = Cm(indent_cm)


def _two_columns(doc: DocxDocument, left_cm: float, right_cm: float) -> tuple[_Cell, _Cell]:
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    left, right = table.rows[0].cells
    left.width, right.width = Cm(left_cm), Cm(right_cm)
    return left, right


def _docx_letterhead(doc: DocxDocument, report: Report) -> None:
    left, right = _two_columns(doc, 6.5, 10.0)
    has_parent = bool(report.issuer_parent)
    if has_parent:
        _para(left, report.issuer_parent.upper(), size=12, align="center", first=True)
    name = _para(
        left, report.issuer_name.upper(), bold=True, size=12, align="center", first=not has_parent
    )
    _rule(name, 1.8)
    _para(left, "Số:      /BC-VKS", size=13, align="center")
    _para(
        right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align="center", first=True
    )
    motto = _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align="center")
    _rule(motto, 2.4)
    _para(right, "")
    _para(right, date_line(report.place), italic=True, size=13, align="center")


def date_line(place: str) -> str:
    day = formal_date(timezone.localdate())
    return f"{place}, {day}" if place else day[0].upper() + day[1:]


def _docx_title(doc: DocxDocument, report: Report) -> None:
    _para(doc, "")
    _para(doc, TITLE, bold=True, size=14, align="center")
    _para(doc, report.name, bold=True, size=14, align="center")
    _para(doc, f"{report.period_text} ({report.scope_label})", bold=True, size=13, align="center")
    _para(doc, "")


def _docx_body(doc: DocxDocument, report: Report) -> None:
    summary = report.table.summary
    _para(doc, "I. KẾT QUẢ CHUNG", bold=True)
    _para(doc, f"- {summary.met_line()};", align="justify")
    _para(doc, f"- {summary.exceeded_line()}.", align="justify")
    if report.last_year is not None:
        last = report.last_year.summary
        _para(doc, f"- Cùng kỳ: {last.met_line()}; {last.exceeded_line()}.", align="justify")
    _para(doc, "II. KẾT QUẢ TỪNG CHỈ TIÊU", bold=True)
    _docx_results(doc, report)
    if report.chart is not None:
        _para(
            doc,
            f"(Biểu đồ diễn biến theo tháng của chỉ tiêu {report.chart.code} có trong bản PDF "
            "của báo cáo này và trên hệ thống.)",
            italic=True,
            size=12,
        )
    if report.ranking:
        _para(doc, "III. XẾP HẠNG CÁC THÀNH VIÊN", bold=True)
        _docx_ranking(doc, report.ranking)


def _docx_grid(
    doc: DocxDocument, headers: Sequence[tuple[str, float]], rows: list[list[str]]
) -> None:
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for cell, (title, width) in zip(table.rows[0].cells, headers, strict=True):
        cell.width = Cm(width)
        _para(cell, title, bold=True, size=11, align="center", first=True)
    for values in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.width = Cm(headers[i][1])
            _para(cell, text, size=11, align="left" if i == 1 else "center", first=True)
    for row in table.rows:
        row.height = Pt(14)


def _docx_results(doc: DocxDocument, report: Report) -> None:
    with_last = report.last_year is not None
    headers = [
        ("TT", 0.8),
        ("Chỉ tiêu", 5.7 if with_last else 7.3),
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


def _docx_ranking(doc: DocxDocument, ranking: Sequence[RankRow]) -> None:
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


def _docx_signature(doc: DocxDocument, report: Report) -> None:
    _para(doc, "")
    left, right = _two_columns(doc, 8.0, 8.5)
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12, first=True)
    for recipient in report.recipients:
        _para(left, f"- {recipient}", size=11)
    _para(right, "VIỆN TRƯỞNG", bold=True, size=14, align="center", first=True)


# --- PDF ----------------------------------------------------------------------------------


def pdf_bytes(report: Report) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "documents/indicators_report.html",
        {"report": report, "title": TITLE, "date_line": date_line(report.place)},
    )
    return bytes(HTML(string=html).write_pdf())
