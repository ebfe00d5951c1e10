"""Named officials: a Vietnamese name anchored by an honorific, a rank or a title.

A name counts only beside an anchor ("đồng chí", "ông", "Thượng tá", "…, Viện trưởng …",
"Trưởng ban Nội chính Tỉnh ủy Nguyễn Ngọc Tiến phát biểu"), so bylines, photographers and
footers, which carry none, are not taken. Honorifics and ranks never enter the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiemsat.ingest.extraction.gazetteer import is_surname, place_prefix
from kiemsat.ingest.extraction.orgs import unknown_place_size
from kiemsat.ingest.extraction.text import word_set
from kiemsat.lib.vn import fold

RANK = r"(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)"
_HONORIFIC = re.compile(
    rf"(?:\b(?:đồng\s+chí|đ/c|ông|bà)\s*:?\s*|\b{RANK}\s+|\b(?:Luật\s+sư|Tiến\s+sĩ|Thạc\s+sĩ|"
    r"PGS\.?\s*TS\.?|GS\.?\s*TS\.?|TS\.|ThS\.)\s*)$",
    re.IGNORECASE,
)
ROLE = re.compile(
    r"(?:Phó\s+)?(?:Bí\s+thư|Chủ\s+tịch|Viện\s+trưởng|Chánh\s+án|Giám\s+đốc|Trưởng\s+ban|"
    r"Trưởng\s+phòng|Cục\s+trưởng|Chi\s+cục\s+trưởng|Thủ\s+trưởng|Chỉ\s+huy\s+trưởng|"
    r"Chính\s+[uủ][ỷy]|Tư\s+lệnh|Bộ\s+trưởng|Thứ\s+trưởng|Tổng\s+Biên\s+tập|Chánh\s+Văn\s+phòng|"
    r"Chánh\s+Thanh\s+tra|Trưởng\s+đoàn|Trưởng\s+Cụm|Cụm\s+trưởng|Cụm\s+phó|Khối\s+trưởng|"
    r"Chủ\s+nhiệm|Tổng\s+Thư\s+ký|Trưởng|Chánh)\b|[UỦ][ỷy]\s+viên|"
    r"(?:Tỉnh|Thành|Huyện|Quận|Đảng)\s+[uủ][ỷy]\s+viên|Đại\s+biểu\s+Quốc\s+hội|"
    r"Kiểm\s+sát\s+viên|Thẩm\s+phán|Thành\s+viên|Phó\b",
)
_TITLE_STOP = re.compile(
    r"\s+(?:cùng|và\s+(?:các\s+)?(?:đồng\s+chí|đ/c|ông|bà|đại\s+biểu|lãnh\s+đạo)|đã|đang|"
    r"phát\s+biểu|nhấn\s+mạnh|cho\s+biết|khẳng\s+định|đánh\s+giá|chủ\s+trì|tham\s+dự|dự|"
    r"trao|tặng|ký|chúc\s+mừng|đề\s+nghị|yêu\s+cầu|báo\s+cáo|thông\s+qua|tới|đến)\b.*$",
    re.IGNORECASE,
)
_NOT_NAME = word_set(
    "Viện Tòa Toà Ban Sở Cục Hội Công Ủy Uỷ UBND VKSND TAND HĐND Chủ Phó Bí Trưởng "
    "Giám Chánh Lễ Quy Chương Kế Giao Tỉnh Huyện Quận Đảng TP Cụm Khối Kiểm Thẩm"
)
_CAP_TOKEN = re.compile(r"[^\W\d_]+")
_COMMITTEE = re.compile(
    r"^(?:[UỦ][ỷy]\s+viên|(?:Tỉnh|Thành|Huyện|Quận|Đảng)\s+[uủ][ỷy]\s+viên|Thành\s+viên|"
    r"Bí\s+thư\s+Ban\s+cán\s+sự|Đại\s+biểu\s+Quốc\s+hội)",
    re.IGNORECASE,
)
_PARTY_POST = re.compile(r"(?:Tỉnh|Thành|Huyện|Quận|Đảng)\s+[uủ][ỷy]\b|Bí\s+thư", re.IGNORECASE)
_ROLE_TO_BODY = re.compile(r"^(?:Phó\s+)?Trưởng\s+ban\s+", re.IGNORECASE)
MAX_NAME_WORDS = 4
_LEVEL_BEFORE = re.compile(
    r"\b(?:tỉnh|thành\s+phố|TP\.?|huyện|quận|thị\s+xã|thị\s+trấn|xã|phường)\s+$", re.IGNORECASE
)


@dataclass
class Person:
    name: str
    title: str
    organisation: str = ""


def _runs(text: str) -> list[tuple[int, int, list[str]]]:
    """Runs of capitalised words joined by single spaces: (start, end, words)."""
    runs: list[tuple[int, int, list[str]]] = []
    for token in _CAP_TOKEN.finditer(text):
        word = token.group()
        if not word[0].isupper() or (word.isupper() and len(word) > 1 and len(word) != 2):
            continue
        if runs and text[runs[-1][1] : token.start()] == " ":
            start, _, words = runs[-1]
            runs[-1] = (start, token.end(), [*words, word])
        else:
            runs.append((token.start(), token.end(), [word]))
    return runs


def _name_in_run(words: list[str], *, after_level: bool) -> tuple[int, int] | None:
    """(first, last+1) word indexes of a name inside a run, after any place before it; a run
    right after "tỉnh", "huyện" … opens with a place ("huyện Yên Dũng Nguyễn Văn A")."""
    if after_level:
        first = place_prefix(words) or unknown_place_size(words)
    elif (words and not is_surname(words[0])) or len(words) > 4:
        first = place_prefix(words)
    else:
        first = 0
    while first < len(words) and words[first].lower() in _NOT_NAME:
        first += 1
    if first < len(words) and first and not is_surname(words[first]):
        return None
    size = 0
    for word in words[first : first + MAX_NAME_WORDS]:
        if word.lower() in _NOT_NAME or (word.isupper() and len(word) > 1):
            break
        size += 1
    if size < 2 or place_prefix(words[first : first + size]) == size:
        return None
    return first, first + size


def _offset(text: str, start: int, words: list[str], index: int) -> int:
    pos = start
    for word in words[:index]:
        pos = text.index(word, pos) + len(word)
    return text.index(words[index], pos)


def _title_after(rest: str) -> str:
    sep = re.match(r"\s*[,\-–:]\s*", rest)
    if not sep:
        return ""
    clause = re.split(r"[;.()]|\s[-–]\s|\n", rest[sep.end() :], maxsplit=1)[0]
    segments: list[str] = []
    for segment in clause.split(","):
        segment = _TITLE_STOP.sub("", segment.strip())
        if re.fullmatch(RANK, segment, re.IGNORECASE):
            continue
        if not ROLE.match(segment):
            break
        segments.append(segment)
    return ", ".join(segments)


def _title_before(before: str) -> str:
    """ "…, Viện trưởng VKSND tỉnh Hà Giang " right before a name, without commas inside."""
    clause = re.split(r"[;.:()]|\n", before)[-1]
    roles = list(ROLE.finditer(clause))
    if not roles:
        return ""
    tail = clause[roles[-1].start() :]
    if len(tail.split()) > 14:
        return ""
    head = clause[: roles[-1].start()]
    segments = [tail.strip()]
    for segment in reversed(head.split(",")[:-1]):
        if not ROLE.match(segment.strip()):
            break
        segments.insert(0, segment.strip())
    first = re.sub(r"^.*?(?:đồng\s+chí|đ/c)\s+", "", segments[0], flags=re.IGNORECASE)
    return ", ".join([first, *segments[1:]]) if ROLE.match(first) else ", ".join(segments[1:])


def find_people(text: str) -> list[Person]:
    people: dict[str, Person] = {}
    for start, _, words in _runs(text):
        span = _name_in_run(words, after_level=bool(_LEVEL_BEFORE.search(text[:start])))
        if not span:
            continue
        begin = _offset(text, start, words, span[0])
        name = " ".join(words[span[0] : span[1]])
        end = text.index(words[span[1] - 1], begin) + len(words[span[1] - 1])
        before, rest = text[:begin], text[end:]
        title = _title_after(rest)
        honoured = bool(_HONORIFIC.search(before)) or _after_list_separator(before)
        if not title:
            title = _title_before(before)
        if not (honoured or title) or not (honoured or is_surname(words[span[0]])):
            continue
        known = people.get(fold(name))
        if known is None:
            people[fold(name)] = Person(name, title)
        elif not known.title:
            known.title = title
    return list(people.values())


def _after_list_separator(before: str) -> bool:
    """ "các đồng chí: A, …; B, …": B follows a semicolon in a list opened by an honorific."""
    if not before.rstrip().endswith(";"):
        return False
    sentence = re.split(r"[.\n]", before)[-1]
    return bool(re.search(r"(?:các\s+)?(?:đồng\s+chí|đ/c|ông|bà)\s*:", sentence, re.IGNORECASE))


def organisation_of(title: str) -> str:
    """The body of the first executive post, a state post before a Party one, committee
    memberships skipped: "Phó Bí thư thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh" -> "HĐND tỉnh"."""
    segments = [s.strip() for s in title.split(",") if s.strip()]
    posts = [s for s in segments if not _COMMITTEE.match(s)]
    ordered = [s for s in posts if not _PARTY_POST.search(s)] + [
        s for s in posts if _PARTY_POST.search(s)
    ]
    for segment in [*ordered, *segments]:
        body = _body_of(segment)
        if body:
            return body
    return ""


def _body_of(segment: str) -> str:
    if _ROLE_TO_BODY.match(segment):
        return "Ban " + _ROLE_TO_BODY.sub("", segment)
    stripped = segment
    while role := ROLE.match(stripped):
        stripped = stripped[role.end() :].strip()
    stripped = re.sub(
        r"^(?:Ban\s+cán\s+sự\s+Đảng|Ban\s+Thường\s+vụ|thường\s+trực)\s*", "", stripped
    )
    return stripped if stripped and stripped[0].isupper() else ""
