"""Organisation names in a sentence, with coordinated lists distributed.

A name is a head ("VKSND", "Tòa án nhân dân", "Ban Tuyên giáo Tỉnh ủy", "Sở Tư pháp"),
optionally behind a Party or mass-organisation prefix ("Ban cán sự Đảng …"), then a locative
("tỉnh Hà Giang", "thành phố Hạ Long", "tối cao"). Lists share a head or a locative:
"VKSND các tỉnh: Nghệ An, Hà Tĩnh" gives one name per province, "Công an, Tòa án và Viện
kiểm sát huyện X" gives "… huyện X" to each. Glosses "(VKSND)" and appositives "(tỉnh X)",
", tỉnh X" are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiemsat.ingest.extraction.gazetteer import is_surname, place_prefix
from kiemsat.ingest.extraction.text import word_set
from kiemsat.lib.vn import fold

_FIXED = (
    r"Viện\s+kiểm\s+sát\s+nhân\s+dân|Viện\s+KSND|VKS\s+nhân\s+dân|VKSND|"
    r"Viện\s+kiểm\s+sát\s+quân\s+sự|VKSQS|Viện\s+kiểm\s+sát|"
    r"T(?:òa|oà)\s+án\s+nhân\s+dân|TAND|T(?:òa|oà)\s+án\s+quân\s+sự|T(?:òa|oà)\s+án|"
    r"[UỦ][ỷy]\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND|"
    r"[UỦ][ỷy]\s+ban\s+(?:Mặt\s+trận\s+Tổ\s+quốc|MTTQ)(?:\s+Việt\s+Nam)?|MTTQ|"
    r"Cơ\s+quan\s+Cảnh\s+sát\s+điều\s+tra|Công\s+an|"
    r"(?:Chi\s+cục|Cục)\s+(?:Thi\s+hành\s+án\s+dân\s+sự|THADS)|"
    r"(?:Tỉnh|Thành|Huyện|Quận|Thị|Đảng)\s+[uủ][ỷy]"
)
_GENERIC = (
    r"Ban\s+Chỉ\s+huy|Bộ\s+Chỉ\s+huy|Chi\s+cục|Liên\s+đoàn|Học\s+viện|Văn\s+phòng|"
    r"Thanh\s+tra|Ngân\s+hàng|Kho\s+bạc|Bảo\s+hiểm|Ban|Sở|Cục|Hội|Đoàn|Báo|Đài|Bộ|Phòng|"
    r"Trường"
)
_PREFIX = (
    r"(?:Ban\s+cán\s+sự\s+Đảng|Đảng\s+[uủ][ỷy]|Chi\s+bộ|Công\s+đoàn|Chi\s+đoàn|"
    r"Đoàn\s+(?:Thanh\s+niên|TN)(?:\s+Cộng\s+sản\s+Hồ\s+Chí\s+Minh)?)\s+"
)
_CLUSTER = r"(?:Cụm|Khối)\s+thi\s+đua(?:\s+số\s+\d+|\s+[IVX]+)?"
_HEAD = re.compile(rf"\b(?:{_PREFIX})?(?:({_CLUSTER})|({_FIXED})|({_GENERIC})\b)", re.IGNORECASE)

_LEVEL = re.compile(
    r"\s*(?:(các\s+)?(tỉnh|thành\s+phố|TP\.?|Tp\.?|huyện|quận|thị\s+xã|thị\s+trấn|xã|phường)"
    r"(?=[\s:,]|$)|(khu\s+vực)\s+(?=\d)|(tối\s+cao|Trung\s+ương|cấp\s+cao\s+tại))",
    re.IGNORECASE,
)
_GLOSS = re.compile(r"\s*\(([^()]{1,40})\)")
_APPOSITIVE = re.compile(r",?\s*\(?(?:tỉnh|thành\s+phố|TP\.?)\s+", re.IGNORECASE)
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:và\s+)?|\s+và\s+)")
_TOKEN = re.compile(r"[^\W\d_][^\W_]*|\d+")

# Lowercase words that end a generic name ("Sở Tư pháp tỉnh …", "Ban … đã ký").
_STOP = word_set(
    "tỉnh thành huyện quận thị xã phường các đã đang sẽ vừa tổ ký phối cùng với tại của "
    "trong về năm giai có được là và hai cấp để nhằm đến từ theo do cho này đó trên dưới "
    "khu số tham dự chủ trì phát biểu nhấn mạnh đồng chí gồm trực tuyến lần thứ"
)
_NOT_PLACE_START = word_set(
    "Viện Tòa Toà Ban Sở Cục Hội Công Ủy Uỷ UBND VKSND TAND HĐND Chủ Phó Bí Trưởng "
    "Giám Chánh Đồng Ông Bà Đại Thượng Trung Thiếu Lễ Hội Quy Chương Kế Giao"
)

MAX_PLACE_WORDS = 4
# A Party committee carries its own level: "Ban Tuyên giáo Tỉnh ủy" takes no shared locative.
_COMMITTEE_END = re.compile(r"(?:[uủ][ỷy]|Trung\s+ương)$", re.IGNORECASE)


@dataclass(frozen=True)
class Org:
    text: str
    head: str
    level: str
    place: str
    start: int
    end: int
    cluster: bool = False
    bare: bool = False  # no locative at all: may share the next name's

    @property
    def key(self) -> tuple[str, str, str]:
        return (head_key(self.head), level_key(self.level), fold(self.place))


_HEAD_KEYS = [
    (r"\bvien kiem sat nhan dan\b|\bvien ksnd\b|\bvks nhan dan\b|\bvien kiem sat\b", "vksnd"),
    (r"\btoa an nhan dan\b|\btoa an\b", "tand"),
    (r"\buy ban nhan dan\b", "ubnd"),
    (r"\bhoi dong nhan dan\b", "hdnd"),
    (r"\bthi hanh an dan su\b", "thads"),
    (r"\bmat tran to quoc\b", "mttq"),
]


def head_key(head: str) -> str:
    key = fold(head)
    for pattern, short in _HEAD_KEYS:
        key = re.sub(pattern, short, key)
    return key


def level_key(level: str) -> str:
    key = fold(level).rstrip(".")
    return {"thanh pho": "tp", "cac tinh": "tinh"}.get(key, key.removeprefix("cac "))


def _generic_end(text: str, pos: int) -> int:
    """End of a generic head's capitalised name: "Sở Tư pháp", "Ban Tuyên giáo Tỉnh ủy"."""
    end, lowers = pos, 0
    for token in _TOKEN.finditer(text, pos):
        gap = text[end : token.start()]
        if gap.strip() not in ("", "-", "–", "và") or "\n" in gap:
            break
        word = token.group()
        if word[0].isupper():
            if is_surname(word) and end > pos and not place_prefix(_cap_run(text, token.start())):
                break
            lowers, end = 0, token.end()
        elif word in _STOP or lowers >= 3 or gap.strip():
            break
        else:
            lowers, end = lowers + 1, token.end()
    return end


