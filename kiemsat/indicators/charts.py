"""Server-side SVG charts of an indicator's monthly values (DESIGN §7).

Plain string building with every text escaped; colours are SVG presentation attributes,
not inline styles, so the same markup passes the pages' CSP and prints in WeasyPrint.
Coordinates are floats (they only place pixels); values stay exact until then.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from html import escape

from django.utils.safestring import SafeString, mark_safe

from kiemsat.indicators.engine import Status, Summary
from kiemsat.lib.periods import Month
from kiemsat.lib.vn import format_decimal

type XScale = Callable[[int], float]  # month position -> x coordinate
type YScale = Callable[[Fraction], float]  # value -> y coordinate

FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
STATUS_COLOURS = {
    Status.VUOT: "#145f9e",
    Status.DAT: "#1e7a34",
    Status.KHONG_DAT: "#b3261e",
}
LINE_COLOUR = "#5b6b7a"
TARGET_COLOUR = "#8b1a1a"
GRID_COLOUR = "#d6dde4"


@dataclass(frozen=True)
class Point:
    """One month: the indicator's value for that month alone (None when it did not arise)."""

    month: Month
    value: Fraction | None
    status: Status
    label: str


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    percent: bool
    target: Fraction | None
    target_label: str
    points: Sequence[Point]

    @property
    def has_values(self) -> bool:
        return any(p.value is not None for p in self.points)

    @property
    def caption(self) -> str:
        """What a report prints under the chart."""
        return (
            f"Diễn biến theo tháng của chỉ tiêu {self.code} – {self.name} "
            f"(đường nét đứt: mức chỉ tiêu {self.target_label})."
        )

    @property
    def svg(self) -> SafeString:
        return trend_svg(self)

    @property
    def sparkline(self) -> SafeString:
        return sparkline_svg(self)


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _num(x: float) -> str:
    return f"{x:.1f}"


def _tick_label(value: Fraction, step: Fraction, percent: bool) -> str:
    decimals = 0 if step.denominator == 1 else (1 if (step * 10).denominator == 1 else 2)
    return format_decimal(value, decimals) + ("%" if percent else "")


def _nice_step(span: Fraction) -> Fraction:
    """A step of 1, 2, 2.5 or 5 times a power of ten giving about four intervals."""
    raw = span / 4
    power = Fraction(10) ** math.floor(math.log10(raw))
    for factor in (1, 2, Fraction(5, 2), 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _scale(series: Series) -> tuple[Fraction, Fraction]:
    """(top of the axis, tick step): 0–100 for most rates, a rounded maximum otherwise."""
    values = [p.value for p in series.points if p.value is not None]
    if series.target is not None:
        values.append(series.target)
    top = max(values, default=Fraction(0))
    if series.percent and 50 < top <= 100:
        return Fraction(100), Fraction(20)
    step = _nice_step(max(top, Fraction(1)))
    return step * max(1, math.ceil(top / step)), step


def trend_svg(series: Series, *, width: int = 640, height: int = 240) -> SafeString:
    """A line of monthly values with markers coloured by status and the target dashed."""
    left, right, top_m, bottom = 58, 16, 14, 36
    plot_w, plot_h = width - left - right, height - top_m - bottom
    ymax, step = _scale(series)
    n = max(len(series.points), 1)

    def x(i: int) -> float:
        return left + plot_w * (i + 0.5) / n

    def y(v: Fraction) -> float:
        return top_m + plot_h * (1 - float(v / ymax)) if ymax else top_m + plot_h

    title = f"{series.code} – {series.name}: diễn biến theo tháng"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_attr(title)}" '
        f'font-family="{_attr(FONT)}" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    tick = Fraction(0)
    while tick <= ymax:
        ty = _num(y(tick))
        parts.append(
            f'<line x1="{left}" y1="{ty}" x2="{width - right}" y2="{ty}" stroke="{GRID_COLOUR}"/>'
            f'<text x="{left - 6}" y="{ty}" dy="4" text-anchor="end" fill="{LINE_COLOUR}">'
            f"{escape(_tick_label(tick, step, series.percent))}</text>"
        )
        tick += step
    every = math.ceil(n / 12)
    for i, point in enumerate(series.points):
        if i % every == 0:
            parts.append(
                f'<text x="{_num(x(i))}" y="{height - bottom + 16}" text-anchor="middle" '
                f'fill="{LINE_COLOUR}">{escape(point.month.label)}</text>'
            )
    if series.target is not None:
        ty = _num(y(series.target))
        parts.append(
            f'<line x1="{left}" y1="{ty}" x2="{width - right}" y2="{ty}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{width - right}" y="{ty}" dy="-4" text-anchor="end" '
            f'fill="{TARGET_COLOUR}">{escape("Chỉ tiêu: " + series.target_label)}</text>'
        )
    parts += _lines(series, x, y, stroke_width=2)
    parts += _markers(series, x, y, radius=4, titled=True)
    if not series.has_values:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top_m + plot_h / 2:.1f}" text-anchor="middle" '
            f'fill="{LINE_COLOUR}">Chưa có số liệu trong kỳ</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute is escaped above


