"""The chasing letter (công văn đôn đốc trả lời) for an overdue intervention, Word and PDF.

Both formats come from one ``ChaseLetter``: the Word file through the shared Nghị định 30
builder, the PDF through the shared ``nd30_base.html``. A công văn has no type name; its
summary line is the "V/v …" subject. The number is left blank for the office to fill in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from kiemsat.documents.nd30 import (
    DocumentHead,
    OfficialDocument,
    Signature,
    expand_unit_name,
    issuer_for_unit,
)
from kiemsat.documents.pdf import render_pdf
from kiemsat.lib.vn import format_int, short_date
from kiemsat.oversight.clock import days_late
from kiemsat.oversight.models import Intervention, Kind

_PLACE_PREFIX = re.compile(
    r"^(VKSND|Viện kiểm sát nhân dân)\s+(tỉnh|thành phố|huyện|quận|thị xã)?\s*"
)


def place_of(unit_name: str) -> str:
    """ "VKSND thành phố Hạ Long" → "Hạ Long"; "VKSND khu vực 3 – Quảng Ninh" → "Quảng Ninh"."""
    name = unit_name.rsplit("–", 1)[-1].strip() if "–" in unit_name else unit_name
    return _PLACE_PREFIX.sub("", name).strip() or unit_name


def _what(iv: Intervention) -> str:
    """ "kiến nghị", "kháng nghị", "yêu cầu" — the word the letter chases."""
    if iv.kind in (Kind.RECOMMENDATION, Kind.PREVENTION):
        return "kiến nghị"
    if iv.kind == Kind.REQUEST:
        return "yêu cầu"
    return "kháng nghị"


@dataclass
class ChaseLetter:
    head: DocumentHead
    greeting: str
    paragraphs: list[str]
    signatures: list[Signature] = field(default_factory=list)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _paragraphs(iv: Intervention, today: date) -> list[str]:
    deadline = iv.deadline
    assert deadline is not None
    what = _what(iv)
    issuer = expand_unit_name(iv.unit.name)
    received = f" (Quý cơ quan nhận ngày {short_date(iv.received_on)})" if iv.received_on else ""
    first = (
        f"Ngày {short_date(iv.issued_on)}, {issuer} đã ban hành "
        f"{iv.get_kind_display()} số {iv.number_display} về việc "
        f"{_lower_first(iv.subject.rstrip('.'))}"
        f", gửi {iv.recipient.name}{received}."
    )
    if iv.extended_to:
        clock = (
            f"Theo thông báo gia hạn của Quý cơ quan, hạn trả lời là ngày {short_date(deadline)}."
        )
    elif iv.rule:
        clock = (
            f"Theo {iv.rule.legal_basis}, Quý cơ quan có trách nhiệm trả lời bằng văn bản trong "
            f"thời hạn {iv.rule.days} ngày{' làm việc' if iv.rule.working_days else ''}; "
            f"hạn trả lời là ngày {short_date(deadline)}."
        )
    else:
        clock = f"Hạn trả lời là ngày {short_date(deadline)}."
    late = days_late(deadline, today)
    status = (
        f"Đến nay đã quá hạn {format_int(late)} ngày nhưng {issuer} chưa nhận được "
        f"văn bản trả lời {what} của Quý cơ quan."
    )
    ask = (
        f"Để bảo đảm việc thực hiện {what} theo quy định của pháp luật, {issuer} đề nghị "
        f"Quý cơ quan khẩn trương xem xét, trả lời bằng văn bản về kết quả thực hiện {what} "
        "nêu trên trong thời hạn 07 ngày kể từ ngày nhận được Công văn này."
    )
    return [first, f"{clock} {status}", ask, "Trân trọng./."]


def chase_letter(iv: Intervention, today: date) -> ChaseLetter:
    issuer = issuer_for_unit(iv.unit)
    parent = iv.unit.parent.name if iv.unit.parent_id and iv.unit.parent else ""
    head = DocumentHead(
        issuers=[issuer],
        number="",
        place=place_of(iv.unit.name),
        day=today,
        type_name="",
        summary=f"V/v đôn đốc trả lời {_what(iv)} số {iv.number_display}",
        recipients=["Như trên", *([f"{parent} (để báo cáo)"] if parent else []), "Lãnh đạo Viện"],
        archive="VT, hồ sơ",
    )
    return ChaseLetter(
        head=head,
        greeting=f"Kính gửi: {iv.recipient.name}",
        paragraphs=_paragraphs(iv, today),
        signatures=[Signature(title="Viện trưởng")],
    )


def chase_docx(letter: ChaseLetter) -> bytes:
    doc = OfficialDocument(letter.head)
    doc.heading(letter.greeting)
    for text in letter.paragraphs:
        doc.paragraph(text)
    doc.signatures(letter.signatures)
    return doc.to_bytes()


def chase_pdf(letter: ChaseLetter) -> bytes:
    return render_pdf(
        "documents/oversight_chase.html",
        {
            "head": letter.head,
            "signatures": letter.signatures,
            "greeting": letter.greeting,
            "paragraphs": letter.paragraphs,
        },
    )
