"""The demo cast: the same named people the tests use."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from kiemsat.accounts.services import second_factor_preset
from kiemsat.audit.services import record
from kiemsat.org.models import Membership, Role, Unit


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    unit_code: str | None
    role: Role | None
    title: str


CAST: tuple[Person, ...] = (
    Person("admin", "Quản trị", "Ngành", "VKSTC", Role.ADMIN, "Quản trị hệ thống"),
    Person("qn.vientruong", "Hùng", "Trần Văn", "QUANG-NINH", Role.LEADER, "Viện trưởng"),
    Person("qn.xem", "Lan", "Nguyễn Thị", "QUANG-NINH", Role.VIEWER, "Kiểm tra viên"),
    Person("halong.ksv", "Minh", "Phạm Đức", "QUANG-NINH-HA-LONG", Role.STAFF, "Kiểm sát viên"),
    Person("hagiang.ksv", "Thảo", "Lò Thị", "HA-GIANG", Role.STAFF, "Kiểm sát viên"),
    Person("nguoingoai", "Bình", "Lê Văn", None, None, ""),
)


# Who must sign in with a second factor; the demo enrols them with settings.DEMO_TOTP_KEY.
SECOND_FACTOR_ROLES = (Role.LEADER, Role.ADMIN)


@transaction.atomic
def ensure_cast(password: str | None = None) -> dict[str, AbstractUser]:
    """Create the cast if missing (idempotent); returns users by username.

    Leaders and the admin are enrolled in the second factor with the demo key."""
    password = password or settings.DEMO_PASSWORD
    users: dict[str, AbstractUser] = {}
    user_model = get_user_model()
    for person in CAST:
        user, created = user_model.objects.get_or_create(
            username=person.username,
            defaults={"first_name": person.first_name, "last_name": person.last_name},
        )
        if created:
            user.set_password(password)
            if person.role == Role.ADMIN:
                user.is_staff = True
                user.is_superuser = True
            user.save()
            record(actor=None, action="demo.user_create", obj=user)
        if person.unit_code:
            unit = Unit.objects.get(code=person.unit_code)
            membership, made = Membership.objects.get_or_create(
                user=user, unit=unit, defaults={"role": str(person.role), "title": person.title}
            )
            if made:
                record(
                    actor=None,
                    action="org.membership_create",
                    obj=membership,
                    unit_id=unit.pk,
                    changes={"role": str(person.role)},
                )
        if person.role in SECOND_FACTOR_ROLES:
            second_factor_preset(user=user, key=settings.DEMO_TOTP_KEY)
        users[person.username] = user
    return users
