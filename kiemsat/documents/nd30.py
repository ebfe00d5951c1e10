"""Official documents in the Nghị định 30/2020/NĐ-CP layout, as editable Word files.

A4, Times New Roman 13–14; top left the issuing agencies (parent above, in capitals, the
agency in bold) over a short rule; top right the national motto over a rule as long as its
second line; "Số:", place and formal date in italics; the type name in bold capitals with
the summary below; the body; one signature block per signing party; "Nơi nhận:" ending
"- Lưu: VT, …". Built with python-docx so staff can keep editing the file. The PDF twin of
every document is templates/documents/nd30_base.html, fed the same ``DocumentHead``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from kiemsat.lib.vn import formal_date
from kiemsat.org.models import Level, Unit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
# The motto, 12 pt bold, needs 8.8 cm on one line; the two columns fill the 16.5 cm text width.
AGENCY_CM, NATION_CM = 7.0, 9.5
# Indents that centre each rule: 2.5 cm under the agency, 5.6 cm (the motto's second line)
# under the motto, 4 cm under the summary; a table cell loses 0.38 cm to its margins.
AGENCY_RULE_INDENT, MOTTO_RULE_INDENT, SUMMARY_RULE_INDENT = 2.05, 1.75, 6.25


# An organisation's name never breaks inside itself: its words are joined by non-breaking
# spaces, and the type shrinks (down to 10 pt) until the name fits the agency column, about
# 188 pt wide in Word and PDF alike. A bold capital of Times/Liberation Serif is 0.60 em wide
# on average; 185 pt and 0.61 leave a margin. A name too long even then ("… cấp cao tại Thành phố Hồ
# Chí Minh") is set on two lines at its natural joint, before "TẠI" or after "NHÂN DÂN".
AGENCY_PT, CAPITAL_EM, SMALLEST_PT = 185, 0.61, 10.0
NBSP = "\u00a0"


@dataclass(frozen=True)
class HeadLine:
    text: str
    size: float
    bold: bool

    @property
    def css_size(self) -> str:
        return f"{self.size:.1f}pt"


def _fitting_size(parts: list[str], size: float) -> float:
    widest = max(len(part) for part in parts) * CAPITAL_EM
    return min(size, math.floor(2 * AGENCY_PT / widest) / 2)


def head_line(name: str, *, size: float = 12, bold: bool = False) -> HeadLine:
    """An organisation's name as the letterhead sets it: capitals, unbreakable but at one
    chosen joint when it cannot fit on one line, and the size that makes each line fit."""
    upper = name.upper()
    parts = [upper]
    if _fitting_size(parts, size) < SMALLEST_PT:
        for joint in (" TẠI ", "NHÂN DÂN "):
            at = upper.find(joint)
            if at > 0:
                cut = at if joint.startswith(" ") else at + len(joint) - 1
                parts = [upper[:cut].strip(), upper[cut:].strip()]
                break
    text = " ".join(part.replace(" ", NBSP) for part in parts)
    return HeadLine(text, max(_fitting_size(parts, size), SMALLEST_PT), bold)


@dataclass(frozen=True)
class Issuer:
    name: str
    parent: str = ""

    @property
    def head_lines(self) -> list[HeadLine]:
        """The parent (regular) above the issuer (bold), as NĐ30 sets them."""
        lines = [head_line(self.parent)] if self.parent else []
        return [*lines, head_line(self.name, bold=True)]


@dataclass(frozen=True)
class Signature:
    """A signature block: "TM. VIỆN KIỂM SÁT", "VIỆN TRƯỞNG", then the signatory's name."""

    title: str
    name: str = ""
    prefix: str = ""
    on_behalf_of: str = ""


@dataclass
class DocumentHead:
    """``number`` blank leaves "Số:      /<symbol>" for the office to fill in."""

    issuers: Sequence[Issuer]
    number: str
    place: str
    day: date | None
    type_name: str
    summary: str = ""
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"
    symbol: str = ""

    @property
    def number_line(self) -> str:
        return f"Số: {self.number}" if self.number else f"Số:       /{self.symbol}"

    @property
    def date_line(self) -> str:
        return place_and_date(self.place, self.day)

    @property
    def summary_lines(self) -> list[str]:
        return self.summary.splitlines()


def place_and_date(place: str, day: date | None) -> str:
    """ "Hạ Long, ngày 05 tháng 01 năm 2022"; blanks where the day is not known yet."""
    when = formal_date(day) if day is not None else "ngày     tháng     năm     "
    return f"{place}, {when}" if place else when[:1].upper() + when[1:]


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


def issuer_for_unit(unit: Unit) -> Issuer:
    """The issuing block for a procuracy unit: its parent above it, as NĐ30 asks."""
    parent = unit.parent.name if unit.parent is not None else ""
    return Issuer(name=expand_unit_name(unit.name), parent=expand_unit_name(parent))


def expand_unit_name(name: str) -> str:
    """ "VKSND tỉnh Quảng Ninh" → "Viện kiểm sát nhân dân tỉnh Quảng Ninh" for headers."""
    return name.replace("VKSND", "Viện kiểm sát nhân dân") if name else ""