def sparkline_svg(series: Series, *, width: int = 120, height: int = 30) -> SafeString:
    """A tiny trend for a table row: no axes, the target dashed."""
    ymax, _ = _scale(series)
    n = max(len(series.points), 1)

    def x(i: int) -> float:
        return 3 + (width - 6) * (i + 0.5) / n

    def y(v: Fraction) -> float:
        return 3 + (height - 6) * (1 - float(v / ymax)) if ymax else height - 3

    shown = [f"{p.month.label}: {p.label or p.status.label}" for p in series.points]
    label = f"{series.code} theo tháng – " + "; ".join(shown)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_attr(label)}">',
        f"<title>{escape(label)}</title>",
    ]
    if series.target is not None:
        ty = _num(y(series.target))
        parts.append(
            f'<line x1="0" y1="{ty}" x2="{width}" y2="{ty}" stroke="{TARGET_COLOUR}" '
            f'stroke-dasharray="3 2"/>'
        )
    parts += _lines(series, x, y, stroke_width=1.5)
    parts += _markers(series, x, y, radius=2, titled=False)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute is escaped above


# The parts of a unit's bar, left to right: exceeded, met (not exceeded), not met.
BAR_PARTS = (
    (Status.VUOT, STATUS_COLOURS[Status.VUOT]),
    (Status.DAT, STATUS_COLOURS[Status.DAT]),
    (Status.KHONG_DAT, "#f0b8b4"),
)
BAR_TRACK = "#eef0f2"


def share_bar_svg(summary: Summary, *, name: str) -> SafeString:
    """One unit's horizontal bar in a comparison of units: of the indicators that arose,
    those exceeded, those met and those not met, each as its share of the bar's length.

    The bar is drawn on a 0–100 viewBox stretched to the width it is given, so one list of
    bars lines up on any screen; the unit's name and figures are the page's text beside it.
    """
    counts = {status: summary.by_status.get(status, 0) for status, _ in BAR_PARTS}
    whole = sum(counts.values())
    label = f"{name}: " + (
        f"{summary.met_line()}, {summary.exceeded_line()}" if whole else "không phát sinh"
    )
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="share-bar" viewBox="0 0 100 10" '
        f'preserveAspectRatio="none" width="100%" height="16" role="img" '
        f'aria-label="{_attr(label)}">',
        f"<title>{escape(label)}</title>",
        f'<rect x="0" y="0" width="100" height="10" fill="{BAR_TRACK}"/>',
    ]
    start = Fraction(0)
    for status, colour in BAR_PARTS:
        if whole and counts[status]:
            width = Fraction(100 * counts[status], whole)
            parts.append(
                f'<rect x="{float(start):.2f}" y="0" width="{float(width):.2f}" height="10" '
                f'fill="{colour}"><title>{escape(f"{status.label}: {counts[status]}")}</title>'
                "</rect>"
            )
            start += width
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute is escaped above


def _lines(series: Series, x: XScale, y: YScale, *, stroke_width: float) -> list[str]:
    """A polyline per run of consecutive months with a value: gaps stay gaps."""
    runs: list[list[str]] = [[]]
    for i, point in enumerate(series.points):
        if point.value is None:
            runs.append([])
        else:
            runs[-1].append(f"{_num(x(i))},{_num(y(point.value))}")
    return [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE_COLOUR}" '
        f'stroke-width="{stroke_width}"/>'
        for run in runs
        if len(run) > 1
    ]


def _markers(series: Series, x: XScale, y: YScale, *, radius: float, titled: bool) -> list[str]:
    out = []
    for i, point in enumerate(series.points):
        if point.value is None:
            continue
        colour = STATUS_COLOURS.get(point.status, LINE_COLOUR)
        tip = f"<title>{escape(f'{point.month.label}: {point.label}')}</title>" if titled else ""
        out.append(
            f'<circle cx="{_num(x(i))}" cy="{_num(y(point.value))}" r="{radius}" '
            f'fill="{colour}">{tip}</circle>'
        )
    return out
