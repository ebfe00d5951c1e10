"""Metrics derived from registers in other apps.

An app that keeps a register (oversight's interventions) registers a provider here;
the indicators app asks it for monthly values and never imports the app itself.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Protocol


class MetricProvider(Protocol):
    metric_codes: frozenset[str]

    def monthly_values(
        self, unit_ids: Collection[int], first_period: int, last_period: int
    ) -> Iterable[tuple[int, str, int, int]]:
        """Rows (unit_id, metric_code, period, value) for the months in range."""
        ...

    def range_totals(
        self, unit_ids: Collection[int], first_period: int, last_period: int
    ) -> Iterable[tuple[int, str, int]]:
        """Rows (unit_id, metric_code, total): the monthly values summed over the range,
        for every (unit, code) that has monthly values in it."""
        ...


PROVIDERS: list[MetricProvider] = []


def register(provider: MetricProvider) -> None:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)


def derived_codes() -> frozenset[str]:
    return frozenset(code for p in PROVIDERS for code in p.metric_codes)
