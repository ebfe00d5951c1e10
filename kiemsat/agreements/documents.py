"""The instrument and its review report as Nghị định 30 documents: Word (editable) and PDF.

One description of each document (head, body, signatures) feeds both the Word builder in
kiemsat.documents.nd30 and the PDF templates that extend documents/nd30_base.html.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiemsat.agreements.models import Clause, Duty, Instrument, Party, Review
from kiemsat.agreements.selectors import instrument_detail
from kiemsat.documents.nd30 import (
    DocumentHead,
    Issuer,
    OfficialDocument,
    Signature,
    expand_unit_name,
    issuer_for_unit,
)
from kiemsat.documents.pdf import render_pdf
from kiemsat.lib.vn import fold, short_date

ABBREVIATIONS = (("UBND", "Ủy ban nhân dân"), ("TAND", "Tòa án nhân dân"))


def full_name(name: str) -> str:
    """Headers and signatures spell agencies out: "UBND thành phố" → "Ủy ban nhân dân …"."""
    name = expand_unit_name(name)
    for short, long in ABBREVIATIONS:
        name = name.replace(short, long)
    return name


def party_issuer(party: Party) -> Issuer:
    if party.unit is not None:
        issuer = issuer_for_unit(party.unit)
        return Issuer(name=party.body_name, parent=issuer.parent) if party.body_name else issuer
    return Issuer(name=full_name(party.name))


def party_signature(party: Party) -> Signature:
    return Signature(
        title=party.signatory_title or "Đại diện",
        name=party.signatory_name,
        prefix=party.signature_prefix,
        on_behalf_of=full_name(party.name),
    )


def _hosts_first(parties: list[Party]) -> list[Party]:
    return sorted(parties, key=lambda p: (not p.is_host, p.order, p.pk))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def summary_after_type(kind_label: str, title: str) -> str:
    """NĐ30 puts the type name above the summary: "QUY CHẾ PHỐI HỢP" / "Về việc …"."""
    if fold(title).startswith(fold(kind_label)) and len(title) > len(kind_label) + 1:
        rest = title[len(kind_label) :].strip(" :–-")
        return rest[:1].upper() + rest[1:]
    return title


@dataclass
class InstrumentDocument:
    head: DocumentHead
    signatures: list[Signature]
    basis: list[str]
    preamble: list[str]
    outline: list[tuple[Clause | None, list[Clause]]]
    instrument: Instrument
    paragraphs: dict[int, list[str]] = field(default_factory=dict)


def _recipients(parties: list[Party]) -> list[str]:
    lines = ["Các bên ký kết"]
    for party in parties:
        if party.unit is not None and party.unit.parent is not None:
            lines.append(f"{party.unit.parent.name} (để báo cáo)")
    lines.append("Các đơn vị trực thuộc các bên (để thực hiện)")
    return list(dict.fromkeys(lines))


def instrument_document(instrument: Instrument) -> InstrumentDocument:
    detail = instrument_detail(instrument)
    parties = _hosts_first(detail["parties"])
    kind = instrument.get_kind_display()
    head = DocumentHead(
        issuers=[party_issuer(p) for p in parties],
        number=instrument.number_display,
        place=instrument.place or "……",
        day=instrument.signed_on,
        type_name=kind,
        summary=summary_after_type(kind, instrument.title),
        recipients=_recipients(parties),
    )
    return InstrumentDocument(
        head=head,
        signatures=[party_signature(p) for p in parties],
        basis=_lines(instrument.legal_basis),
        preamble=_lines(instrument.summary),
        outline=detail["outline"],
        instrument=instrument,
        paragraphs={a.pk: _lines(a.text) for _, arts in detail["outline"] for a in arts},
    )


def instrument_docx(instrument: Instrument) -> bytes:
    spec = instrument_document(instrument)
    doc = OfficialDocument(spec.head)
    for line in spec.basis:
        doc.paragraph(line, italic=True)
    for line in spec.preamble:
        doc.paragraph(line)
    for chapter, articles in spec.outline:
        if chapter is not None:
            doc.heading(chapter.label)
            if chapter.title:
                doc.heading(chapter.title.upper())
        for article in articles:
            doc.paragraph(f"{article.label}. {article.title}".rstrip(". "), bold=True)
            for line in spec.paragraphs[article.pk]:
                doc.paragraph(line)
    doc.signatures(spec.signatures)
    return doc.to_bytes()


def instrument_pdf(instrument: Instrument) -> bytes:
    spec = instrument_document(instrument)
    return render_pdf(
        "documents/agreements_instrument.html",
        {
            "head": spec.head,
            "signatures": spec.signatures,
            "spec": spec,
            "outline": [
                (chapter, [(a, spec.paragraphs[a.pk]) for a in articles])
                for chapter, articles in spec.outline
            ],
        },
    )


# --- the review report ---------------------------------------------------------------------


@dataclass
class ReviewReport:
    head: DocumentHead
    signatures: list[Signature]
    sections: list[tuple[str, list[str]]]
    duty_rows: list[list[str]]
    review: Review


DUTY_HEADERS = ["Nhiệm vụ", "Bên thực hiện", "Định kỳ", "Thực hiện gần nhất", "Kết quả"]


def _duty_row(duty: Duty) -> list[str]:
    return [
        duty.title,
        ", ".join(p.name for p in duty.responsible.all()),
        duty.get_recurrence_display(),
        short_date(duty.last_done_on),
        duty.last_result,
    ]


def review_report(review: Review) -> ReviewReport:
    instrument = review.instrument
    detail = instrument_detail(instrument)
    parties: list[Party] = detail["parties"]
    owner = next(p for p in parties if p.unit_id == instrument.owner_unit_id)
    period = f"từ {short_date(review.period_from)} đến {short_date(review.period_to)}"
    head = DocumentHead(
        issuers=[issuer_for_unit(instrument.owner_unit)],
        number="",
        place=instrument.place or "……",
        day=review.held_on,
        type_name="Báo cáo",
        summary=f"{review.get_kind_display()} việc thực hiện {instrument.title} ({period})",
        recipients=[p.name for p in parties if p.pk != owner.pk]
        + ([instrument.owner_unit.parent.name] if instrument.owner_unit.parent else []),
    )
    decision = [f"Quyết định: {review.get_decision_display()}.", *_lines(review.note)]
    sections = [
        ("I. ĐÁNH GIÁ CHUNG", _lines(review.assessment)),
        ("II. KẾT QUẢ ĐẠT ĐƯỢC", _lines(review.results)),
        ("III. TỒN TẠI, HẠN CHẾ", _lines(review.problems)),
        ("IV. PHƯƠNG HƯỚNG, KIẾN NGHỊ", decision),
    ]
    signature = Signature(title=owner.signatory_title or "Viện trưởng", name=owner.signatory_name)
    return ReviewReport(
        head=head,
        signatures=[signature],
        sections=sections,
        duty_rows=[_duty_row(d) for d in detail["duties"]],
        review=review,
    )


def review_docx(review: Review) -> bytes:
    report = review_report(review)
    doc = OfficialDocument(report.head)
    for heading, lines in report.sections:
        doc.heading(heading, center=False)
        for line in lines or ["(Chưa ghi.)"]:
            doc.paragraph(line)
        if heading.startswith("II.") and report.duty_rows:
            doc.table(DUTY_HEADERS, report.duty_rows, widths=(5, 3.5, 2.2, 2.3, 3.5))
    doc.signatures(report.signatures)
    return doc.to_bytes()


def review_pdf(review: Review) -> bytes:
    report = review_report(review)
    context: dict[str, Any] = {
        "head": report.head,
        "signatures": report.signatures,
        "report": report,
        "duty_headers": DUTY_HEADERS,
    }
    return render_pdf("documents/agreements_review.html", context)
