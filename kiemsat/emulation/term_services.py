"""Writes of a cluster's year: who leads it (DOMAIN §4: the leader rotates, no unit leads
the same cluster two years running, and a unit not considered for emulation the year
before can be neither leader nor deputy), its covenant and who is left out. Atomic,
validated before saving, audited in the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kiemsat.agreements.models import Instrument, InstrumentKind
from kiemsat.audit.services import record, save_recorded
from kiemsat.emulation import selectors
from kiemsat.emulation.models import Exclusion, TermRecord
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.vn import sort_key
from kiemsat.org.models import Cluster, ClusterTerm, Unit


def _name(unit: Unit) -> str:
    return unit.short_name or unit.name


def officer_problems(
    cluster: Cluster, year: int, leader: Unit | None, deputy: Unit | None
) -> dict[str, str]:
    """Why ``leader``/``deputy`` cannot serve the cluster in ``year`` (field → message)."""
    errors: dict[str, str] = {}
    previous = ClusterTerm.objects.filter(cluster=cluster, year=year - 1).first()
    if leader is not None and previous is not None and previous.leader_id == leader.pk:
        errors["leader"] = (
            f"{_name(leader)} đã là cụm trưởng năm {year - 1}: cụm trưởng luân phiên, "
            "không đơn vị nào làm cụm trưởng hai năm liền."
        )
    left_out = set(Exclusion.objects.filter(term__year=year - 1).values_list("unit_id", flat=True))
    for field, unit, title in (("leader", leader, "cụm trưởng"), ("deputy", deputy, "cụm phó")):
        if unit is not None and unit.pk in left_out and field not in errors:
            errors[field] = (
                f"{_name(unit)} không được xét thi đua năm {year - 1} nên không thể làm {title} "
                f"năm {year}."
            )
    if leader is not None and deputy is not None and leader.pk == deputy.pk:
        errors["deputy"] = "Cụm phó phải khác cụm trưởng."
    return errors


def _require_open(term: ClusterTerm) -> None:
    if selectors.is_locked(term):
        raise ValidationError(
            f"Điểm thi đua năm {term.year} của cụm đã được duyệt và khóa; không sửa được."
        )


def _require_approver(actor: Any, term: ClusterTerm) -> None:
    if actor is not None and not selectors.can_approve(actor, term):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị quản lý cụm được thực hiện thao tác này.")


def _term_record(term: ClusterTerm) -> TermRecord:
    record_ = TermRecord.objects.select_for_update().filter(term=term).first()
    return record_ or TermRecord(term=term)


@transaction.atomic
def term_set_officers(
    *, actor: Any, term: ClusterTerm, leader: Unit | None, deputy: Unit | None
) -> ClusterTerm:
    """Name the year's leader and deputy, both members, under the two rules."""
    _require_approver(actor, term)
    members = {m.pk for m in term.members.all()}
    errors = officer_problems(term.cluster, term.year, leader, deputy)
    for field, unit in (("leader", leader), ("deputy", deputy)):
        if unit is not None and unit.pk not in members:
            errors[field] = f"{_name(unit)} không phải thành viên của cụm năm {term.year}."
    if errors:
        raise ValidationError(errors)
    old = {"leader": term.leader_id, "deputy": term.deputy_id}
    term.leader, term.deputy = leader, deputy
    term.full_clean()
    term.save(update_fields=["leader", "deputy"])
    new = {"leader": term.leader_id, "deputy": term.deputy_id}
    changes = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
    record(actor=actor, action="emulation.term_set_officers", obj=term, changes=changes)
    return term


def proposed_leader(cluster: Cluster, year: int, members: Iterable[Unit]) -> Unit | None:
    """The next leader in rotation: the member after last year's leader in name order,
    skipping any unit the rules refuse."""
    ordered = sorted(members, key=lambda u: sort_key(_name(u)))
    previous = ClusterTerm.objects.filter(cluster=cluster, year=year - 1).first()
    start = 0
    if previous is not None and previous.leader_id is not None:
        codes = [u.pk for u in ordered]
        if previous.leader_id in codes:
            start = codes.index(previous.leader_id) + 1
    for unit in ordered[start:] + ordered[:start]:
        if not officer_problems(cluster, year, unit, None):
            return unit
    return None


