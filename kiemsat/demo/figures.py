"""Plausible monthly figures for the demo units, work years 2020 to now (labelled demo data).

Each unit gets a deterministic simulation: a backlog of crime reports carried month to
month, custody counts with a rare overdue case, prosecutions, hearings and complaints.
Rates hover around their targets so the dashboards show every status.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.utils import timezone

from kiemsat.indicators.imports import RawRow
from kiemsat.indicators.models import Figure, Source, SubmissionStatus
from kiemsat.indicators.quota_imports import QuotaRow
from kiemsat.indicators.quota_services import quotas_set
from kiemsat.indicators.services import figures_import, submissions_load
from kiemsat.lib.periods import Month, MonthRange, work_year_of
from kiemsat.org.models import Unit

FIRST = Month(2019, 12)
QUOTA_INDICATORS = {"TB-03": (2, 6), "TG-02": (6, 14), "XX-03": (2, 6), "KN-02": (1, 4)}
DEMO_UNIT_CODES = (
    "QUANG-NINH",
    "HA-GIANG",
    "TUYEN-QUANG",
    "TUYEN-QUANG-2025",
    "THANH-HOA",
    "NGHE-AN",
    "HA-TINH",
    "QUANG-BINH",
    "QUANG-TRI",
    "QUANG-TRI-2025",
    "THUA-THIEN-HUE",
    "HUE",
)


def demo_units() -> list[Unit]:
    local = Unit.objects.filter(parent__code="QUANG-NINH")
    units = list(Unit.objects.filter(code__in=DEMO_UNIT_CODES)) + list(local)
    return sorted(units, key=lambda u: u.code)


def last_month(today: date) -> Month:
    """Figures exist up to the month before today's."""
    return Month.of(today).shift(-1)


def _months(unit: Unit, end: Month) -> list[Month]:
    start = max(FIRST, Month.of(unit.valid_from)) if unit.valid_from else FIRST
    stop = min(end, Month.of(unit.valid_to)) if unit.valid_to else end
    return MonthRange(start, stop).months() if start <= stop else []


def _simulate(unit: Unit, months: list[Month]) -> Iterator[tuple[Month, str, int]]:
    rng = random.Random(f"kiemsat-demo-{unit.code}")
    scale = 3.0 if unit.level == "provincial" else 1.0
    skill = rng.uniform(0.84, 0.99)
    backlog = int(rng.uniform(10, 30) * scale)
    complaints = rng.randint(0, 5)
    for month in months:
        new = int(rng.uniform(20, 60) * scale)
        moved = rng.randint(0, 3)
        resolved = min(
            backlog + new - moved,
            int((backlog + new - moved) * rng.uniform(skill - 0.04, skill + 0.02)),
        )
        pending = backlog + new - moved - resolved
        held = int(rng.uniform(5, 25) * scale)
        prosecuted = int(rng.uniform(4, 20) * scale)
        tried = max(0, prosecuted - rng.randint(0, 3))
        complaints_new = rng.randint(0, 8)
        settled = min(
            complaints + complaints_new,
            round((complaints + complaints_new) * rng.uniform(skill - 0.3, 1.0)),
        )
        yield from (
            (month, "TB_TON_DAU", backlog),
            (month, "TB_MOI", new),
            (month, "TB_CHUYEN", moved),
            (month, "TB_DA_GQ", resolved),
            (month, "TB_CHUA_GQ", pending),
            (month, "TB_QUA_HAN", rng.choice([0, 0, 0, 1, 2]) if pending else 0),
            (month, "TB_KSTT", rng.choice([0, 0, 1])),
            (month, "TG_SO_NGUOI", held),
            (month, "TG_QUA_HAN", 1 if rng.random() < 0.01 else 0),
            (month, "TG_KSTT", rng.choice([0, 1, 1, 2])),
            (month, "TT_TRUY_TO", prosecuted),
            (month, "TT_DUNG_HAN", prosecuted - (1 if rng.random() < 0.03 else 0)),
            (month, "TT_DA_XET_XU", tried),
            (month, "TT_DUNG_TOI_DANH", tried - (1 if tried and rng.random() < 0.05 else 0)),
            (month, "TT_KHONG_PHAM_TOI", 1 if rng.random() < 0.005 else 0),
            (month, "PT_RKN", rng.choice([0, 0, 1])),
            (month, "KNTC_TON_DAU", complaints),
            (month, "KNTC_MOI", complaints_new),
            (month, "KNTC_DA_GQ", settled),
        )
        backlog = pending
        complaints += complaints_new - settled


def _rows(units: list[Unit], end: Month) -> Iterator[RawRow]:
    line = 1
    for unit in units:
        for month, metric, value in _simulate(unit, _months(unit, end)):
            line += 1
            yield RawRow(line, unit.code, str(month), metric, value)


def _quotas(units: list[Unit], end: Month) -> Iterator[QuotaRow]:
    """Each unit's quotas for the work years it lived in, up to the current one."""
    line = 1
    for unit in units:
        rng = random.Random(f"kiemsat-quota-{unit.code}")
        months = _months(unit, end.shift(1))
        if not months:
            continue
        for year in range(work_year_of(months[0]), work_year_of(months[-1]) + 1):
            for code, (low, high) in QUOTA_INDICATORS.items():
                line += 1
                yield QuotaRow(line, unit.code, year, code, rng.randint(low, high))


def _submissions(units: list[Unit], end: Month) -> Iterator[tuple[Unit, Month, str]]:
    """Approved up to two months ago; the last month submitted; a few gaps for the demo."""
    for unit in units:
        for month in _months(unit, end):
            if month == end and unit.code.endswith(("-2025", "QUANG-NINH")):
                continue  # not yet submitted
            late = month >= end.shift(-1)
            yield unit, month, SubmissionStatus.SUBMITTED if late else SubmissionStatus.APPROVED


def build(stdout: Any) -> None:
    """Idempotent: does nothing once demo figures exist."""
    if Figure.objects.filter(source=Source.DEMO).exists():
        return
    units = demo_units()
    end = last_month(timezone.localdate())
    result = figures_import(
        actor=None, rows=_rows(units, end), source=Source.DEMO, file_name="demo"
    )
    quotas_set(actor=None, rows=_quotas(units, end))
    submissions_load(actor=None, months=_submissions(units, end))
    stdout.write(f"Số liệu minh họa: {result.rows} số liệu tháng của {len(units)} đơn vị.")
