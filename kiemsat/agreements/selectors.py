"""Every scoped read of instruments: the gate, lists, search, coverage, reminders' sources.

A user reads an instrument when they can read any of its unit parties; they change it
when they hold the staff role on its owner unit (``owner_unit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from kiemsat.agreements.models import (
    Attachment,
    Clause,
    ClauseKind,
    Duty,
    Instrument,
    Party,
    Review,
    Status,
)
from kiemsat.lib.search import match_q, rank
from kiemsat.lib.validity import valid_on_q
from kiemsat.lib.vn import sort_key
from kiemsat.org.access import access_for
from kiemsat.org.models import Partner, Role, Unit
from kiemsat.org.selectors import partners_catalogue, units_catalogue

PARTIES = Prefetch(
    "parties", queryset=Party.objects.select_related("unit", "unit__parent", "partner")
)


def _in_force_by(today: date, prefix: str = "") -> Q:
    """Instruments that took effect on or before ``today`` (start = valid_from or signed_on)."""
    return Q(**{f"{prefix}valid_from__lte": today}) | Q(
        **{f"{prefix}valid_from__isnull": True, f"{prefix}signed_on__lte": today}
    )


def with_status(qs: QuerySet[Instrument], today: date | None = None) -> QuerySet[Instrument]:
    """Annotate ``status_now`` in SQL, mirroring schedule.derive_status."""
    today = today or timezone.localdate()
    replaced = Instrument.objects.filter(_in_force_by(today), replaces=OuterRef("pk"))
    return qs.annotate(
        start_on_db=Coalesce("valid_from", "signed_on"),
        status_now=Case(
            When(Q(start_on_db__isnull=True) | Q(start_on_db__gt=today), then=Value(Status.DRAFT)),
            When(Exists(replaced), then=Value(Status.REPLACED)),
            When(valid_to__lt=today, then=Value(Status.EXPIRED)),
            default=Value(Status.IN_FORCE),
            output_field=CharField(),
        ),
    )


def visible_instruments(user: Any) -> QuerySet[Instrument]:
    """Instruments with at least one unit party the user may read."""
    access = access_for(user)
    qs = Instrument.objects.all()
    if not access.sector_admin:
        readable = access.unit_ids()
        qs = qs.filter(pk__in=Party.objects.filter(unit_id__in=readable).values("instrument_id"))
    return qs


def get_instrument_for_user(user: Any, pk: int, *, write: bool = False) -> Instrument:
    """The gate: 404 outside the user's units, 403 when they may read but not change it."""
    instrument = (
        with_status(Instrument.objects.filter(pk=pk))
        .select_related("owner_unit", "owner_unit__parent", "replaces", "parent")
        .prefetch_related(PARTIES)
        .first()
    )
    if instrument is None:
        raise Http404("Không tìm thấy văn bản.")
    access = access_for(user)
    if not any(access.can_read(p.unit_id) for p in instrument.parties.all() if p.unit_id):
        raise Http404("Không tìm thấy văn bản.")
    if write and not can_write(user, instrument):
        raise PermissionDenied("Bạn không có quyền thay đổi văn bản của đơn vị này.")
    return instrument


def can_write(user: Any, instrument: Instrument) -> bool:
    return access_for(user).has(instrument.owner_unit_id, Role.STAFF)


def search_instruments(user: Any, query: str) -> QuerySet[Instrument]:
    """Scoped search over title, number, summary, parties and clauses; case, marks and đ
    ignored. Every folded word must appear (``contains`` on the folded shadow column is the
    same LIKE on SQLite and PostgreSQL)."""
    return _search(visible_instruments(user), query)


def _search(qs: QuerySet[Instrument], query: str) -> QuerySet[Instrument]:
    return qs.filter(match_q(query, folded=["search_folded"], **NUMBER))


NUMBER = {"number": "number", "symbol": "symbol"}


def search_rank(query: str) -> Case:
    """The exact number first, then the number with a symbol that begins as typed."""
    return rank(query, **NUMBER)


