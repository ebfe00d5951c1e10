"""Scoped reads behind figure entry: the grid, the submission state, the template."""

from __future__ import annotations

from typing import Any

from kiemsat.indicators.models import Figure, Metric, Submission
from kiemsat.indicators.providers import derived_codes
from kiemsat.lib.periods import Month, MonthRange
from kiemsat.org.models import Unit
from kiemsat.org.selectors import units_catalogue


def typed_metrics() -> list[Metric]:
    """Metrics a person may type or import: every metric not derived from a register."""
    return list(
        Metric.objects.filter(derived=False).exclude(code__in=derived_codes()).order_by("code")
    )


def import_catalogue(user: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the entry template's "Danh mục" lists: the units the user enters figures for and
    the metrics that may be typed, as (column, [(code, name)])."""
    metrics = [(m.code, m.name) for m in typed_metrics()]
    return [("unit_code", units_catalogue(user)), ("metric_code", metrics)]


def month_values(unit: Unit, month: Month) -> dict[str, int]:
    rows = Figure.objects.filter(unit=unit, period=month.index).values_list("metric__code", "value")
    return dict(rows)


def range_values(unit: Unit, months: MonthRange) -> dict[tuple[int, str], int]:
    rows = Figure.objects.filter(
        unit=unit, period__gte=months.start.index, period__lte=months.end.index
    ).values_list("period", "metric__code", "value")
    return {(p, m): v for p, m, v in rows}


def submission_for(unit: Unit, month: Month) -> Submission | None:
    return (
        Submission.objects.filter(unit=unit, period=month.index)
        .select_related("submitted_by", "decided_by")
        .first()
    )
