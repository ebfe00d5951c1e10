"""The parts of a saved news page: date line, headline, body, captions, bylines, site chrome.

Portals differ, but a saved article has the same layers: a page header (often the current
date and time), the headline, the publication date line, the lead and body paragraphs with
photo captions between them, a byline, and the site footer (address, licence, editor). The
facts come from the body; the date line only resolves a day/month the body leaves without
a year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

WORD = re.compile(r"[^\W_]+(?:[-/.][^\W_]+)*")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)

DMY = r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
_STAMP_DATE = re.compile(rf"\b{DMY}\b|\b(\d{{4}})-(\d{{1,2}})(?:-(\d{{1,2}}))?\b")
_STAMP_NOISE = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2})?|\[?GMT\s*[+-]\s*\d+\]?|\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|\d)|"
    r"chủ nhật|ngày đăng|đăng ngày|cập nhật|ngày|lúc|đăng lúc|date|am|pm|sa|ch)\b",
    re.IGNORECASE,
)
# A seed-style marker "date 2020-12" in front of the headline: year and month only.
_MARKER = re.compile(r"^\s*date\s+(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b\s*", re.IGNORECASE)

_CHROME = re.compile(
    r"^(?:leftcenterrightdel|audio\s*:|video\s*:|[\d.,]+\s+lượt\s+(?:xem|đọc)|lượt xem|"
    r"chia sẻ|in bài|bình luận|tags?\s*:|từ khóa\s*:|xem thêm|tin liên quan|"
    r"chung nhan tin nhiem mang)",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(?:trang thông tin điện tử|cổng thông tin điện tử|cơ quan chủ quản|địa chỉ\s*:|"
    r"điện thoại\s*:|email\s*:|fax\s*:|bản quyền|copyright|©|số giấy phép|giấy phép|"
    r"trưởng ban biên tập|chịu trách nhiệm|tổng biên tập\s*:|ghi rõ nguồn|thiết kế bởi)",
    re.IGNORECASE,
)
_BYLINE_LABEL = re.compile(
    r"^(?:tin|ảnh|bài|tin,\s*ảnh|tin và ảnh|bài,\s*ảnh|bài và ảnh|tác giả(?: bài viết)?|"
    r"người viết|phóng viên|nguồn|theo|pv|ctv|nhóm pv)\s*[:.]",
    re.IGNORECASE,
)
_CAPTION_CUE = re.compile(
    r"^(?:\(|quang cảnh|toàn cảnh|các đại biểu|đại biểu|ảnh\s*:|hình\s*:|"
    r"lãnh đạo .{0,60}chụp ảnh|.{0,80}\bphát biểu(?: tại| khai mạc| bế mạc| chỉ đạo|\.|$))",
    re.IGNORECASE,
)
_TIME_LEAD = re.compile(
    r"^(?:(?:sáng|chiều|trưa|tối|đêm)\s+)?(?:ngày|hôm)?\s*\d{1,2}\s*[/.\-]\s*\d{1,2}\b"
    r"|^(?:sáng|chiều|trưa|tối|đêm|ngày)\s+(?:nay|qua|hôm nay)\b|^vừa qua\b|^mới đây\b",
    re.IGNORECASE,
)
_ABBREV = re.compile(r"\b(TP|Tp|TS|ThS|PGS|GS|BS|Th\.S|ĐC|Đ/c|St|Mr|Ths)\.\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9])")

BODY_MIN_WORDS = 25
CAPTION_MAX_WORDS = 22


@dataclass(frozen=True)
class PubDate:
    """The article's own date line: a year and month, and the day when written."""

    year: int
    month: int
    day: int | None = None


@dataclass
class Document:
    headline: str = ""
    body: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    published: PubDate | None = None

    @property
    def body_text(self) -> str:
        return "\n".join(self.body)

    def sentences(self) -> list[str]:
        return [s for paragraph in self.body for s in split_sentences(paragraph)]


