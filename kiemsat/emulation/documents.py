"""The cluster's year-end report and its proposal (tờ trình) to the sector's emulation
council, as Nghị định 30 documents: one description feeds the Word and the PDF builders.

The cluster leader's unit issues both (the managing unit when the year has no leader).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiemsat.documents.nd30 import (
    DocumentHead,
    OfficialDocument,
    Signature,
    issuer_for_unit,
    place_of,
)
from kiemsat.documents.pdf import render_pdf
from kiemsat.emulation import selectors
from kiemsat.emulation.models import Proposal
from kiemsat.lib.vn import format_percent, format_points, short_date
from kiemsat.org.models import ClusterTerm, Unit

COUNCIL = "Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân"
RANKING_HEADERS = ["Hạng", "Đơn vị", "Tổng điểm", "Xếp loại"]
PROPOSAL_HEADERS = ["TT", "Đơn vị", "Danh hiệu đề nghị", "Hạng, xếp loại", "Phiếu đồng ý"]


@dataclass
class Block:
    """A section: its heading, its paragraphs, then an optional table."""

    heading: str
    lines: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: tuple[float, ...] = ()


@dataclass
class ClusterDocument:
    head: DocumentHead
    signatures: list[Signature]
    blocks: list[Block]
    filename: str


def _issuer(term: ClusterTerm) -> Unit | None:
    return term.leader or selectors.manager_unit(term.cluster)


def _head(
    term: ClusterTerm, today: date, type_name: str, summary: str, recipients: list[str]
) -> DocumentHead:
    unit = _issuer(term)
    return DocumentHead(
        issuers=[issuer_for_unit(unit)] if unit else [],
        number="",
        place=place_of(unit) if unit else "",
        day=today,
        type_name=type_name,
        summary=summary,
        recipients=recipients,
        symbol="TTr-VKS" if type_name == "Tờ trình" else "BC-VKS",
    )


def _signatures() -> list[Signature]:
    return [Signature(title="Viện trưởng", prefix="TM.", on_behalf_of="Đơn vị cụm trưởng")]


def _ranking_rows(result: selectors.TermResult) -> list[list[str]]:
    return [
        [
            str(m.rank) if m.rank is not None else "",
            m.unit.name,
            format_points(m.total),
            f"Không xét thi đua: {m.excluded}" if m.excluded else m.band,
        ]
        for m in result.members
    ]


def _votes(p: Proposal) -> str:
    if p.votes_for is None or not p.voters:
        return ""
    return f"{p.votes_for}/{p.voters} ({format_percent(p.votes_for, p.voters)})"


def _proposal_rows(result: selectors.TermResult, proposals: list[Proposal]) -> list[list[str]]:
    standing = {m.unit.pk: f"Hạng {m.rank}, {m.band}" for m in result.members if m.rank}
    return [
        [str(n), p.unit.name, p.title_name, standing.get(p.unit_id, ""), _votes(p)]
        for n, p in enumerate(proposals, start=1)
    ]


def _term_lines(term: ClusterTerm) -> list[str]:
    record = selectors.record_of(term)
    covenant = record.covenant if record else None
    lines = [
        f"{term.cluster.name} năm {term.year} gồm {term.members.count()} đơn vị: "
        + ", ".join(m.name for m in term.members.all())
        + ".",
        f"Cụm trưởng: {term.leader.name if term.leader else 'chưa xác định'}; "
        f"cụm phó: {term.deputy.name if term.deputy else 'không có'}.",
    ]
    if covenant is not None:
        signed = f" ký ngày {short_date(covenant.signed_on)}" if covenant.signed_on else ""
        lines.append(f"Các đơn vị đã ký {covenant.title}{signed}.")
    return lines


def year_report(term: ClusterTerm, today: date) -> ClusterDocument:
    """The year-end report (báo cáo tổng kết thi đua) of the cluster."""
    result = selectors.term_result(term)
    summary = result.group.group.summary
    proposals = selectors.proposals_of(term)
    head = _head(
        term,
        today,
        "Báo cáo",
        f"Tổng kết công tác thi đua năm {term.year}\ncủa {term.cluster.name}",
        [COUNCIL, "Các đơn vị thành viên của cụm"],
    )
    blocks = [
        Block("I. TỔ CHỨC CỤM THI ĐUA", _term_lines(term)),
        Block(
            "II. KẾT QUẢ THỰC HIỆN CHỈ TIÊU",
            [
                f"Số chỉ tiêu đạt chung của cả cụm: {summary.headline()}.",
                f"Số chỉ tiêu vượt chung của cả cụm: {summary.exceeded_line()}.",
            ],
        ),
        Block(
            "III. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG",
            [f"Chấm điểm theo {result.sheet.name}." if result.sheet else "Chưa có bảng tiêu chí."],
            RANKING_HEADERS,
            _ranking_rows(result),
            (1.5, 7, 2.5, 5.5),
        ),
        Block(
            "IV. ĐỀ NGHỊ KHEN THƯỞNG",
            [] if proposals else ["Cụm chưa lập danh sách đề nghị."],
            PROPOSAL_HEADERS if proposals else [],
            _proposal_rows(result, proposals),
            (1, 5, 4.5, 3.5, 2.5),
        ),
    ]
    slug = f"{term.cluster.code.lower()}-{term.year}"
    return ClusterDocument(head, _signatures(), blocks, f"bao-cao-tong-ket-thi-dua-{slug}")


def proposal_letter(term: ClusterTerm, today: date) -> ClusterDocument:
    """The proposal (tờ trình đề nghị khen thưởng) to the sector's emulation council."""
    result = selectors.term_result(term)
    proposals = selectors.proposals_of(term)
    head = _head(
        term,
        today,
        "Tờ trình",
        f"Đề nghị xét tặng danh hiệu thi đua năm {term.year}\ncho các đơn vị {term.cluster.name}",
        [COUNCIL, "Các đơn vị thành viên của cụm"],
    )
    ranked = sum(1 for m in result.members if m.rank is not None)
    blocks = [
        Block(f"Kính gửi: {COUNCIL}"),
        Block(
            "",
            [
                f"Căn cứ kết quả chấm điểm, xếp hạng thi đua năm {term.year} của "
                f"{term.cluster.name} ({ranked} đơn vị được xếp hạng) và kết quả biểu quyết của "
                "các đơn vị trong cụm, đơn vị cụm trưởng đề nghị Hội đồng xét tặng danh hiệu thi "
                "đua cho các đơn vị sau:",
            ],
            PROPOSAL_HEADERS,
            _proposal_rows(result, proposals),
            (1, 5, 4.5, 3.5, 2.5),
        ),
        Block("", ["Kính trình Hội đồng xem xét, quyết định."]),
    ]
    slug = f"{term.cluster.code.lower()}-{term.year}"
    return ClusterDocument(head, _signatures(), blocks, f"to-trinh-khen-thuong-{slug}")


def to_docx(spec: ClusterDocument) -> bytes:
    doc = OfficialDocument(spec.head)
    for block in spec.blocks:
        if block.heading:
            doc.heading(block.heading, center=False)
        for line in block.lines:
            doc.paragraph(line)
        if block.headers:
            doc.table(block.headers, block.rows, widths=block.widths, centered={0})
    doc.signatures(spec.signatures)
    return doc.to_bytes()


def to_pdf(spec: ClusterDocument) -> bytes:
    context = {"head": spec.head, "signatures": spec.signatures, "spec": spec}
    return render_pdf("documents/emulation_cluster.html", context)
