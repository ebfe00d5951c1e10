"""Writes to the organisation; each one audited in its own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kiemsat.audit.services import record, save_recorded
from kiemsat.lib.vn import fold
from kiemsat.org.access import access_for, check
from kiemsat.org.models import Membership, Partner, Role, Unit
from kiemsat.org.reference import slug


@transaction.atomic
def membership_add(
    *, actor: Any, unit: Unit, username: str, role: str, title: str = ""
) -> Membership:
    """A leader of the unit (or above) adds a colleague with a role below admin."""
    check(actor, unit.pk, write=True, need=Role.LEADER)
    if role not in Role.values or role == Role.ADMIN:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": f"Không có người dùng '{username}'."})
    if Membership.objects.filter(user=user, unit=unit).exists():
        raise ValidationError({"username": f"'{username}' đã là thành viên của đơn vị này."})
    membership = Membership(user=user, unit=unit, role=role, title=title)
    save_recorded(
        membership,
        actor=actor,
        action="org.membership_add",
        unit_id=unit.pk,
        changes={"username": username, "role": role, "title": title},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Any, membership: Membership) -> None:
    check(actor, membership.unit_id, write=True, need=Role.LEADER)
    record(
        actor=actor,
        action="org.membership_remove",
        obj=membership,
        unit_id=membership.unit_id,
        changes={"username": membership.user.username, "role": membership.role},
    )
    membership.delete()


@transaction.atomic
def partner_register(
    *, actor: Any, name: str, kind: str, province: str = "", short_name: str = ""
) -> Partner:
    """Add an organisation to the shared catalogue of partners (staff of any unit may: a
    partner is reference data, not a unit's record). A name already there is refused."""
    if actor is not None and not access_for(actor).unit_ids(Role.STAFF):
        raise PermissionDenied("Bạn không có quyền thêm cơ quan phối hợp.")
    name = " ".join(name.split())
    folded = fold(name)
    if Partner.objects.filter(name_folded=folded).exists():
        raise ValidationError({"name": f"“{name}” đã có trong danh mục cơ quan phối hợp."})
    code, n = slug(name)[:56] or "CO-QUAN", 1
    while Partner.objects.filter(code=code if n == 1 else f"{code}-{n}").exists():
        n += 1
    partner = Partner(
        code=code if n == 1 else f"{code}-{n}",
        name=name,
        short_name=short_name,
        kind=kind,
        province=province,
        name_folded=folded,
    )
    save_recorded(
        partner,
        actor=actor,
        action="org.partner_register",
        changes={"code": partner.code, "name": name, "kind": kind},
    )
    return partner
