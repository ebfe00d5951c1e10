"""A conference's papers under Nghị định 30, Word and PDF: the invitation (giấy mời), the
minutes (biên bản) and the notice of conclusions (thông báo kết luận) with its tasks.

Each paper is described once (``Paper``); the Word file comes from the shared builder, the
PDF from ``documents/meetings_paper.html``. Numbers are left blank for the office.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from kiemsat.documents.nd30 import (
    DocumentHead,
    OfficialDocument,
    Signature,
    expand_unit_name,
    issuer_for_unit,
    place_of,
)
from kiemsat.documents.pdf import render_pdf
from kiemsat.lib.vn import formal_date, format_decimal, short_date
from kiemsat.meetings.models import Conference, Participant, ParticipantRole, PublishedResult
from kiemsat.meetings.selectors import conference_detail

TASK_HEADERS = ("TT", "Nhiệm vụ", "Đơn vị thực hiện", "Đơn vị phối hợp", "Thời hạn")
TASK_WIDTHS = (1.0, 6.0, 3.5, 3.0, 2.5)


@dataclass
class Paper:
    head: DocumentHead
    sections: list[tuple[str, list[str]]]
    signatures: list[Signature]
    rows: Sequence[Sequence[object]] = ()  # the tasks, for the notice


def _when(c: Conference) -> str:
    hour = f"{c.starts_at:%H} giờ {c.starts_at:%M}, " if c.starts_at else ""
    return f"{hour}{formal_date(c.held_on)}"


def _where(c: Conference, points: list[str]) -> str:
    place = c.place or "(địa điểm sẽ thông báo sau)"
    if points:
        return f"{place}; trực tuyến tới {len(points)} điểm cầu: {'; '.join(points)}"
    return place


def _head(
    c: Conference, type_name: str, symbol: str, summary: str, day: date | None
) -> DocumentHead:
    return DocumentHead(
        issuers=[issuer_for_unit(c.unit)],
        number="",
        symbol=symbol,
        place=place_of(c.unit),
        day=day,
        type_name=type_name,
        summary=summary,
        recipients=[],
        archive="VT, VP",
    )


def _chair_signature(people: list[Participant]) -> list[Signature]:
    """The chair signs (the co-chair when nobody is recorded as chair); a blank name else."""
    chairs = sorted(
        (p for p in people if p.role in (ParticipantRole.CHAIR, ParticipantRole.CO_CHAIR)),
        key=lambda p: p.role != ParticipantRole.CHAIR,
    )
    return [Signature(title="Viện trưởng", name=chairs[0].person.name if chairs else "")]


def invitation(c: Conference, today: date) -> Paper:
    d = conference_detail(c)
    points = [str(b) for b in d["bridge_points"]]
    guests = [f"{p.person.name} – {p.title}" for p in d["participants"] if p.title] or []
    recipients = [*(u.name for u in d["co_units"]), *(p.name for p in d["partners"])]
    sent = today if today < c.held_on else None  # sent before the day; else left blank
    head = _head(c, "GIẤY MỜI", "GM-VKS", f"Dự {c.title}", sent)
    head.recipients = [*recipients, "Như thành phần mời"]
    body = [
        f"{expand_unit_name(c.unit.name)} trân trọng kính mời dự {c.title}.",
        f"Thời gian: {_when(c)}.",
        f"Địa điểm: {_where(c, points)}.",
    ]
    if c.agenda:
        body.append(f"Nội dung: {c.agenda}")
    sections = [("", body)]
    if recipients or guests:
        sections.append(("Thành phần:", [*recipients, *guests]))
    sections.append(("", ["Rất mong các đồng chí đến dự đúng thời gian, thành phần./."]))
    return Paper(head, sections, _chair_signature(d["participants"]))


def minutes(c: Conference, today: date) -> Paper:
    d = conference_detail(c)
    points = [str(b) for b in d["bridge_points"]]
    head = _head(c, "BIÊN BẢN", "BB-VKS", c.title, c.held_on)
    people = [
        f"{p.person.name}, {p.title} ({p.get_role_display().lower()})" for p in d["participants"]
    ]
    results = [
        f"{r}: tỷ lệ công bố {r.printed_display or 'không nêu'}"
        + (f"; tính lại từ số đếm {_pct(r)} – tỷ lệ công bố chưa đúng" if r.printed_wrong else "")
        for r in d["results"]
    ]
    sections = [
        ("I. Thời gian, địa điểm", [f"Vào hồi {_when(c)}, tại {_where(c, points)}."]),
        ("II. Thành phần", people or ["(Chưa ghi.)"]),
        ("III. Nội dung", [line for line in (c.agenda, c.reports, c.summary) if line]),
        ("IV. Ý kiến phát biểu", _speeches(c)),
        ("V. Kết quả công bố", results or ["(Không có.)"]),
        ("VI. Kết luận", [k.text for k in d["conclusions"]] or ["(Chưa ghi.)"]),
    ]
    if c.theme or c.breakthrough:
        themes = [f"Chủ đề năm: “{c.theme}”." if c.theme else ""]
        themes.append(f"Khâu đột phá: “{c.breakthrough}”." if c.breakthrough else "")
        sections.insert(5, ("Chủ đề, khâu đột phá", [t for t in themes if t]))
    signatures = [Signature(title="Thư ký hội nghị"), *_chair_signature(d["participants"])]
    signatures[-1] = Signature(title="Chủ trì hội nghị", name=signatures[-1].name)
    return Paper(head, [(h, lines or ["(Chưa ghi.)"]) for h, lines in sections], signatures)


def _pct(result: PublishedResult) -> str:
    return format_decimal(result.computed_percent or 0) + "%"


def _speeches(c: Conference) -> list[str]:
    lines = [f"Có {c.speech_count} ý kiến phát biểu."] if c.speech_count else []
    return lines + ([c.speeches] if c.speeches else [])


def notice(c: Conference, today: date) -> Paper:
    d = conference_detail(c)
    head = _head(c, "THÔNG BÁO", "TB-VKS", f"Kết luận của {c.title}", None)
    owners = {t.unit.name for k in d["conclusions"] for t in k.tasks.all()}
    head.recipients = sorted(owners) + [u.name for u in d["co_units"]]
    lines = [f"Ngày {short_date(c.held_on)}, {expand_unit_name(c.unit.name)} tổ chức {c.title}."]
    lines += [f"{n}. {k.text}" for n, k in enumerate(d["conclusions"], start=1)]
    rows = [
        (
            str(n),
            t.title,
            t.unit.name + (f" ({t.person})" if t.person else ""),
            "; ".join(u.name for u in t.participants.all()),
            short_date(t.due_on),
        )
        for n, t in enumerate((t for k in d["conclusions"] for t in k.tasks.all()), start=1)
    ]
    sections = [("", lines), ("Phân công thực hiện:", [] if rows else ["(Chưa giao nhiệm vụ.)"])]
    return Paper(head, sections, _chair_signature(d["participants"]), rows)


# The papers by the name their URL and file carry.
PAPERS: dict[str, Callable[[Conference, date], Paper]] = {
    "giay-moi": invitation,
    "bien-ban": minutes,
    "thong-bao-ket-luan": notice,
}


def paper_docx(paper: Paper) -> bytes:
    doc = OfficialDocument(paper.head)
    for heading, lines in paper.sections:
        if heading:
            doc.heading(heading, center=False)
        for line in lines:
            doc.paragraph(line)
    if paper.rows:
        doc.table(TASK_HEADERS, paper.rows, widths=TASK_WIDTHS, centered={0, 4})
    doc.signatures(paper.signatures)
    return doc.to_bytes()


def paper_pdf(paper: Paper) -> bytes:
    context = {
        "head": paper.head,
        "signatures": paper.signatures,
        "sections": paper.sections,
        "rows": paper.rows,
        "task_headers": TASK_HEADERS,
    }
    return render_pdf("documents/meetings_paper.html", context)
