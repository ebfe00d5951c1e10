"""Monthly trends behind the dashboards' charts: each indicator evaluated month by month
over a set of units (figures and registered providers' values alike)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from fractions import Fraction

from django.db.models import Sum

from kiemsat.indicators import engine
from kiemsat.indicators.charts import Point, Series
from kiemsat.indicators.evaluation import Line, spec_for
from kiemsat.indicators.models import Figure, Indicator, Kind, Metric
from kiemsat.indicators.providers import PROVIDERS
from kiemsat.indicators.view_models import target_words
from kiemsat.lib.periods import MonthRange


def monthly_figures(
    unit_ids: Collection[int], codes: Collection[str], months: MonthRange
) -> dict[str, dict[int, int]]:
    """Metric code → month index → value summed over the units (registers' figures too)."""
    figures: dict[str, dict[int, int]] = defaultdict(dict)
    rows = (
        Figure.objects.filter(
            unit_id__in=list(unit_ids),
            metric__code__in=list(codes),
            period__gte=months.start.index,
            period__lte=months.end.index,
        )
        .values_list("metric__code", "period")
        .annotate(total=Sum("value"))
    )
    for code, period, total in rows:
        figures[code][period] = int(total)
    wanted = set(codes)
    for provider in PROVIDERS:
        if not provider.metric_codes & wanted:
            continue
        for _, code, period, value in provider.monthly_values(
            unit_ids, months.start.index, months.end.index
        ):
            if code in wanted:
                figures[code][period] = figures[code].get(period, 0) + value
    return figures


def monthly_series(
    unit_ids: Collection[int], lines: Sequence[Line], months: MonthRange
) -> dict[str, Series]:
    """Each indicator evaluated on each single month of the range (no quota: counts only)."""
    specs = {line.indicator.code: spec_for(line.indicator) for line in lines}
    codes = {m for spec in specs.values() for m in spec.metrics()}
    kinds = dict(Metric.objects.filter(code__in=codes).values_list("code", "aggregation"))
    figures = monthly_figures(unit_ids, codes, months)
    result = {}
    for line in lines:
        spec = specs[line.indicator.code]
        points = []
        for month in months:
            ev = engine.evaluate(spec, engine.aggregate_for(spec, figures, kinds, [month.index]))
            points.append(Point(month, ev.value, ev.status, engine.display_value(ev)))
        result[spec.code] = _series(line.indicator, points)
    return result


def _series(indicator: Indicator, points: list[Point]) -> Series:
    threshold = indicator.op in engine.THRESHOLD_OPS and indicator.target is not None
    return Series(
        code=indicator.code,
        name=indicator.name,
        percent=indicator.kind == Kind.RATIO,
        target=Fraction(indicator.target) if threshold and indicator.target is not None else None,
        target_label=target_words(indicator),
        points=points,
    )


def chosen_chart(lines: Sequence[Line], wanted: str) -> str | None:
    """The chosen indicator if shown, else the first rate that arose, else the first line."""
    codes = [line.indicator.code for line in lines]
    if wanted in codes:
        return wanted
    rates = [ln for ln in lines if ln.evaluation.arising and ln.evaluation.kind == Kind.RATIO]
    pick = rates[0] if rates else (lines[0] if lines else None)
    return pick.indicator.code if pick else None
