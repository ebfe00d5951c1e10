"""Scoped reads of articles and of the information register: gates, lists, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from kiemsat.ingest.models import Article, PressItem
from kiemsat.lib.search import match_q
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.access import access_for, check
from kiemsat.org.models import Role
from kiemsat.oversight import clock
from kiemsat.oversight.clock import Status
from kiemsat.oversight.selectors import status_q

# The register's own word for a finished item; the rest of the clock's labels fit as they are.
STATUS_LABELS = {**clock.STATUS_LABELS, Status.ANSWERED: "Đã xử lý"}
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status if s != Status.NO_DEADLINE]


def _gate(model: Any, user: Any, pk: int, write: bool) -> Any:
    unit_id = model.objects.filter(pk=pk).values_list("unit_id", flat=True).first()
    if unit_id is None:
        raise Http404("Không tìm thấy.")
    check(user, unit_id, write=write, need=Role.STAFF)
    return unit_id


# --- articles ------------------------------------------------------------------------------


def visible_articles(user: Any) -> QuerySet[Article]:
    return (
        Article.objects.filter(unit_id__in=access_for(user).unit_ids())
        .select_related("unit", "instrument", "uploaded_by")
        .defer("text")
    )


def get_article_for_user(user: Any, pk: int, *, write: bool = False) -> Article:
    """The gate: 404 outside the user's units, 403 when they may read but not write."""
    _gate(Article, user, pk, write)
    return get_object_or_404(Article.objects.select_related("unit", "instrument"), pk=pk)


def can_write(user: Any, unit_id: int) -> bool:
    return access_for(user).has(unit_id, Role.STAFF)


# --- the information register --------------------------------------------------------------


def _items() -> QuerySet[PressItem]:
    # status_q (the clock's statuses in SQL) reads these two names.
    return PressItem.objects.select_related("unit", "responsible_unit", "article").annotate(
        deadline_on=F("due_on"), answered_on=F("done_on")
    )


def visible_press_items(user: Any) -> QuerySet[PressItem]:
    """Items of the units the user may read (their units, below, and taken over)."""
    return _items().filter(unit_id__in=access_for(user).unit_ids()).order_by("-received_on", "-pk")


def get_press_item_for_user(user: Any, pk: int, *, write: bool = False) -> PressItem:
    """The gate: 404 outside the user's units, 403 when they may read but not write."""
    _gate(PressItem, user, pk, write)
    return get_object_or_404(_items(), pk=pk)


@dataclass
class PressFilters:
    q: str = ""
    kind: str = ""
    sensitivity: str = ""
    unit_id: int | None = None
    status: str = ""
    received_from: date | None = None
    received_to: date | None = None


def apply_press_filters(
    qs: QuerySet[PressItem], f: PressFilters, *, today: date, calendar: WorkCalendar
) -> QuerySet[PressItem]:
    if f.q:
        qs = qs.filter(match_q(f.q, folded=["subject_folded"], raw=["outlet"]))
    exact = {"kind": f.kind, "sensitivity": f.sensitivity, "unit_id": f.unit_id}
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if f.status:
        qs = qs.filter(status_q(f.status, today, clock.soon_limit(today, calendar)))
    if f.received_from:
        qs = qs.filter(received_on__gte=f.received_from)
    if f.received_to:
        qs = qs.filter(received_on__lte=f.received_to)
    return qs


def with_status(rows: list[PressItem], *, today: date, calendar: WorkCalendar) -> list[PressItem]:
    """Attach ``status`` (a clock.Status) and its label to each row for display."""
    soon_until = clock.soon_limit(today, calendar)
    for item in rows:
        status = clock.status_of(
            answered_on=item.done_on, deadline=item.due_on, today=today, soon_until=soon_until
        )
        item.status = status  # type: ignore[attr-defined]
        item.status_label = STATUS_LABELS[status]  # type: ignore[attr-defined]
    return rows


def due_for_reminders(today: date, calendar: WorkCalendar) -> QuerySet[PressItem]:
    """Every open item due within the reminder window or already overdue."""
    return (
        _items()
        .filter(done_on__isnull=True, due_on__lte=clock.soon_limit(today, calendar))
        .order_by("due_on", "pk")
    )
