"""Scoped reads of the quotas a leader assigns to the units below (DESIGN §5.3).

A unit's quota for a work year is assigned, approved (locked) and reopened by a leader of
the unit directly above it (``services.approver_unit_id``); a lock covers all the quotas a
parent unit gave for that year.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from kiemsat.indicators.evaluation import units_active_in
from kiemsat.indicators.imports import approved_pairs
from kiemsat.indicators.models import Indicator, Op, Quota, QuotaLock, SubmissionStatus
from kiemsat.lib.periods import MonthRange, work_year_of
from kiemsat.lib.validity import overlaps_q
from kiemsat.org.access import AnyUser, access_for
from kiemsat.org.models import Role, Unit
from kiemsat.org.selectors import tree_order, visible_units

FIRST_YEAR = 2020  # the first work year of the starter catalogue


def current_work_year() -> int:
    return work_year_of(timezone.localdate())


def last_assignable_year() -> int:
    """Quotas can be given up to the next work year, ahead of its start."""
    return current_work_year() + 1


def work_years() -> list[int]:
    """The years a leader may open, newest first."""
    return list(range(last_assignable_year(), FIRST_YEAR - 1, -1))


def can_assign_quotas(user: AnyUser, parent: Unit) -> bool:
    """A leader of ``parent`` (or a sector admin) assigns the quotas of the units below it."""
    return access_for(user).has(parent.pk, Role.LEADER)


def offers_quotas(user: AnyUser, unit: Unit) -> bool:
    """Whether pages about ``unit`` link to its quota grid: the user assigns there and the
    unit has units below it."""
    return can_assign_quotas(user, unit) and Unit.objects.filter(parent=unit).exists()


def indicator_names(codes: set[str]) -> dict[str, str]:
    """The name of each quota indicator code, as its latest version gives it."""
    rows = Indicator.objects.filter(op=Op.QUOTA, code__in=codes).order_by("code", "effective_from")
    return dict(rows.values_list("code", "name"))


def quota_indicators(year: int) -> list[Indicator]:
    """Indicators with op ``quota`` in force at some point of the work year: the latest
    such version of each code, in code order."""
    months = MonthRange.work_year(year)
    in_force = overlaps_q(
        months.first_day(), months.last_day(), start="effective_from", end="effective_to"
    )
    rows = Indicator.objects.filter(in_force, op=Op.QUOTA)
    chosen: dict[str, Indicator] = {}
    for indicator in rows.order_by("code", "-effective_from"):
        chosen.setdefault(indicator.code, indicator)
    return list(chosen.values())


def locked_pairs(pairs: Collection[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (parent unit id, work year) pairs among ``pairs`` whose quotas are approved."""
    return approved_pairs(QuotaLock, "work_year", pairs)


@dataclass
class QuotaGrid:
    parent: Unit
    year: int
    indicators: list[Indicator]
    units: list[Unit]
    values: dict[tuple[int, str], int]
    lock: QuotaLock | None

    @property
    def locked(self) -> bool:
        return bool(self.lock and self.lock.locked)

    @staticmethod
    def applies(unit: Unit, indicator: Indicator) -> bool:
        return unit.level in indicator.levels


def quota_grid(user: AnyUser, parent: Unit, year: int) -> QuotaGrid:
    """The units directly below ``parent`` that existed in the work year (in tree order),
    the quota indicators of that year and the quotas stored; ``parent`` passed the gate."""
    months = MonthRange.work_year(year)
    children = visible_units(user).filter(units_active_in(months), parent=parent)
    units = [unit for unit, _ in tree_order(list(children))]
    indicators = quota_indicators(year)
    rows = Quota.objects.filter(
        unit__in=units, work_year=year, indicator_code__in=[i.code for i in indicators]
    ).values_list("unit_id", "indicator_code", "value")
    values = {(unit_id, code): value for unit_id, code, value in rows}
    lock = QuotaLock.objects.filter(unit=parent, work_year=year).select_related("decided_by")
    return QuotaGrid(parent, year, indicators, units, values, lock.first())


def visible_quotas(
    user: AnyUser, *, year: int | None = None, unit: Unit | None = None
) -> QuerySet[Quota]:
    """Quotas of the units the user may read, with ``locked`` (approved by the unit above)."""
    approved = QuotaLock.objects.filter(
        unit_id=OuterRef("assigner_id"),
        work_year=OuterRef("work_year"),
        status=SubmissionStatus.APPROVED,
    )
    qs = (
        Quota.objects.filter(unit__in=visible_units(user))
        .select_related("unit")
        .annotate(assigner_id=Coalesce("unit__parent_id", "unit_id"))
        .annotate(locked=Exists(approved))
    )
    if year is not None:
        qs = qs.filter(work_year=year)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("-work_year", "unit__code", "indicator_code")