# --- python-docx helpers --------------------------------------------------------------------


def _font(run, size: float = 13, bold: bool = False, italic: bool = False) -> None:  # type: ignore[no-untyped-def]
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _para(
    container,
    text: str = "",
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.CENTER,
    space_after: float = 0,
    space_before: float = 0,
):  # type: ignore[no-untyped-def]
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(space_before)
    if text:
        _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _rule(container, indent_cm: float, space_after: float = 0) -> None:  # type: ignore[no-untyped-def]
    """A short solid line: the bottom border of an empty 3 pt paragraph indented both sides,
    so the text above it keeps the full width."""
    paragraph = _para(container, space_after=space_after)
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(3)
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _no_borders(table) -> None:  # type: ignore[no-untyped-def]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _fixed_widths(table, widths: Sequence[float]) -> None:  # type: ignore[no-untyped-def]
    """Column widths that hold: autofit off, the grid (LibreOffice reads it) and every cell
    (Word reads those) set."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _clear(cell: _Cell) -> _Cell:
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cell


class OfficialDocument:
    """Build a Word document; call the body methods in order, then ``to_bytes()``."""

    def __init__(self, head: DocumentHead):
        self.head = head
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        style = self.doc.styles["Normal"]
        style.font.name = FONT  # type: ignore[attr-defined]
        style.font.size = Pt(14)  # type: ignore[attr-defined]
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
        for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(script), FONT)
        self._header()

    def _header(self) -> None:
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        _fixed_widths(table, (AGENCY_CM, NATION_CM))
        left, right = (_clear(c) for c in table.rows[0].cells)
        for issuer in self.head.issuers:
            for name in issuer.head_lines:
                _para(left, name.text, size=name.size, bold=name.bold)
        _rule(left, AGENCY_RULE_INDENT)
        _para(left, self.head.number_line, size=13, space_before=6)
        _para(right, MOTTO, size=12, bold=True)
        _para(right, MOTTO_2, size=13, bold=True)
        _rule(right, MOTTO_RULE_INDENT)
        _para(right, self.head.date_line, size=13, italic=True, space_before=6)
        _para(self.doc, "", space_after=6)
        if self.head.type_name:
            _para(self.doc, self.head.type_name.upper(), size=14, bold=True)
        for line in self.head.summary_lines:
            _para(self.doc, line, size=14, bold=True)
        if self.head.type_name:  # a công văn's "V/v …" line has no rule under it
            _rule(self.doc, SUMMARY_RULE_INDENT, space_after=12)
        else:
            _para(self.doc, "", space_after=6)

    def heading(self, text: str, *, center: bool = True) -> None:
        align = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        _para(self.doc, text, size=14, bold=True, align=align, space_after=6)

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        paragraph = _para(
            self.doc,
            text,
            size=14,
            bold=bold,
            italic=italic,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            space_after=6,
        )
        paragraph.paragraph_format.first_line_indent = Cm(1)

    def figure(self, png: bytes, *, width_cm: float, caption: str) -> None:
        """A picture across the text width, centred, with an italic caption under it."""
        picture = self.doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
        _para(self.doc, caption, size=12, italic=True, space_after=6)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths: Sequence[float] = (),
        centered: Collection[int] = (),
        size: float = 12,
    ) -> None:
        """A bordered table; headers bold and centred, the ``centered`` columns centred."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            _para(_clear(cell), str(text), size=size, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
                align = WD_ALIGN_PARAGRAPH.CENTER if index in centered else WD_ALIGN_PARAGRAPH.LEFT
                _para(_clear(cell), "" if value is None else str(value), size=size, align=align)
        if widths:
            _fixed_widths(table, widths)
        _para(self.doc, "", space_after=6)

    def signatures(self, blocks: Sequence[Signature]) -> None:
        """Signature blocks side by side; with one signer "Nơi nhận" sits at its left."""
        recipients_left = len(blocks) == 1
        cols = 2 if recipients_left else max(1, len(blocks))
        table = self.doc.add_table(rows=1, cols=cols)
        _no_borders(table)
        cells = [_clear(c) for c in table.rows[0].cells]
        sign_cells = cells[1:] if recipients_left else cells
        if recipients_left:
            self._recipients(cells[0])
        for cell, block in zip(sign_cells, blocks, strict=False):
            if block.prefix:
                _para(
                    cell, f"{block.prefix} {block.on_behalf_of}".strip().upper(), size=13, bold=True
                )
            _para(cell, block.title.upper(), size=13, bold=True)
            _para(cell, "(Ký, ghi rõ họ tên, đóng dấu)", size=12, italic=True, space_after=48)
            _para(cell, block.name, size=13, bold=True)
        if not recipients_left:
            self._recipients(self.doc)

    def _recipients(self, container) -> None:  # type: ignore[no-untyped-def]
        _para(
            container, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT
        )
        for name in self.head.recipients:
            _para(container, f"- {name};", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
        _para(container, f"- Lưu: {self.head.archive}.", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
