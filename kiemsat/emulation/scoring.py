"""The arithmetic of emulation, over plain values: points, totals, ranks and bands.

Points are exact decimals with at most two places; nothing here rounds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
MAX_POINTS = Decimal(1_000_000)
CENT = Decimal("0.01")
MAX_PLACES = 2


def parse_points(raw: Any, *, signed: bool = False) -> Decimal:
    """Points from a form, a file cell or YAML: "12,5", "12.5", 12.5, 12; at most two
    decimals and, unless ``signed``, not negative. ValueError (Vietnamese) otherwise."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("thiếu số điểm")
    text = str(raw).strip().replace(",", ".") if not isinstance(raw, Decimal) else str(raw)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"điểm '{raw}' không phải là số") from None
    if not value.is_finite():
        raise ValueError(f"điểm '{raw}' không phải là số")
    if abs(value) >= MAX_POINTS:  # beyond any sheet's points, and beyond what quantize takes
        raise ValueError(f"điểm '{str(raw)[:30]}' quá lớn")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_PLACES:
        raise ValueError(f"điểm '{raw}' có quá 2 chữ số thập phân")
    if value < 0 and not signed:
        raise ValueError(f"điểm '{raw}' không được âm")
    return value.quantize(CENT)


def indicator_points(
    per_status: Mapping[str, Decimal], statuses: Iterable[str], max_points: Decimal
) -> Decimal:
    """The sum of ``per_status`` over the statuses of the listed indicators (a status with
    no entry scores 0), clamped to [0, max]."""
    total = sum((per_status.get(status, ZERO) for status in statuses), ZERO)
    return min(max(total, ZERO), max_points)


def total(leaves: Iterable[tuple[str, Decimal]]) -> Decimal:
    """(kind, points) of every leaf → the sum of the ordinary leaves + bonus − penalty."""
    result = ZERO
    for kind, points in leaves:
        result += -points if kind == "penalty" else points
    return result.quantize(CENT)


@dataclass(frozen=True)
class Ranked:
    key: Any
    total: Decimal
    rank: int | None  # None: excluded from emulation


def rank(totals: Sequence[tuple[Any, Decimal]], excluded: Iterable[Any] = ()) -> list[Ranked]:
    """Highest total first; equal totals share a rank (1, 2, 2, 4); the excluded come last,
    unranked. ``totals`` is taken in its given order among equals."""
    left_out = set(excluded)
    ranked = sorted(
        ((key, value) for key, value in totals if key not in left_out), key=lambda kv: -kv[1]
    )
    out: list[Ranked] = []
    for position, (key, value) in enumerate(ranked, start=1):
        shared = out[-1].rank if out and out[-1].total == value else position
        out.append(Ranked(key, value, shared))
    out += [Ranked(key, value, None) for key, value in totals if key in left_out]
    return out


def band_of(value: Decimal, bands: Sequence[tuple[str, Decimal]]) -> str:
    """The first band (highest first) whose minimum the total reaches; "" below them all."""
    for name, minimum in sorted(bands, key=lambda b: -b[1]):
        if value >= minimum:
            return name
    return ""
