"""Vietnamese number and date formatting, diacritic folding and sort order (DOMAIN §7).

All rounding is exact (Fraction arithmetic, half up, done once); floats never enter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

Number = Fraction | Decimal | int

_MAX_EXTRA_DECIMALS = 20
_WHITESPACE = re.compile(r"\s+")


def round_half_up(value: Number, decimals: int = 1) -> Decimal:
    """Round exactly to `decimals` places, ties away from zero (98,45 -> 98,5)."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    scaled = abs(Fraction(value)) * 10**decimals
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    sign = 1 if value < 0 and units else 0
    digits = tuple(int(c) for c in str(units))
    return Decimal((sign, digits, -decimals))


def percent_value(num: int, den: int) -> Fraction:
    """100·num/den as an exact fraction."""
    return Fraction(100 * num, den)


def format_decimal(value: Number, decimals: int = 1) -> str:
    """Decimal comma, thousands dot, rounded half up once: 1234.5 -> "1.234,5"."""
    text = f"{round_half_up(value, decimals):,.{decimals}f}"
    return text.translate(str.maketrans(",.", ".,"))


def format_percent(num: int, den: int, decimals: int = 1) -> str:
    """num/den as a percentage: 127/129 -> "98,4%". Returns "" when den == 0 (nothing arose)."""
    if den == 0:
        return ""
    return format_decimal(percent_value(num, den), decimals) + "%"


@dataclass(frozen=True)
class PercentCheck:
    """A published "met/total, p%" against the percentage recomputed from its counts."""

    met: int
    total: int
    published: Decimal
    computed: Decimal  # rounded half up to the published figure's decimals (at least one)

    @property
    def matches(self) -> bool:
        return self.published == self.computed

    @property
    def message(self) -> str:
        decimals = max(1, -int(self.computed.as_tuple().exponent))
        shown = format_decimal(self.computed, decimals)
        if self.matches:
            return f"{self.met}/{self.total} = {shown}%: khớp với số công bố."
        return (
            f"{self.met}/{self.total} = {shown}%, không phải "
            f"{format_decimal(self.published, decimals)}% như đã công bố."
        )


def check_percent(met: int, total: int, published: Number) -> PercentCheck | None:
    """Recompute a published percentage from its counts (127/129 is 98,4%, not 98,5%).

    Rounded half up to as many decimals as the published figure has (at least one), the
    way every page shows percentages. None when there is no base (total 0).
    """
    if total <= 0:
        return None
    given = Decimal(published) if not isinstance(published, Fraction) else None
    decimals = max(1, -int(given.as_tuple().exponent)) if given is not None else 1
    computed = round_half_up(percent_value(met, total), decimals)
    shown = round_half_up(Fraction(published), decimals)
    return PercentCheck(met=met, total=total, published=shown, computed=computed)


def format_percent_distinct(value: Fraction, target: Fraction | None) -> str:
    """A percentage that does not look equal to ``target`` when it is not (DESIGN §5.8).

    With one decimal 89,96% would read "90,0%" against a 90% target it failed: decimals
    are added (up to 20) until the rounded figure differs from the target. A value exactly
    equal to the target, or one without a target, keeps one decimal.
    """
    decimals = 1
    if target is not None and value != target:
        while decimals < _MAX_EXTRA_DECIMALS and round_half_up(value, decimals) == target:
            decimals += 1
    return format_decimal(value, decimals) + "%"


def format_int(n: int) -> str:
    """Thousands dot: 1713874 -> "1.713.874"."""
    return f"{n:,}".replace(",", ".")


def formal_date(d: date) -> str:
    """Nghị định 30 style: "ngày 05 tháng 01 năm 2020"; months 1–2 padded, others not."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def short_date(d: date | None) -> str:
    """Table style "18/01/2022"; "" for None."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def person_name(user: Any) -> str:
    """A person as Vietnamese write it, family name first ("Trần Văn Hùng"): last_name
    holds họ and tên đệm, first_name the given name; the username when both are empty."""
    name = " ".join(p for p in (user.last_name, user.first_name) if p)
    return name or str(user.get_username())


def fold(text: str) -> str:
    """Lowercase, strip diacritics (đ -> d) and collapse whitespace: "Đà Nẵng" -> "da nang"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _WHITESPACE.sub(" ", bare).strip()


# Vietnamese alphabet; f, j, w, z (loanwords) sit where Latin puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
_LETTER_BASE = 0x110000  # above every code point: letters sort after digits and punctuation
# Dictionary tone order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

WordKey = tuple[tuple[int, ...], tuple[int, ...]]
SortKey = tuple[tuple[WordKey, ...], str]


def _split_char(char: str) -> tuple[str, int]:
    """A lowercase character -> (base letter with its letter marks, tone rank)."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = max((_TONE_RANK.get(c, 0) for c in decomposed), default=0)
    kept = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_RANK))
    if kept not in _LETTER_RANK:  # a foreign accent (ö, ç): sort as the bare letter
        kept = "".join(c for c in decomposed if not unicodedata.combining(c)) or kept
    return kept, tone


def _word_key(word: str) -> WordKey:
    """Letters first, tones second, within one syllable."""
    letters: list[int] = []
    tones: list[int] = []
    for char in word:
        base, tone = _split_char(char)
        rank = _LETTER_RANK.get(base)
        letters.append(ord(char) if rank is None else _LETTER_BASE + rank)
        tones.append(tone)
    return tuple(letters), tuple(tones)


def sort_key(text: str) -> SortKey:
    """Key for Vietnamese dictionary order, syllable by syllable: letters (a ă â … d đ …)
    decide first, then tones (ngang, huyền, hỏi, ngã, sắc, nặng); "Hà Nội" < "Hạ Long"."""
    words = unicodedata.normalize("NFC", text.lower()).split()
    return tuple(_word_key(word) for word in words), text


def format_points(value: Decimal | int | None) -> str:
    """Emulation points with as many decimals as they have, at most two: 12,5; 20; 7,25."""
    if value is None:
        return ""
    exact = round_half_up(value, 2)
    text = format_decimal(exact, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text