def word_set(text: str) -> frozenset[str]:
    """Lowercase words of a literal list, compared with their diacritics (Đặng is not Đảng)."""
    return frozenset(word.lower() for word in text.split())


def normalise(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\t", " ")
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))


def words(text: str) -> list[str]:
    return WORD.findall(text)


def split_sentences(paragraph: str) -> list[str]:
    protected = _ABBREV.sub(lambda m: m.group(1) + "\x00 ", paragraph)
    parts = _SENTENCE_END.split(protected)
    return [p.replace("\x00 ", ". ").replace("\x00", ".").strip() for p in parts if p.strip()]


def _stamp(line: str) -> PubDate | None:
    """The date of a line that is nothing but a date/time stamp."""
    found = _STAMP_DATE.search(line)
    if not found or len(line) > 80:
        return None
    rest = _STAMP_NOISE.sub(" ", _STAMP_DATE.sub(" ", line))
    if len(words(rest)) > 2:
        return None
    return _pubdate(found)


def _pubdate(found: re.Match[str]) -> PubDate | None:
    d, m, y, y2, m2, d2 = found.groups()
    try:
        if y:
            day = date(int(y), int(m), int(d))
            return PubDate(day.year, day.month, day.day)
        if d2:
            day = date(int(y2), int(m2), int(d2))
            return PubDate(day.year, day.month, day.day)
        return PubDate(int(y2), int(m2)) if 1 <= int(m2) <= 12 else None
    except ValueError:
        return None


def _is_byline(line: str) -> bool:
    if _BYLINE_LABEL.match(line):
        return True
    tokens = words(line.split(",")[0])
    if not tokens or len(words(line)) > 10 or len(tokens) > 5 or line.endswith((".", ":")):
        return False
    return all(t[0].isupper() for t in tokens)


def _is_caption(line: str) -> bool:
    return len(words(line)) <= CAPTION_MAX_WORDS and bool(_CAPTION_CUE.match(line))


def _is_body(line: str) -> bool:
    return len(words(line)) >= BODY_MIN_WORDS or bool(_TIME_LEAD.match(line))


def _cut_footer(lines: list[str]) -> list[str]:
    for i, line in enumerate(lines):
        if i >= 3 and _FOOTER.match(line):
            lines = lines[:i]
            break
    while lines and (_is_byline(lines[-1]) or _CHROME.match(lines[-1])):
        lines = lines[:-1]
    return lines


def _publication(stamps: list[tuple[int, str, PubDate]]) -> PubDate | None:
    """The date line, not the page header clock: a first-line stamp with a clock ("21:43
    [GMT+7]") is the day the page was saved when another stamp follows or it carries GMT."""
    kept = [s for s in stamps if not (s[0] == 0 and (len(stamps) > 1 or "GMT" in s[1].upper()))]
    return kept[0][2] if kept else None


def parse(raw: str) -> Document:
    lines = [line for line in normalise(raw).split("\n") if line]
    doc = Document()
    stamps: list[tuple[int, str, PubDate]] = []
    content: list[str] = []
    for index, line in enumerate(lines):
        marker = _MARKER.match(line)
        if marker:
            stamps.append((-1, line, _pubdate_marker(marker)))
            line = line[marker.end() :].strip()
        stamp = _stamp(line)
        if stamp:
            stamps.append((index, line, stamp))
            continue
        if line and not _CHROME.match(line):
            content.append(line)
    doc.published = _publication(stamps)
    started = False
    for line in _cut_footer(content):
        if not started and _is_body(line) and not _is_caption(line):
            started = True
        if _is_caption(line):
            doc.captions.append(line)
        elif not started:
            if not doc.headline:
                doc.headline = line
            elif line != doc.headline:
                doc.captions.append(line)
        else:
            doc.body.append(line)
    return doc


def _pubdate_marker(marker: re.Match[str]) -> PubDate:
    year, month, day = marker.groups()
    return PubDate(int(year), int(month), int(day) if day else None)
