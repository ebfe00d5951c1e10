"""Units that ended in a reorganisation: what their users are told, and what they may do.

An ended unit's records stay readable; entering figures, registering, importing and
submitting for any day after its end are refused with one message (``UnitEnded``, shown
as a page by ``kiemsat.org.middleware``), and the actions are not offered in the first
place. Successors come from the succession records; whether one is a link is the access
gate's answer (``Access.can_read``), never a rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, QuerySet, Value, When

from kiemsat.lib.vn import short_date
from kiemsat.org.access import AnyUser, access_for
from kiemsat.org.models import Membership, Role, Succession, Unit

# The unit and partner that import templates, hints and API docs give as examples: they
# must exist today (a test holds them to it), so a user never copies an ended code.
EXAMPLE_UNIT_CODE = "QUANG-NINH"
EXAMPLE_PARTNER_CODE = "UBND-QUANG-NINH"


@dataclass(frozen=True)
class Successor:
    unit: Unit
    since: date
    readable: bool


@dataclass(frozen=True)
class EndedUnit:
    """One of the user's own units that has ended, with who took its work over."""

    unit: Unit
    successors: tuple[Successor, ...]

    @property
    def ended_on(self) -> date:
        assert self.unit.valid_to is not None
        return self.unit.valid_to


def ended_units_of(user: AnyUser | None, today: date) -> list[EndedUnit]:
    """The user's own units (memberships) that ended before ``today``."""
    if user is None or not user.is_authenticated:
        return []
    units = [
        m.unit
        for m in Membership.objects.filter(user=user, unit__valid_to__lt=today)
        .select_related("unit")
        .order_by("unit__name_folded")
    ]
    if not units:
        return []
    access = access_for(user)
    links = Succession.objects.filter(predecessor__in=units).select_related("successor")
    by_unit: dict[int, list[Successor]] = {}
    for link in links.order_by("date", "successor__name_folded"):
        successor = Successor(link.successor, link.date, access.can_read(link.successor_id))
        by_unit.setdefault(link.predecessor_id, []).append(successor)
    return [EndedUnit(unit, tuple(by_unit.get(unit.pk, []))) for unit in units]


def ended_mark(unit: Unit) -> str:
    return f"đã kết thúc {short_date(unit.valid_to)}"


def choice_label(unit: Unit, today: date) -> str:
    """A unit's name in a choice list: "VKSND thành phố Hạ Long (đã kết thúc 30/06/2025)"."""
    return f"{unit.name} ({ended_mark(unit)})" if unit.has_ended(today) else unit.name


def choice_order(units: QuerySet[Unit], today: date) -> QuerySet[Unit]:
    """Active units first, then ended ones; by name within each."""
    ended = Case(
        When(valid_to__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return units.annotate(choice_ended=ended).order_by("choice_ended", "name_folded")


class UnitEnded(Exception):
    """An action on behalf of units that no longer exist."""

    def __init__(self, units: list[Unit], action: str):
        self.units = units
        self.action = action
        super().__init__(self.message)

    @property
    def message(self) -> str:
        names = ", ".join(
            f"{u.name} đã kết thúc hoạt động từ {short_date(u.valid_to)}" for u in self.units
        )
        return f"{names}: không thể {self.action}."


def refuse_if_ended(unit: Unit, day: date, action: str) -> None:
    """Refuse ``action`` for ``unit`` on a ``day`` after the unit's end."""
    if unit.has_ended(day):
        raise UnitEnded([unit], action)


def live_unit_ids(user: AnyUser, today: date, need: Role = Role.STAFF) -> set[int]:
    """Units the user holds ``need`` on and that still exist ``today``."""
    ids = access_for(user).unit_ids(need)
    ended = Unit.objects.filter(pk__in=ids, valid_to__lt=today).values_list("pk", flat=True)
    return ids - set(ended)


def require_live_unit(user: AnyUser, today: date, action: str) -> None:
    """Refuse ``action`` when every unit the user may write for has ended."""
    if not user.is_authenticated:
        return
    if access_for(user).unit_ids(Role.STAFF) and not live_unit_ids(user, today):
        own = [m.unit for m in Membership.objects.filter(user=user).select_related("unit")]
        raise UnitEnded([u for u in own if u.has_ended(today)], action)
