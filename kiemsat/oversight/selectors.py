"""Scoped reads of the register: the gate, lists with their filters, summaries, reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, DateField, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404

from kiemsat.lib.periods import Month
from kiemsat.lib.search import match_q, rank
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.access import access_for, check
from kiemsat.org.models import Role
from kiemsat.org.selectors import partners_catalogue, units_catalogue
from kiemsat.oversight import clock
from kiemsat.oversight.clock import Status
from kiemsat.oversight.models import ACCEPTED_OUTCOMES, DeadlineRule, Event, Intervention, Outcome

THIS_WEEK = "tuan-nay"


def _base() -> QuerySet[Intervention]:
    return Intervention.objects.select_related(
        "unit", "unit__parent", "recipient", "rule", "protest_rule"
    ).annotate(deadline_on=Coalesce("extended_to", "due_on", output_field=DateField()))


def visible_interventions(user: Any) -> QuerySet[Intervention]:
    """Interventions of the units the user may read (their units, below, and taken over)."""
    return (
        _base()
        .filter(unit_id__in=access_for(user).unit_ids())
        .order_by("-issued_on", "-number", "-pk")
    )


def get_intervention_for_user(user: Any, pk: int, *, write: bool = False) -> Intervention:
    """The gate: 404 outside the user's units, 403 when they may read but not write."""
    unit_id = Intervention.objects.filter(pk=pk).values_list("unit_id", flat=True).first()
    if unit_id is None:
        raise Http404("Không tìm thấy.")
    check(user, unit_id, write=write, need=Role.STAFF)
    return get_object_or_404(_base(), pk=pk)


def can_write(user: Any, intervention: Intervention) -> bool:
    return access_for(user).has(intervention.unit_id, Role.STAFF)


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    field: str = ""
    unit_id: int | None = None
    recipient_id: int | None = None
    outcome: str = ""
    status: str = ""
    due: str = ""
    start: Month | None = None
    end: Month | None = None


def status_q(status: str, today: date, soon_until: date) -> Q:
    """The SQL twin of clock.status_of over the annotated ``deadline_on``."""
    open_ = Q(answered_on__isnull=True)
    return {
        Status.ANSWERED: Q(answered_on__isnull=False),
        Status.NO_DEADLINE: open_ & Q(deadline_on__isnull=True),
        Status.OVERDUE: open_ & Q(deadline_on__lt=today),
        Status.DUE_TODAY: open_ & Q(deadline_on=today),
        Status.SOON: open_ & Q(deadline_on__gt=today, deadline_on__lte=soon_until),
        Status.NOT_DUE: open_ & Q(deadline_on__gt=soon_until),
    }.get(Status(status), Q())


SEARCH_FIELDS = ("subject_folded", "recipient__name_folded", "unit__name_folded")


def search(qs: QuerySet[Intervention], query: str) -> QuerySet[Intervention]:
    """Rows whose number as shown ("33/KN-VKS", "33/KN", "33"), recipient, issuing unit or
    subject hold every word of ``query``; the exact number first."""
    number = {"number": "number", "symbol": "symbol"}
    match = match_q(query, folded=SEARCH_FIELDS, raw=("symbol",), **number)
    return (
        qs.filter(match)
        .annotate(search_rank=rank(query, **number))
        .order_by("search_rank", "-issued_on", "-number", "-pk")
    )


def search_interventions(user: Any, query: str) -> QuerySet[Intervention]:
    return search(visible_interventions(user), query)


def apply_filters(
    qs: QuerySet[Intervention], f: Filters, *, today: date, calendar: WorkCalendar
) -> QuerySet[Intervention]:
    if f.q:
        qs = search(qs, f.q)
    exact = {
        "kind": f.kind,
        "field": f.field,
        "unit_id": f.unit_id,
        "recipient_id": f.recipient_id,
        "outcome": f.outcome,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if f.status:
        qs = qs.filter(status_q(f.status, today, clock.soon_limit(today, calendar)))
    if f.due == THIS_WEEK:
        _, sunday = clock.week_of(today)
        qs = qs.filter(Q(answered_on__isnull=True, deadline_on__gte=today, deadline_on__lte=sunday))
    if f.start:
        qs = qs.filter(issued_on__gte=f.start.first_day())
    if f.end:
        qs = qs.filter(issued_on__lte=f.end.last_day())
    return qs


def with_status(
    rows: list[Intervention], *, today: date, calendar: WorkCalendar
) -> list[Intervention]:
    """Attach ``status`` (a clock.Status) to each row for display."""
    soon_until = clock.soon_limit(today, calendar)
    for iv in rows:
        iv.status = clock.status_of(  # type: ignore[attr-defined]
            answered_on=iv.answered_on, deadline=iv.deadline, today=today, soon_until=soon_until
        )
    return rows


def _counts(today: date) -> dict[str, Any]:
    return {
        "total": Count("pk"),
        "answered": Count("pk", filter=Q(answered_on__isnull=False)),
        "accepted": Count("pk", filter=Q(outcome__in=ACCEPTED_OUTCOMES)),
        "rejected": Count("pk", filter=Q(outcome=Outcome.REJECTED)),
        "overdue": Count("pk", filter=Q(answered_on__isnull=True, deadline_on__lt=today)),
    }


def by_recipient(qs: QuerySet[Intervention], today: date) -> list[dict[str, Any]]:
    """Per recipient: how many were sent, answered, accepted, rejected, overdue (one query)."""
    rows = (
        qs.order_by()
        .values("recipient_id", "recipient__name")
        .annotate(**_counts(today))
        .order_by(F("overdue").desc(), F("total").desc(), "recipient__name")
    )
    return [dict(row) for row in rows]


def by_outcome(qs: QuerySet[Intervention]) -> list[dict[str, Any]]:
    rows = qs.order_by().values("outcome").annotate(total=Count("pk"))
    totals = {row["outcome"]: row["total"] for row in rows}
    return [
        {"outcome": value, "label": label, "total": totals.get(value, 0)}
        for value, label in Outcome.choices
    ]


def due_for_reminders(today: date, calendar: WorkCalendar) -> QuerySet[Intervention]:
    """Every unanswered intervention due within the reminder window or already overdue."""
    return (
        _base()
        .filter(Q(answered_on__isnull=True, deadline_on__lte=clock.soon_limit(today, calendar)))
        .order_by(F("deadline_on").asc(), "pk")
    )


def import_catalogue(user: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the import template's "Danh mục" lists: the units the user enters records for,
    the recipients offered and the deadline rules in force, as (column, [(code, name)])."""
    return [
        ("unit_code", units_catalogue(user)),
        ("recipient_code", partners_catalogue()),
        ("rule_code", list(answer_rules().order_by("code").values_list("code", "name"))),
    ]


def answer_rules() -> QuerySet[DeadlineRule]:
    return DeadlineRule.objects.filter(active=True, event__in=[Event.RECEIVED, Event.ISSUED])


def protest_rules() -> QuerySet[DeadlineRule]:
    return DeadlineRule.objects.filter(active=True, event=Event.DECISION_RECEIVED)
