"""Writes to the organisation; each one audited in its own transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from kiemsat.audit.services import record
from kiemsat.org.access import check
from kiemsat.org.models import Membership, Role, Unit


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
    membership.full_clean()
    membership.save()
    record(
        actor=actor,
        action="org.membership_add",
        obj=membership,
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
