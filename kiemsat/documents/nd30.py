"""Official documents in the Nghị định 30/2020/NĐ-CP layout, as editable Word files.

A4, Times New Roman 13–14; top left the issuing agencies (parent above, in capitals, the
agency in bold); top right the national motto; "Số:", place and formal date in italics;
the type name in bold capitals with the summary below; the body; one signature block per
signing party; "Nơi nhận:" ending "- Lưu: VT, …". Built with python-docx so staff can
keep editing the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from kiemsat.lib.vn import formal_date

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"


@dataclass(frozen=True)
class Issuer:
    name: str
    parent: str = ""


@dataclass(frozen=True)
class Signature:
    """A signature block: "TM. VIỆN KIỂM SÁT", "VIỆN TRƯỞNG", then the signatory's name."""

    title: str
    name: str = ""
    prefix: str = ""
    on_behalf_of: str = ""


@dataclass
class DocumentHead:
    issuers: Sequence[Issuer]
    number: str
    place: str
    day: date | None
    type_name: str
    summary: str = ""
    recipients: list[str] = field(default_factory=list)
    archive: str = "VT"


def place_and_date(place: str, day: date | None) -> str:
    if day is None:
        return f"{place}, ngày     tháng     năm     "
    return f"{place}, {formal_date(day)}"


def number_line(number: str) -> str:
    return f"Số: {number}" if number else "Số:       /"


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
):  # type: ignore[no-untyped-def]
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _no_borders(table) -> None:  # type: ignore[no-untyped-def]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _clear(cell: _Cell) -> _Cell:
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return cell


class OfficialDocument:
    """Build a Word document; call the body methods in order, then ``to_bytes()``."""

    def __init__(self, head: DocumentHead, *, landscape: bool = False):
        self.head = head
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_height, section.page_width = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        style = self.doc.styles["Normal"]
        style.font.name = FONT  # type: ignore[attr-defined]
        style.font.size = Pt(14)  # type: ignore[attr-defined]
        self._header()

    def _header(self) -> None:
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _no_borders(table)
        left, right = (_clear(c) for c in table.rows[0].cells)
        left.width, right.width = Cm(7.5), Cm(9)
        for issuer in self.head.issuers:
            if issuer.parent:
                _para(left, issuer.parent.upper(), size=12)
            _para(left, issuer.name.upper(), size=12, bold=True)
        _para(left, "_______", size=12)
        _para(left, number_line(self.head.number), size=13)
        _para(right, MOTTO, size=12, bold=True)
        _para(right, MOTTO_2, size=13, bold=True)
        _para(right, "_______________________", size=12)
        _para(right, place_and_date(self.head.place, self.head.day), size=13, italic=True)
        _para(self.doc, "", space_after=6)
        _para(self.doc, self.head.type_name.upper(), size=14, bold=True)
        if self.head.summary:
            _para(self.doc, self.head.summary, size=14, bold=True)
        _para(self.doc, "_______", size=12, space_after=12)

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

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths: Sequence[float] = (),
    ) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            _font(_clear(cell).add_paragraph().add_run(str(text)), 12, bold=True)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                _font(_clear(cell).add_paragraph().add_run("" if value is None else str(value)), 12)
        for index, width in enumerate(widths):
            for row in table.rows:
                row.cells[index].width = Cm(width)
        _para(self.doc, "", space_after=6)

    def picture(self, png: bytes, *, width_cm: float = 16) -> None:
        self.doc.add_picture(io.BytesIO(png), width=Cm(width_cm))

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


def issuer_for_unit(unit) -> Issuer:  # type: ignore[no-untyped-def]
    """The issuing block for a procuracy unit: its parent above it, as NĐ30 asks."""
    parent = unit.parent.name if unit.parent_id else ""
    return Issuer(name=expand_unit_name(unit.name), parent=expand_unit_name(parent))


def expand_unit_name(name: str) -> str:
    """ "VKSND tỉnh Quảng Ninh" → "Viện kiểm sát nhân dân tỉnh Quảng Ninh" for headers."""
    return name.replace("VKSND", "Viện kiểm sát nhân dân") if name else ""
