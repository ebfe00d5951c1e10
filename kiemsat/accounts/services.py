"""Second-factor writes: enrol, verify, renew recovery codes, remove. Each is audited."""

from __future__ import annotations

from binascii import unhexlify
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from kiemsat.accounts.policy import second_factor_enrolled
from kiemsat.audit.services import record

AUTHENTICATOR_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã dự phòng"
RECOVERY_CODES = 10
TOLERANCE = 1  # one 30-second step either side: phones' clocks drift
WRONG_CODE = "Mã xác thực không đúng hoặc đã hết hạn: nhập mã đang hiện trên ứng dụng."


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def new_key() -> str:
    """A fresh TOTP secret, 20 random bytes in hex (django-otp's storage format)."""
    return random_hex(20)


def normalise(code: str) -> str:
    """What the user typed, without spaces or dashes, in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def matching_step(key: str, code: str, *, after: int = -1) -> int | None:
    """The time step at which ``code`` is the key's TOTP code (within the tolerance), if any."""
    code = normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(unhexlify(key))
    return totp.t() if totp.verify(int(code), TOLERANCE, after + 1) else None


@transaction.atomic
def second_factor_enrol(*, actor: Any, user: Any, key: str, code: str) -> Enrolment:
    """Turn on the second factor once the user shows a code from their new authenticator."""
    step = matching_step(key, code)
    if step is None:
        raise ValidationError({"code": WRONG_CODE})
    return _install(actor=actor, user=user, key=key, last_step=step)


@transaction.atomic
def second_factor_preset(*, user: Any, key: str) -> Enrolment | None:
    """Enrol with a known key without a code (the demo cast); nothing if already enrolled."""
    if second_factor_enrolled(user):
        return None
    return _install(actor=None, user=user, key=key, last_step=-1)


def _install(*, actor: Any, user: Any, key: str, last_step: int) -> Enrolment:
    if second_factor_enrolled(user):
        raise ValidationError("Tài khoản này đã bật xác thực hai lớp.")
    device = TOTPDevice(
        user=user,
        name=AUTHENTICATOR_NAME,
        key=key,
        confirmed=True,
        last_t=last_step,
        tolerance=TOLERANCE,
    )
    device.full_clean()
    device.save()
    codes = _new_recovery_codes(user)
    record(actor=actor, action="accounts.second_factor_enrol", obj=user, changes=_who(user))
    return Enrolment(device=device, recovery_codes=codes)


def _new_recovery_codes(user: Any) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor: Any, user: Any) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    if not second_factor_enrolled(user):
        raise ValidationError("Tài khoản này chưa bật xác thực hai lớp.")
    codes = _new_recovery_codes(user)
    record(actor=actor, action="accounts.recovery_codes_renew", obj=user, changes=_who(user))
    return codes


@transaction.atomic
def second_factor_check(*, user: Any, code: str) -> Device | None:
    """The device that accepts ``code``: the authenticator, or a recovery code (used up)."""
    code = normalise(code)
    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if authenticator is not None:
        step = matching_step(authenticator.key, code, after=authenticator.last_t)
        if step is not None:  # a code is accepted once: later ones must be newer
            authenticator.last_t = step
            authenticator.set_last_used_timestamp(commit=False)
            authenticator.save(update_fields=["last_t", "last_used_at"])
            return authenticator
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is None or not code:
        return None
    # Deleting the row is the test: of two requests with one code, only one deletes it.
    used, _ = recovery.token_set.filter(token=code).delete()
    if not used:
        return None
    left = recovery.token_set.count()
    record(
        actor=user,
        action="accounts.recovery_code_use",
        obj=user,
        changes={**_who(user), "remaining": left},
    )
    return recovery


@transaction.atomic
def second_factor_remove(*, actor: Any, user: Any) -> None:
    """Turn the second factor off (lost phone: a new enrolment follows)."""
    if not second_factor_enrolled(user):
        raise ValidationError("Tài khoản này chưa bật xác thực hai lớp.")
    by = getattr(actor, "username", None)
    record(
        actor=actor,
        action="accounts.second_factor_remove",
        obj=user,
        changes={**_who(user), "by": by},
    )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _who(user: Any) -> dict[str, Any]:
    return {"username": user.username}
