"""What the account page shows about the user's own sign-in."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from typing import Any
from urllib.parse import quote, urlencode

import segno
from axes.models import AccessLog
from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_of(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def remaining_recovery_codes(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recent_sign_ins(user: Any, limit: int = 5) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(username=user.username).order_by("-attempt_time")[:limit]


def key_text(key: str) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    b32 = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def provisioning_uri(user: Any, key: str) -> str:
    issuer = settings.OTP_TOTP_ISSUER
    query = urlencode({"secret": key_text(key).replace(" ", ""), "issuer": issuer, "digits": 6})
    return f"otpauth://totp/{quote(issuer)}:{quote(user.username)}?{query}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no image file, nothing fetched)."""
    return str(segno.make(uri, error="m").svg_inline(scale=5, title="Mã QR để thêm vào ứng dụng"))