def _cap_run(text: str, pos: int) -> list[str]:
    """Capitalised tokens from pos, separated by single spaces (a place or a person)."""
    run: list[str] = []
    for token in _TOKEN.finditer(text, pos):
        if text[pos : token.start()].strip() or not (
            token.group()[0].isupper() or token.group().isdigit()
        ):
            break
        run.append(token.group())
        pos = token.end()
    return run


def place_at(text: str, pos: int, *, listed: bool = False) -> tuple[str, int]:
    """The place name written at pos ("Hà Giang", "Hạ Long", "3"), and where it ends."""
    start = len(text) - len(text[pos:].lstrip())
    run = _cap_run(text, start)
    if not run or run[0].lower() in _NOT_PLACE_START:
        return "", pos
    size = place_prefix(run)
    if not size:
        size = len(run) if listed else unknown_place_size(run)
    end = start
    for token in run[:size]:
        end = text.index(token, end) + len(token)
    return text[start:end], end


def unknown_place_size(run: list[str]) -> int:
    """An unknown place is its capitalised run, cut before a person's name that follows."""
    for i in range(2, min(len(run), MAX_PLACE_WORDS + 1)):
        if is_surname(run[i]) and len(run) - i >= 2:
            return i
    return min(len(run), MAX_PLACE_WORDS)


def _skip_gloss(text: str, pos: int) -> int:
    gloss = _GLOSS.match(text, pos)
    return gloss.end() if gloss else pos


def _places_list(text: str, pos: int, first: str, *, listed: bool) -> tuple[list[str], int]:
    """ "Nghệ An, Hà Tĩnh và Quảng Bình": further places after the first, while they are
    places (known ones, or anything in a list opened by "các tỉnh:")."""
    places = [first]
    while True:
        sep = _LIST_SEP.match(text, _skip_gloss(text, pos))
        if not sep:
            return places, pos
        place, end = place_at(text, sep.end(), listed=listed)
        known = place and place_prefix(place.split()) == len(place.split())
        if not place or not (known or listed) or _HEAD.match(text, sep.end()):
            return places, pos
        places.append(place)
        pos = end