def search_ranked(user: Any, query: str) -> QuerySet[Instrument]:
    """The header search: scoped matches, the exact number first, then the newest."""
    return (
        search_instruments(user, query)
        .annotate(search_rank=search_rank(query))
        .select_related("owner_unit")
        .order_by("search_rank", F("signed_on").desc(nulls_last=True), "-pk")
    )


@dataclass(frozen=True)
class Filters:
    query: str = ""
    kind: str = ""
    partner: Partner | None = None
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    unit: Unit | None = None


def instrument_list(user: Any, filters: Filters, today: date | None = None) -> QuerySet[Instrument]:
    """The list page, its Excel export and the API: one query, exactly as filtered."""
    qs = with_status(search_instruments(user, filters.query), today)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.partner is not None:
        qs = qs.filter(pk__in=Party.objects.filter(partner=filters.partner).values("instrument_id"))
    if filters.unit is not None:
        qs = qs.filter(pk__in=Party.objects.filter(unit=filters.unit).values("instrument_id"))
    # Annotated names go through **{…}: the type checker only knows the model's fields.
    if filters.status:
        qs = qs.filter(**{"status_now": filters.status})
    if filters.date_to is not None:  # in force at some time during the period
        qs = qs.filter(**{"start_on_db__lte": filters.date_to})
    if filters.date_from is not None:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=filters.date_from))
    return (
        qs.select_related("owner_unit")
        .prefetch_related(PARTIES)
        .order_by(F("start_on_db").desc(nulls_last=True), "-pk")
    )


def instrument_detail(instrument: Instrument) -> dict[str, Any]:
    """Everything the instrument page shows; the caller has passed the gate."""
    clauses = list(instrument.clauses.order_by("kind", "number"))
    chapters = [c for c in clauses if c.kind == ClauseKind.CHAPTER]
    articles = [c for c in clauses if c.kind == ClauseKind.ARTICLE]
    return {
        "parties": list(instrument.parties.all()),
        "chapters": chapters,
        "articles": articles,
        "outline": outline(chapters, articles),
        "duties": list(
            instrument.duties.select_related("clause")
            .prefetch_related(
                Prefetch("responsible", queryset=Party.objects.select_related("unit", "partner"))
            )
            .order_by("done", "next_due", "pk")
        ),
        "reviews": list(instrument.reviews.order_by("-held_on", "-pk")),
        "attachments": list(instrument.attachments.select_related("uploaded_by")),
    }


def linked_instruments(user: Any, instrument: Instrument) -> dict[str, Any]:
    """Instruments replacing this one or signed below to carry it out, that the user may
    read: a joint instrument must not show another unit's own titles to its co-signers."""
    visible = visible_instruments(user).values("pk")
    return {
        "replaced_by": list(with_status(instrument.replaced_by.filter(pk__in=visible))),
        "derived": list(
            instrument.derived.filter(pk__in=visible)
            .select_related("owner_unit")
            .order_by("signed_on")
        ),
    }


def outline(chapters: list[Clause], articles: list[Clause]) -> list[tuple[Clause | None, list]]:
    """[(chapter or None, its articles)] in order; articles outside chapters come first."""
    by_chapter: dict[int | None, list[Clause]] = {}
    for article in articles:
        by_chapter.setdefault(article.chapter_id, []).append(article)
    rows: list[tuple[Clause | None, list]] = []
    if by_chapter.get(None):
        rows.append((None, by_chapter[None]))
    rows += [(chapter, by_chapter.get(chapter.pk, [])) for chapter in chapters]
    return rows


