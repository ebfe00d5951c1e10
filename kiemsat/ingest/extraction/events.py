"""The event: its sentence, type, parties, place and the instrument signed or reviewed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiemsat.ingest.extraction.orgs import Org, chains, find_orgs, members_of_clusters

KINDS = {
    "chuong_trinh_phoi_hop": r"chương\s+trình(?:\s+công\s+tác)?\s+phối\s+hợp",
    "quy_che_phoi_hop": r"quy\s+chế(?:\s+số\s+\S+)?\s+(?:về\s+)?phối\s+hợp",
    "ke_hoach_phoi_hop": r"kế\s+hoạch(?:\s+liên\s+ngành)?\s+phối\s+hợp",
    "giao_uoc_thi_dua": r"giao\s+ước\s+thi\s+đua",
}
_KIND = re.compile("|".join(f"(?P<{k}>{v})" for k, v in KINDS.items()), re.IGNORECASE)
_SIGN = re.compile(r"\b(?:ký\s+kết|ký)\b", re.IGNORECASE)
_REVIEW = re.compile(r"\b(?:tổng\s+kết|sơ\s+kết|bình\s+xét|suy\s+tôn)\b", re.IGNORECASE)
_WORK_CONFERENCE = re.compile(
    r"Ban\s+cán\s+sự\s+Đảng\s+mở\s+rộng|(?:tổng\s+kết|triển\s+khai)\s+(?:công\s+tác|nhiệm\s+vụ)"
    r"(?:\s+(?:kiểm\s+sát|năm|\d{4}|của\s+ngành))(?!\s+phối\s+hợp)|hội\s+nghị\s+cán\s+bộ",
    re.IGNORECASE,
)
_EMULATION = re.compile(r"thi\s+đua", re.IGNORECASE)
_OTHER = re.compile(r"kết\s+nghĩa", re.IGNORECASE)
_VERB = re.compile(
    r"\b(?:tổ\s+chức|ký\s+kết|ký|chủ\s+trì|đồng\s+chủ\s+trì|tổng\s+kết|sơ\s+kết|họp|"
    r"phát\s+động|bình\s+xét)\b",
    re.IGNORECASE,
)
_SUBJECT_GAP = re.compile(
    r"^\s*(?:\([^()]*\)\s*)?,?\s*(?:(?:đã|vừa|chính\s+thức|long\s+trọng|cùng|phối\s+hợp|"
    r"tiến\s+hành|trang\s+trọng|đã\s+cùng)\s+)*$",
    re.IGNORECASE,
)
_GUEST_LEAD = re.compile(
    r"^\W*(?:tham\s+dự|dự|tới\s+dự|đến\s+dự|về\s+dự|có\s+mặt)\b", re.IGNORECASE
)
_LOCATIVE_BEFORE = re.compile(r"(?:tại|trụ\s+sở|điểm\s+cầu|hội\s+trường)\s*$", re.IGNORECASE)
_OBJECT = re.compile(r"\s(?:với|giữa)\s+$", re.IGNORECASE)
_PERIOD = re.compile(
    r"giai\s+đoạn\s+(\d{4})\s*[-–—]\s*(\d{4})|nhiệm\s+kỳ\s+(\d{4})\s*[-–—]\s*(\d{4})|"
    r"\bnăm\s+(\d{4})\b",
    re.IGNORECASE,
)
_STRUCTURE = re.compile(
    r"\b(\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+chương\s*(?:,|và|với|gồm)?\s*"
    r"(\d{1,3}|[a-zà-ỹ]+)\s+điều\b",
    re.IGNORECASE,
)
_NUMERALS = {
    "một": 1,
    "hai": 2,
    "ba": 3,
    "bốn": 4,
    "năm": 5,
    "sáu": 6,
    "bảy": 7,
    "tám": 8,
    "chín": 9,
    "mười": 10,
}
_TITLE_END = re.compile(
    r"[.;!?\n]|,\s+(?=(?:đồng\s+thời|nhằm|với\s+sự|có\s+sự|dưới\s+sự|theo\s+đó|qua\s+đó)\b)|"
    r"\s+(?:nhằm|để|tại|vào\s+ngày|với\s+sự\s+tham\s+dự)\s",
    re.IGNORECASE,
)
_LOCATION = re.compile(r"\btại\s+(.+?)(?=,\s*(?:[A-ZĐÀ-Ỹ][^,]*?\b(?:tổ\s+chức|ký|đã)\b)|$)")
_ONLINE = re.compile(r"trực\s+tuyến\s+từ\s+(điểm\s+cầu\s+[^,.;]+?)(?:\s+(?:đến|tới)\s|[,.;]|$)")


@dataclass
class Instrument:
    kind: str | None = None
    title: str | None = None
    period_start_year: int | None = None
    period_end_year: int | None = None
    chapters: int | None = None
    articles: int | None = None


def subject_parties(sentence: str) -> list[Org]:
    """The names right before the event verb, and those after "với"/"giữa" in its object."""
    orgs = [o for o in find_orgs(sentence) if not _LOCATIVE_BEFORE.search(sentence[: o.start])]
    runs = chains(sentence, orgs)
    parties: list[Org] = []
    for verb in _VERB.finditer(sentence):
        for run in runs:
            if run[-1].end <= verb.start() and _SUBJECT_GAP.match(
                sentence[run[-1].end : verb.start()]
            ):
                parties.extend(members_of_clusters(run, sentence))
        if parties:
            break
    if parties:
        last = max(o.end for o in parties)
        for run in runs:
            if run[0].start > last and _OBJECT.search(sentence[: run[0].start]):
                parties.extend(run)
                break
    return parties


def event_sentence(sentences: list[str]) -> tuple[str | None, list[Org]]:
    for sentence in sentences:
        if _GUEST_LEAD.match(sentence):
            continue
        parties = subject_parties(sentence)
        if parties:
            return sentence, parties
    return None, []


def event_type(phrase: str) -> str:
    """Follow the event's own name: the first of review and signing words decides."""
    if _OTHER.search(phrase):
        return "other"
    review, sign = _REVIEW.search(phrase), _SIGN.search(phrase)
    work = _WORK_CONFERENCE.search(phrase)
    if (
        work
        and (not sign or work.start() < sign.start())
        and not _EMULATION.search(phrase[: work.end() + 40])
    ):
        return "work_conference"
    if review and (not sign or review.start() < sign.start()):
        return "emulation_review" if _EMULATION.search(phrase) else "coordination_review"
    if sign:
        after = phrase[sign.end() : sign.end() + 60]
        return "emulation_covenant_signing" if _EMULATION.search(after) else "coordination_signing"
    return "other"


