"""Extracted facts as a Vietnamese text table (the `extract --format table` output)."""

from __future__ import annotations

from kiemsat.ingest.extraction import Facts
from kiemsat.lib.vn import format_decimal, short_date

EVENT_TYPES = {
    "coordination_signing": "Ký kết văn bản phối hợp",
    "coordination_review": "Sơ kết, tổng kết phối hợp",
    "emulation_review": "Tổng kết, bình xét thi đua",
    "emulation_covenant_signing": "Ký giao ước thi đua",
    "work_conference": "Hội nghị công tác",
    "other": "Sự kiện khác",
}
INSTRUMENT_KINDS = {
    "chuong_trinh_phoi_hop": "Chương trình phối hợp",
    "quy_che_phoi_hop": "Quy chế phối hợp",
    "ke_hoach_phoi_hop": "Kế hoạch phối hợp",
    "giao_uoc_thi_dua": "Giao ước thi đua",
}
INDICATOR_KINDS = {"met": "đạt", "exceeded": "vượt"}


def _period(start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    return str(start) if start == end else f"{start} – {end}"


def facts_table(facts: Facts) -> str:
    inst = facts.instrument
    rows = [
        ("Loại sự kiện", EVENT_TYPES[facts.event_type]),
        ("Ngày", short_date(facts.event_date)),
        ("Địa điểm", facts.location or ""),
        ("Văn bản", INSTRUMENT_KINDS.get(inst.kind or "", "")),
        ("Tên văn bản", inst.title or ""),
        ("Giai đoạn", _period(inst.period_start_year, inst.period_end_year)),
        (
            "Số chương, điều",
            f"{inst.chapters} chương, {inst.articles} điều" if inst.chapters else "",
        ),
    ]
    rows += [("Bên tham gia", party) for party in facts.parties]
    rows += [
        ("Người", ", ".join(x for x in (p.name, p.title, p.organisation) if x))
        for p in facts.people
    ]
    for item in facts.indicators:
        count = f"{item.met}/{item.total}" if item.total else str(item.met)
        percent = f" ({format_decimal(item.percent)}%)" if item.percent is not None else ""
        rows.append(("Chỉ tiêu", f"{INDICATOR_KINDS[item.kind]} {count}{percent}"))
    rows += [("Chủ đề", theme) for theme in facts.themes]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