def import_catalogue(user: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the import template's "Danh mục" lists: the units the user registers
    instruments for and the partners offered, as (column, [(code, name)])."""
    return [("don_vi", units_catalogue(user)), ("co_quan", partners_catalogue())]


def get_party(instrument: Instrument, pk: int) -> Party:
    return _child(Party.objects.select_related("unit", "partner"), instrument, pk)


def get_clause(instrument: Instrument, pk: int) -> Clause:
    return _child(Clause.objects.all(), instrument, pk)


def get_duty(instrument: Instrument, pk: int) -> Duty:
    return _child(Duty.objects.all(), instrument, pk)


def get_review(instrument: Instrument, pk: int) -> Review:
    return _child(Review.objects.all(), instrument, pk)


def get_attachment(instrument: Instrument, pk: int) -> Attachment:
    return _child(Attachment.objects.all(), instrument, pk)


def _child(qs: QuerySet, instrument: Instrument, pk: int):  # type: ignore[no-untyped-def]
    """A part of an instrument already past the gate; 404 if it belongs to another."""
    obj = qs.filter(pk=pk, instrument=instrument).first()
    if obj is None:
        raise Http404("Không tìm thấy.")
    return obj


def writable_units(user: Any) -> QuerySet[Unit]:
    """Units for which the user may register instruments."""
    return Unit.objects.filter(pk__in=access_for(user).unit_ids(Role.STAFF)).order_by("name_folded")


def party_units(user: Any) -> QuerySet[Unit]:
    """Our units the user may add as parties: those they can read."""
    return Unit.objects.filter(pk__in=access_for(user).unit_ids()).order_by("name_folded")


def replaceable_instruments(user: Any) -> QuerySet[Instrument]:
    return visible_instruments(user).select_related("owner_unit").order_by("-signed_on", "-pk")


def cascade_sources(user: Any) -> QuerySet[Instrument]:
    """Instruments directing a lower level to sign, that the user's units must follow:
    those of the units directly above a unit where the user is staff, and readable ones."""
    staff_ids = access_for(user).unit_ids(Role.STAFF)
    above = Unit.objects.filter(pk__in=staff_ids, parent__isnull=False).values("parent_id")
    return (
        Instrument.objects.filter(cascade_due__isnull=False)
        .filter(Q(owner_unit_id__in=above) | Q(pk__in=visible_instruments(user).values("pk")))
        .select_related("owner_unit")
        .order_by("-signed_on", "-pk")
    )


class CoverageState:
    SIGNED = "signed"
    SIGNED_LATE = "signed_late"
    PENDING = "pending"
    LATE = "late"


COVERAGE_LABELS = {
    CoverageState.SIGNED: "Đã ký đúng hạn",
    CoverageState.SIGNED_LATE: "Đã ký, trễ hạn",
    CoverageState.PENDING: "Chưa ký",
    CoverageState.LATE: "Chưa ký – quá hạn",
}


@dataclass
class CoverageRow:
    unit: Unit
    state: str
    instrument: Instrument | None = None

    @property
    def label(self) -> str:
        return COVERAGE_LABELS[self.state]


def cascade_units(instrument: Instrument) -> QuerySet[Unit]:
    """The subordinate units that were to sign: children of the owner valid on the due date."""
    on = instrument.cascade_due or instrument.signed_on or timezone.localdate()
    return Unit.objects.filter(valid_on_q(on), parent_id=instrument.owner_unit_id)


def cascade_coverage(instrument: Instrument, today: date) -> list[CoverageRow]:
    """Which subordinate units signed their own instrument (on time or late) and which not."""
    due = instrument.cascade_due
    signed: dict[int, Instrument] = {}
    derived = instrument.derived.filter(signed_on__isnull=False).prefetch_related("parties")
    for child in derived.order_by("signed_on", "pk"):
        for party in child.parties.all():
            if party.unit_id is not None:
                signed.setdefault(party.unit_id, child)
    rows: list[CoverageRow] = []
    for unit in cascade_units(instrument):
        child_instrument = signed.get(unit.pk)
        if child_instrument is not None:
            assert child_instrument.signed_on is not None
            late = due is not None and child_instrument.signed_on > due
            state = CoverageState.SIGNED_LATE if late else CoverageState.SIGNED
        else:
            state = CoverageState.LATE if due is not None and due < today else CoverageState.PENDING
        rows.append(CoverageRow(unit, state, child_instrument))
    return sorted(rows, key=lambda row: sort_key(row.unit.name))