def _kind_of(match: re.Match[str]) -> str:
    return next(k for k, v in match.groupdict().items() if v)


def _title_at(text: str, start: int) -> str:
    end = _TITLE_END.search(text, start)
    title = text[start : end.start() if end else len(text)]
    return " ".join(title.split()).rstrip(" ,")


def find_instrument(body: str, event: str | None) -> Instrument:
    """The instrument signed at the event, else the one reviewed; described by the body."""
    signed = _signed_kind(body)
    reviewed = None if signed else _reviewed_kind(event or "")
    kind = signed or reviewed
    if kind is None:
        return Instrument()
    mentions = [m for m in _KIND.finditer(body) if _kind_of(m) == kind]
    titles = [_title_at(body, m.start()) for m in mentions]
    full = [t for t in titles if len(t.split()) > len(mentions[0].group().split())]
    title = full[0] if full else None
    instrument = Instrument(kind=kind, title=title)
    for candidate in [title or "", *titles]:
        period = _PERIOD.search(candidate)
        if period:
            years = [int(y) for y in period.groups() if y]
            instrument.period_start_year, instrument.period_end_year = years[0], years[-1]
            break
    structure = _STRUCTURE.search(body)
    if structure:
        instrument.chapters = _number(structure.group(1))
        instrument.articles = _number(structure.group(2))
    return instrument


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else _NUMERALS.get(word.lower())


def _signed_kind(body: str) -> str | None:
    for sign in _SIGN.finditer(body):
        kind = _KIND.match(body, sign.end() + 1) or _KIND.search(body[sign.end() : sign.end() + 40])
        if kind:
            return _kind_of(kind)
    return None


def _reviewed_kind(event: str) -> str | None:
    review = _REVIEW.search(event)
    if not review:
        return None
    kind = _KIND.search(event, review.end())
    return _kind_of(kind) if kind else None


def find_location(event: str | None, sentences: list[str]) -> str | None:
    if event:
        found = _LOCATION.search(event)
        if found:
            return found.group(1).strip(" ,")
    for sentence in sentences:
        online = _ONLINE.search(sentence)
        if online:
            return online.group(1).strip()
    return None
