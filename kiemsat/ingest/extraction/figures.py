"""Counts of work targets (chỉ tiêu) met or exceeded, and quoted themes.

Only counts of "chỉ tiêu" qualify: case-handling rates ("giải quyết 98% tin báo"), hearings
and awards are not targets. "127/129 chỉ tiêu" gives met 127 of 129; "vượt" before the count
in its clause, or right after "N chỉ tiêu", makes it a count of targets exceeded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

_COUNT = re.compile(
    r"(?<![\d/.,])(\d{1,4})(?:\s*/\s*(\d{1,4}))?\s+chỉ\s+tiêu\b((?:\s+[^\W\d]+){0,4})",
    re.IGNORECASE,
)
_BASE = re.compile(r"trong\s+(?:tổng\s+)?số\s+(\d{1,4})\s+chỉ\s+tiêu", re.IGNORECASE)
_PERCENT = re.compile(r"^[^.;]{0,40}?(?:tỷ\s+lệ|tỉ\s+lệ|đạt|\()\s*(\d{1,3}(?:[,.]\d+)?)\s*%")
_EXCEEDED_AFTER = re.compile(r"^(?:\s+[^\W\d]+){0,2}\s+vượt\b", re.IGNORECASE)
_NOT_MET = re.compile(r"\b(?:không|chưa)\s+(?:đạt|hoàn\s+thành)\b", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[,;.:\n](?![^()]*\))")
_THEME_CUE = re.compile(
    r"(?:chủ\s+đề|phương\s+châm|khẩu\s+hiệu|phong\s+trào|cuộc\s+vận\s+động|thông\s+điệp|"
    r"khâu\s+đột\s+phá|tinh\s+thần|phát\s+động|mục\s+tiêu)[^.;“\"]{0,60}$",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“\"]([^”\"\n]{3,160})[”\"]")
_AWARD = re.compile(
    r"lao động xuất sắc|lao động tiên tiến|cờ thi đua|bằng khen|chiến sĩ thi đua|huân chương|"
    r"kỷ niệm chương|giấy khen|danh hiệu",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Indicator:
    met: int
    total: int | None
    percent: Decimal | None
    kind: str  # "met" | "exceeded"


def _clause_before(text: str, pos: int) -> str:
    starts = [m.end() for m in _CLAUSE_START.finditer(text, 0, pos)]
    return text[starts[-1] if starts else 0 : pos]


def _kind(text: str, match: re.Match[str]) -> str | None:
    before = _clause_before(text, match.start())
    after = text[match.end(2) if match.group(2) else match.end(1) :]
    if _NOT_MET.search(before[-30:]) or _NOT_MET.match(match.group(3).strip()):
        return None
    if _EXCEEDED_AFTER.match(match.group(3)):
        return "exceeded"
    verbs = re.findall(r"đạt\s+và\s+vượt|vượt|đạt|hoàn\s+thành", before, re.IGNORECASE)
    if verbs:
        return "exceeded" if verbs[-1].lower() == "vượt" else "met"
    del after
    return "met" if match.group(2) else None


def find_indicators(text: str) -> list[Indicator]:
    found: list[Indicator] = []
    for match in _COUNT.finditer(text):
        kind = _kind(text, match)
        if kind is None:
            continue
        total = int(match.group(2)) if match.group(2) else _base(text, match.start())
        percent = _PERCENT.match(text[match.end(1) :].split("chỉ tiêu", 1)[-1])
        value = Decimal(percent.group(1).replace(",", ".")) if percent else None
        item = Indicator(int(match.group(1)), total, value, kind)
        if item not in found and item.met <= (item.total or item.met):
            found.append(item)
    return found


def _base(text: str, pos: int) -> int | None:
    """ "trong tổng số 60 chỉ tiêu …, vượt 20 chỉ tiêu": the base written in the same sentence."""
    sentence = re.split(r"[.\n]", text[:pos])[-1]
    base = _BASE.search(sentence)
    return int(base.group(1)) if base else None


def find_themes(text: str) -> list[str]:
    themes: list[str] = []
    for match in _QUOTED.finditer(text):
        inner = " ".join(match.group(1).split())
        cue = _THEME_CUE.search(text[max(0, match.start() - 80) : match.start()])
        shouting = inner.isupper() and len(inner.split()) >= 2
        if not (cue or shouting) or _AWARD.search(inner) or len(inner.split()) < 2:
            continue
        if inner not in themes:
            themes.append(inner)
    return themes