@transaction.atomic
def term_create(
    *,
    actor: Any,
    cluster: Cluster,
    year: int,
    members: Sequence[Unit],
    leader: Unit | None,
    deputy: Unit | None = None,
) -> ClusterTerm:
    """A cluster's term for ``year`` with its members and officers, under the two rules."""
    term = ClusterTerm(cluster=cluster, year=year, leader=leader, deputy=deputy)
    _require_approver(actor, term)
    if ClusterTerm.objects.filter(cluster=cluster, year=year).exists():
        raise ValidationError(f"Cụm đã có thành phần năm {year}.")
    errors = officer_problems(cluster, year, leader, deputy)
    codes = {u.pk for u in members}
    for field, unit in (("leader", leader), ("deputy", deputy)):
        if unit is not None and unit.pk not in codes and field not in errors:
            errors[field] = f"{_name(unit)} không phải thành viên của cụm năm {year}."
    if errors:
        raise ValidationError(errors)
    term.full_clean()
    term.save()
    term.members.set(members)
    changes = {"members": [u.code for u in members], "leader": term.leader_id}
    record(actor=actor, action="emulation.term_create", obj=term, changes=changes)
    return term


@transaction.atomic
def term_open(*, actor: Any, cluster: Cluster, year: int) -> ClusterTerm:
    """Open the cluster's term for ``year``: last year's members (those still existing),
    the next leader in rotation proposed."""
    previous = ClusterTerm.objects.filter(cluster=cluster, year=year - 1).first()
    if previous is None:
        raise ValidationError(f"Cụm chưa có thành phần năm {year - 1} để sao chép.")
    first_day = MonthRange.work_year(year).first_day()
    members = [u for u in previous.members.all() if u.valid_to is None or u.valid_to >= first_day]
    leader = proposed_leader(cluster, year, members)
    return term_create(actor=actor, cluster=cluster, year=year, members=members, leader=leader)


@transaction.atomic
def covenant_link(*, actor: Any, term: ClusterTerm, instrument: Instrument | None) -> TermRecord:
    """Link the year's covenant (a giao ước thi đua signed by members of the cluster)."""
    _require_approver(actor, term)
    if instrument is not None:
        if instrument.kind != InstrumentKind.COVENANT:
            raise ValidationError({"covenant": "Văn bản được chọn không phải giao ước thi đua."})
        members = {m.pk for m in term.members.all()}
        if not instrument.parties.filter(unit_id__in=members).exists():
            raise ValidationError({"covenant": "Giao ước không có bên ký nào là thành viên cụm."})
    rec = _term_record(term)
    old = rec.covenant_id
    rec.covenant = instrument
    save_recorded(
        rec,
        actor=actor,
        action="emulation.covenant_link",
        on=term,
        changes={"covenant": [old, rec.covenant_id]},
    )
    return rec


@transaction.atomic
def exclusion_record(*, actor: Any, term: ClusterTerm, unit: Unit, reason: str) -> Exclusion:
    """Leave a member out of the year's emulation, with the reason (it is not ranked)."""
    _require_approver(actor, term)
    _require_open(term)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do không xét thi đua."})
    if not term.members.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": f"{_name(unit)} không phải thành viên của cụm."})
    exclusion = Exclusion.objects.filter(term=term, unit=unit).first() or Exclusion(
        term=term, unit=unit
    )
    exclusion.reason = reason
    save_recorded(
        exclusion,
        actor=actor,
        action="emulation.exclusion_record",
        on=term,
        unit_id=unit.pk,
        changes={"unit": unit.code, "reason": reason},
    )
    return exclusion
