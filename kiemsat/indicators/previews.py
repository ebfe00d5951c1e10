"""The first rows of a checked figures file as the upload page shows them before it is
confirmed: unit, month, metric by name, and the stored value beside the file's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from kiemsat.indicators.imports import HEADER, Reference, cell_text, parse_value, read_table
from kiemsat.indicators.models import Figure, Metric
from kiemsat.lib.pending_import import PREVIEW_ROWS
from kiemsat.lib.periods import Month, parse_month
from kiemsat.org.models import Unit


@dataclass(frozen=True)
class PreviewRow:
    line: int
    unit: str
    month: str
    metric: str
    old: int | None  # None: the figure is new
    new: int

    @property
    def changed(self) -> bool:
        return self.old is not None and self.old != self.new


def preview_rows(
    name: str, data: bytes, *, writable: set[int] | None, limit: int = PREVIEW_ROWS
) -> list[PreviewRow]:
    """The first ``limit`` rows with a value of a file that passed the import's checks (so
    every code or name is known and every month and value sound)."""
    ref = Reference.load()
    keys: list[tuple[int, int, int, int, int]] = []  # line, unit id, metric id, month, value
    for line, (unit, period, metric, value) in islice(_filled(name, data), limit):
        unit_code = ref.code("unit_code", cell_text(unit), writable)
        metric_code = ref.code("metric_code", cell_text(metric), writable)
        number, _ = parse_value(value)
        month = parse_month(period).index
        keys.append((line, ref.units[unit_code][0], ref.metrics[metric_code], month, number or 0))
    return _rows(keys)


def _filled(name: str, data: bytes) -> Iterator[tuple[int, list[Any]]]:
    rows = read_table(name, data, HEADER)
    return ((line, cells) for line, cells in rows if cells[3] not in ("", None))


def _rows(keys: list[tuple[int, int, int, int, int]]) -> list[PreviewRow]:
    units = dict(Unit.objects.filter(pk__in={k[1] for k in keys}).values_list("pk", "name"))
    metrics = dict(Metric.objects.filter(pk__in={k[2] for k in keys}).values_list("pk", "name"))
    stored = {
        (u, m, p): v
        for u, m, p, v in Figure.objects.filter(
            unit_id__in=units, metric_id__in=metrics, period__in={k[3] for k in keys}
        ).values_list("unit_id", "metric_id", "period", "value")
    }
    return [
        PreviewRow(
            line,
            units[unit],
            Month.from_index(month).label,
            metrics[metric],
            stored.get((unit, metric, month)),
            value,
        )
        for line, unit, metric, month, value in keys
    ]
