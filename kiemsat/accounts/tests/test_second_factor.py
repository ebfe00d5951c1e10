"""Two-factor sign-in: enrolment, codes, recovery codes, lockout, who is forced."""

from __future__ import annotations

import re
from binascii import unhexlify
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiemsat.accounts import services
from kiemsat.accounts.views import PENDING_KEY
from kiemsat.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 2, 16, 8, 30, tzinfo=HCM)  # the working Monday before Tết Bính Ngọ
VERIFY = reverse("second_factor_verify")
ENROL = reverse("second_factor_enrol")


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def code_for(key: str) -> str:
    return f"{TOTP(unhexlify(key)).token():06d}"


def demo_code() -> str:
    return code_for(settings.DEMO_TOTP_KEY)


def wrong_code() -> str:
    return f"{(int(demo_code()) + 500_000) % 1_000_000:06d}"


def password_only(user: Any) -> Client:
    """Signed in with the password step only, as right after the login form."""
    client = Client()
    client.force_login(user)
    return client


def audit(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def failures(username: str) -> int:
    attempt = AccessAttempt.objects.filter(username=username).first()
    return attempt.failures_since_start if attempt else 0


# --- who is forced ------------------------------------------------------------------------

PAGES = ["home", "unit_tree", "instrument_list", "intervention_list", "account"]


def test_an_enrolled_leader_reaches_no_page_before_the_code(cast) -> None:  # type: ignore[no-untyped-def]
    client = password_only(cast["qn.vientruong"])
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == f"{VERIFY}?next={reverse(name).replace('/', '%2F')}"
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("indicator_dashboard"))["Location"].startswith(VERIFY)
    api = client.get(reverse("api:instruments"))
    assert api.status_code == 401
    assert api.json() == {"detail": "Cần xác thực hai lớp trên trang web trước khi dùng API."}

    response = client.post(VERIFY, {"code": demo_code(), "next": reverse("instrument_list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("instrument_list")
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert not client.get(reverse("indicator_dashboard"))["Location"].startswith(VERIFY)
    assert client.get(reverse("api:instruments")).status_code == 200
    assert failures("qn.vientruong") == 0


def test_an_admin_not_enrolled_is_sent_to_enrolment(cast) -> None:  # type: ignore[no-untyped-def]
    TOTPDevice.objects.filter(user=cast["admin"]).delete()
    StaticDevice.objects.filter(user=cast["admin"]).delete()
    client = password_only(cast["admin"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL + "?next=")
    page = client.get(response["Location"])
    assert "phải đăng nhập bằng mật khẩu và mã xác thực" in page.content.decode()


def test_a_staff_member_without_second_factor_is_not_forced(cast) -> None:  # type: ignore[no-untyped-def]
    client = password_only(cast["halong.ksv"])
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("api:instruments")).status_code == 200
    assert client.get(VERIFY)["Location"] == ENROL  # nothing to verify: offered enrolment
    assert "Bật xác thực hai lớp" in client.get(reverse("account")).content.decode()


# --- enrolment ----------------------------------------------------------------------------


def test_enrolment_shows_qr_and_key_confirms_with_a_code_then_shows_codes_once(cast) -> None:  # type: ignore[no-untyped-def]
    leader = cast["qn.vientruong"]
    TOTPDevice.objects.filter(user=leader).delete()
    StaticDevice.objects.filter(user=leader).delete()
    client = password_only(leader)
    assert client.get(reverse("home"))["Location"] == f"{ENROL}?next=%2F"

    page = client.get(ENROL).content.decode()
    key = client.session[PENDING_KEY]
    assert '<svg width="' in page and 'class="segno"' in page
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)
    assert secret is not None and len(secret.group(1).replace(" ", "")) == 32
    assert client.get(ENROL).content.decode().count(secret.group(1)) == 1  # same key on reload

    before = AuditEntry.objects.count()
    refused = client.post(ENROL, {"code": "123456"})
    assert refused.status_code == 200
    assert services.WRONG_CODE in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticToken.objects.filter(device__user=leader).exists()
    assert AuditEntry.objects.count() == before

    enrolments = audit("accounts.second_factor_enrol")
    shown = client.post(ENROL, {"code": code_for(key), "next": "/"})
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", shown.content.decode())
    assert len(codes) == services.RECOVERY_CODES == len(set(codes))
    stored = set(StaticToken.objects.filter(device__user=leader).values_list("token", flat=True))
    assert stored == {c.replace("-", "") for c in codes}
    device = TOTPDevice.objects.get(user=leader)
    assert device.confirmed and device.key == key
    assert audit("accounts.second_factor_enrol") == enrolments + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.actor == leader and entry.changes == {"username": "qn.vientruong"}
    assert PENDING_KEY not in client.session
    assert client.get(reverse("home")).status_code == 200  # verified by the enrolment
    again = client.get(reverse("account")).content.decode()
    assert codes[0] not in again and "Còn 10 mã dự phòng" in again


def test_a_staff_member_may_enrol_and_is_then_asked_for_codes(cast) -> None:  # type: ignore[no-untyped-def]
    ksv = cast["halong.ksv"]
    client = password_only(ksv)
    client.get(ENROL)
    client.post(ENROL, {"code": code_for(client.session[PENDING_KEY])})
    assert TOTPDevice.objects.filter(user=ksv, confirmed=True).exists()
    later = password_only(ksv)
    assert later.get(reverse("home"))["Location"] == f"{VERIFY}?next=%2F"


# --- verification -------------------------------------------------------------------------


def test_a_wrong_code_is_refused_with_a_message_and_counted(cast) -> None:  # type: ignore[no-untyped-def]
    client = password_only(cast["qn.vientruong"])
    response = client.post(VERIFY, {"code": wrong_code()})
    assert response.status_code == 200
    assert services.WRONG_CODE in response.content.decode()
    assert failures("qn.vientruong") == 1
    assert client.get(reverse("home")).status_code == 302
    assert "code=" not in AccessAttempt.objects.get(username="qn.vientruong").post_data.replace(
        "code=********************", ""
    )
    empty = client.post(VERIFY, {"code": ""})
    assert "Nhập mã xác thực." in empty.content.decode()


def test_a_code_is_accepted_once(cast, frozen) -> None:  # type: ignore[no-untyped-def]
    code = demo_code()
    assert password_only(cast["qn.vientruong"]).post(VERIFY, {"code": code}).status_code == 302
    replay = password_only(cast["qn.vientruong"]).post(VERIFY, {"code": code})
    assert replay.status_code == 200 and services.WRONG_CODE in replay.content.decode()
    frozen.shift(timedelta(seconds=30))
    assert (
        password_only(cast["qn.vientruong"]).post(VERIFY, {"code": demo_code()}).status_code == 302
    )


def test_a_recovery_code_works_once_and_is_audited(cast) -> None:  # type: ignore[no-untyped-def]
    leader = cast["qn.vientruong"]
    codes = services.recovery_codes_renew(actor=leader, user=leader)
    typed = f" {codes[0][:4].upper()}-{codes[0][4:]} "
    client = password_only(leader)
    response = client.post(VERIFY, {"code": typed})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=leader).count() == services.RECOVERY_CODES - 1
    assert audit("accounts.recovery_code_use") == 1
    entry = AuditEntry.objects.get(action="accounts.recovery_code_use")
    assert entry.actor == leader and entry.changes["remaining"] == 9

    again = password_only(leader).post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200 and services.WRONG_CODE in again.content.decode()
    assert audit("accounts.recovery_code_use") == 1
    assert failures("qn.vientruong") == 1


def test_wrong_codes_lock_the_account_out(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True  # the demo password signs in
    client = password_only(cast["qn.vientruong"])
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(VERIFY, {"code": wrong_code()}).status_code == 200
    locked = client.post(VERIFY, {"code": wrong_code()})
    assert locked.status_code == 429
    assert "tạm bị khóa" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # signed out
    login = {"username": "qn.vientruong", "password": settings.DEMO_PASSWORD}
    assert Client().post(reverse("login"), login).status_code == 429
    other = Client().post(reverse("login"), {**login, "username": "halong.ksv"})
    assert other.status_code == 302  # the lock is per account


def test_a_correct_password_does_not_clear_wrong_codes(cast, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    login = {"username": "qn.vientruong", "password": settings.DEMO_PASSWORD}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client = Client()
        assert client.post(reverse("login"), login).status_code == 302
        assert client.post(VERIFY, {"code": wrong_code()}).status_code == 200
    assert failures("qn.vientruong") == settings.AXES_FAILURE_LIMIT - 1
    client = Client()
    client.post(reverse("login"), login)
    assert client.post(VERIFY, {"code": wrong_code()}).status_code == 429


def test_a_right_code_clears_the_count(cast, settings) -> None:  # type: ignore[no-untyped-def]
    client = password_only(cast["qn.vientruong"])
    client.post(VERIFY, {"code": wrong_code()})
    assert failures("qn.vientruong") == 1
    assert client.post(VERIFY, {"code": demo_code()}).status_code == 302
    assert failures("qn.vientruong") == 0


def test_verify_sends_back_only_to_this_site(cast) -> None:  # type: ignore[no-untyped-def]
    client = password_only(cast["qn.vientruong"])
    response = client.post(VERIFY, {"code": demo_code(), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


# --- the account page: renew, remove ------------------------------------------------------


def test_renewing_recovery_codes_replaces_them_and_is_audited(client_for, cast) -> None:  # type: ignore[no-untyped-def]
    leader = cast["qn.vientruong"]
    old = set(StaticToken.objects.filter(device__user=leader).values_list("token", flat=True))
    response = client_for("qn.vientruong").post(reverse("recovery_codes_renew"))
    assert response.status_code == 200
    new = set(StaticToken.objects.filter(device__user=leader).values_list("token", flat=True))
    assert len(new) == 10 and not old & new
    assert audit("accounts.recovery_codes_renew") == 1
    refused = client_for("halong.ksv").post(reverse("recovery_codes_renew"))
    assert refused.status_code == 302
    assert audit("accounts.recovery_codes_renew") == 1


def test_removal_takes_a_current_code_and_is_audited(client_for, cast) -> None:  # type: ignore[no-untyped-def]
    leader = cast["qn.vientruong"]
    client = client_for("qn.vientruong")
    remove = reverse("second_factor_remove")
    assert client.post(remove, {"code": wrong_code()}).status_code == 302
    assert TOTPDevice.objects.filter(user=leader).exists()
    assert audit("accounts.second_factor_remove") == 0
    assert failures("qn.vientruong") == 1
    assert client.get(remove).status_code == 405

    assert client.post(remove, {"code": demo_code()})["Location"] == reverse("account")
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticDevice.objects.filter(user=leader).exists()
    entry = AuditEntry.objects.get(action="accounts.second_factor_remove")
    assert entry.actor == leader and entry.changes == {
        "username": "qn.vientruong",
        "by": "qn.vientruong",
    }
    # a leader without a second factor is sent to set one up again
    assert client.get(reverse("home"))["Location"] == f"{ENROL}?next=%2F"
