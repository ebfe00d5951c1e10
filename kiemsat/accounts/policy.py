"""Who must sign in with a second factor."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from kiemsat.org.access import access_for
from kiemsat.org.models import Role


def second_factor_required(user) -> bool:  # type: ignore[no-untyped-def]
    """Leaders of any unit, sector admins, and whoever can open the admin site."""
    if user.is_staff or user.is_superuser:
        return True
    access = access_for(user)
    return access.sector_admin or bool(access.unit_ids(Role.LEADER))


def second_factor_enrolled(user) -> bool:  # type: ignore[no-untyped-def]
    """Whether the user has an authenticator (recovery codes come and go with it).

    One indexed query, asked on each request of a user who has not given a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
