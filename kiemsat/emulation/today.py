"""Hôm nay: the members whose self-assessment of the current work year is not complete,
shown to those who may enter it (staff of the member unit, through the access gate).

The section is registered when Django starts; the selectors it reads (and the title rules
and evaluation they bring) are imported only when it is first shown, so that a command or
a worker does not load them at start."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count
from django.urls import reverse

from kiemsat.emulation.models import Score
from kiemsat.lib.periods import MonthRange, work_year_of
from kiemsat.org.access import access_for
from kiemsat.org.models import ClusterTerm, Role, Unit
from kiemsat.org.today import TodayItem, TodaySection


def _open_terms(user: Any, year: int) -> list[ClusterTerm]:
    from kiemsat.emulation import selectors

    terms = list(selectors.visible_terms(user, year))
    locked = selectors.locked_term_ids(terms)
    return [t for t in terms if t.pk not in locked]


def _pending(user: Any, year: int) -> list[tuple[ClusterTerm, Unit, int, int]]:
    """(term, member, leaves scored, manual leaves) for each member the user may score."""
    from kiemsat.emulation import selectors

    access = access_for(user)
    sheets: dict[int, set[int]] = {}
    rows: list[tuple[ClusterTerm, Unit, set[int]]] = []
    for term in _open_terms(user, year):
        sheet = selectors.sheet_for(term)
        if sheet is None:
            continue
        if sheet.pk not in sheets:
            sheets[sheet.pk] = {c.pk for c in selectors.criteria_of(sheet) if c.is_manual}
        for unit in term.members.all():
            if access.has(unit.pk, Role.STAFF) and sheets[sheet.pk]:
                rows.append((term, unit, sheets[sheet.pk]))
    done = _scored_counts([t.pk for t, _, _ in rows], {c for _, _, cs in rows for c in cs})
    return [
        (term, unit, done.get((term.pk, unit.pk), 0), len(leaves))
        for term, unit, leaves in rows
        if done.get((term.pk, unit.pk), 0) < len(leaves)
    ]


def _scored_counts(term_ids: list[int], leaf_ids: set[int]) -> dict[tuple[int, int], int]:
    scored = (
        Score.objects.filter(
            term_id__in=term_ids, criterion_id__in=leaf_ids, self_points__isnull=False
        )
        .values("term_id", "unit_id")
        .annotate(n=Count("pk"))
    )
    return {(row["term_id"], row["unit_id"]): row["n"] for row in scored}


def self_assessment_section(user: Any, today: date) -> TodaySection | None:
    year = work_year_of(today)
    pending = _pending(user, year)
    if not pending:
        return None
    due = MonthRange.work_year(year).last_day()
    items = [
        TodayItem(
            title=f"{unit.name}: tự chấm điểm thi đua năm {year} ({term.cluster.name})",
            url=reverse("term_member", args=[term.pk, unit.pk]),
            due=due,
            note=f"đã chấm {done}/{total} tiêu chí",
        )
        for term, unit, done, total in pending
    ]
    return TodaySection(f"Tự chấm điểm thi đua năm {year}", items)