def _locative(text: str, pos: int) -> tuple[str, list[str], int]:
    """(level as written, places, end) after a head; level "" when none is written."""
    pos = _skip_gloss(text, pos)
    level = _LEVEL.match(text, pos)
    if not level:
        place, end = place_at(text, pos)
        if place and place_prefix(place.split()):
            return "", [place], end
        return "", [], pos
    if level.group(4):
        return level.group(4), [], level.end()
    word = level.group(2) or level.group(3)
    listed = bool(level.group(1))
    after = level.end()
    if listed and text[after : after + 1] == ":":
        after += 1
    place, end = place_at(text, after, listed=listed)
    if not place:
        return word, [], level.end()
    places, end = _places_list(text, end, place, listed=listed)
    return word, places, end


def _appositive_end(text: str, pos: int, level: str) -> int:
    """Skip "(tỉnh X)" or ", tỉnh X" after a lower-level name."""
    found = _APPOSITIVE.match(text, pos)
    if not found or (level_key(level) == "tinh" and not found.group().lstrip(", ").startswith("(")):
        return pos
    place, end = place_at(text, found.end())
    if not place:
        return pos
    return end + 1 if text[end : end + 1] == ")" else end


def _is_name_head(text: str, match: re.Match[str]) -> bool:
    """Names are capitalised; a generic head ("Sở", "Ban") needs a capitalised name after."""
    if not text[match.start()].isupper():
        return False
    if match.group(3):
        nxt = text[match.end() :].lstrip()
        return bool(nxt) and nxt[0].isupper() and text[match.end() : match.end() + 1] == " "
    return True


def find_orgs(text: str) -> list[Org]:
    """Every organisation name in text, in order, lists distributed."""
    found: list[Org] = []
    pos = 0
    while match := _HEAD.search(text, pos):
        start = match.start()
        if not _is_name_head(text, match):
            pos = start + 1
            continue
        head_end = _generic_end(text, match.end()) if match.group(3) else match.end()
        head = text[start:head_end]
        cluster = bool(match.group(1))
        level, places, end = ("", [], head_end) if cluster else _locative(text, head_end)
        end = _appositive_end(text, end, level) if places else end
        for place in places or [""]:
            written = " ".join(p for p in (head, level, place) if p)
            bare = not level and not place and not cluster and not _COMMITTEE_END.search(head)
            found.append(Org(written, head, level, place, start, end, cluster, bare))
        pos = max(end, head_end, start + 1)
    return found


_CONNECTOR = re.compile(
    r"^\s*(?:\([^()]{0,60}\))?\s*(?:,|;)?\s*(?:và|với|cùng|cùng với|phối hợp với|gồm|gồm có|"
    r"đã phối hợp với|và các|cùng các)?\s*$"
)


def chains(text: str, orgs: list[Org]) -> list[list[Org]]:
    """Runs of names joined by commas and conjunctions, with bare heads given the locative
    of the name that closes their run ("Công an, Tòa án và VKSND huyện X")."""
    runs: list[list[Org]] = []
    for org in orgs:
        if runs and _CONNECTOR.match(text[runs[-1][-1].end : org.start]):
            runs[-1].append(org)
        else:
            runs.append([org])
    return [_distribute(run) for run in runs]


def _distribute(run: list[Org]) -> list[Org]:
    groups: list[list[Org]] = []
    for org in run:
        if groups and groups[-1][0].start == org.start:
            groups[-1].append(org)
        else:
            groups.append([org])
    out: list[Org] = []
    pending: list[Org] = []
    for group in groups:
        if len(group) == 1 and group[0].bare:
            pending.append(group[0])
            continue
        for bare in pending:
            for target in group:
                text = " ".join(p for p in (bare.head, target.level, target.place) if p)
                out.append(Org(text, bare.head, target.level, target.place, bare.start, bare.end))
        pending = []
        out.extend(group)
    return out + pending


def members_of_clusters(run: list[Org], text: str) -> list[Org]:
    """A cluster followed by "gồm …" stands for the members it names."""
    out: list[Org] = []
    for i, org in enumerate(run):
        nxt = run[i + 1] if i + 1 < len(run) else None
        if org.cluster and nxt and "gồm" in text[org.end : nxt.start]:
            continue
        out.append(org)
    return out
