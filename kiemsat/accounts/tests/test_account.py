"""Sessions, passwords, memberships and the sign-in records in the admin."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiemsat.audit.models import AuditEntry
from kiemsat.org.models import Membership
from kiemsat.org.services import membership_remove

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 11, 30, 16, 0, tzinfo=HCM)  # the last afternoon of work year 2025


def test_a_session_ends_after_four_idle_hours_not_while_in_use(client_for) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as clock:
        client = client_for("halong.ksv")
        home = reverse("home")
        assert client.get(home).status_code == 200
        for _ in range(3):  # a long working day: a request every three hours
            clock.shift(timedelta(hours=3))
            assert client.get(home).status_code == 200
        clock.shift(timedelta(hours=3, minutes=59))
        assert client.get(home).status_code == 200
        clock.shift(timedelta(hours=4, minutes=1))  # into 1/12, the new work year
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_member_removed_from_a_unit_loses_access_at_the_next_request(
    client_for, cast, units
) -> None:  # type: ignore[no-untyped-def]
    ha_long = units["QUANG-NINH-HA-LONG"]
    page = reverse("unit_detail", args=[ha_long.pk])
    client = client_for("halong.ksv")
    assert client.get(page).status_code == 200
    membership = Membership.objects.get(user=cast["halong.ksv"], unit=ha_long)
    membership_remove(actor=cast["qn.vientruong"], membership=membership)
    assert client.get(page).status_code == 404
    assert client.get(reverse("intervention_list")).status_code == 200  # signed in, no rows


def test_a_leader_removed_keeps_the_second_factor_he_enrolled(client_for, cast, units) -> None:  # type: ignore[no-untyped-def]
    leader = cast["qn.vientruong"]
    Membership.objects.filter(user=leader).delete()
    client = Client()
    client.force_login(leader)
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_verify"))
    TOTPDevice.objects.filter(user=leader).delete()
    StaticDevice.objects.filter(user=leader).delete()
    assert client.get(reverse("home")).status_code == 200  # no longer a leader: not forced


def test_password_rules_speak_vietnamese_and_change_nothing(client_for, cast) -> None:  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    for weak, message in [
        ("Vks-2026", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("12345678901", "Mật khẩu này hoàn toàn là số."),
        ("halong.ksv1", "Mật khẩu quá giống với Tên đăng nhập."),
    ]:
        response = client.post(
            reverse("password_change"),
            {"old_password": "kiemsat-demo", "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200
        assert message in response.content.decode(), weak
    user = get_user_model().objects.get(username="halong.ksv")
    assert user.check_password("kiemsat-demo")
    assert "ít nhất 10 ký tự" in client.get(reverse("password_change")).content.decode()


def test_the_admin_lists_sign_ins_and_lockouts_in_vietnamese(client_for, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    Client().post(reverse("login"), {"username": "halong.ksv", "password": "kiemsat-demo"})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": "hagiang.ksv", "password": "sai-mat-khau"})
    admin = client_for("admin")
    sign_ins = admin.get(reverse("admin:axes_accesslog_changelist")).content.decode()
    assert "Các lần đăng nhập" in sign_ins and "halong.ksv" in sign_ins
    assert "Đăng nhập và khóa tài khoản" in admin.get(reverse("admin:index")).content.decode()
    locks = admin.get(reverse("admin:axes_accessattempt_changelist"), {"locked_out": "yes"})
    text = locks.content.decode()
    assert "Đăng nhập sai và khóa tài khoản" in text and "hagiang.ksv" in text
    assert "Đang bị khóa" in text
    assert AccessAttempt.objects.get(username="hagiang.ksv").failures_since_start == 5


def test_an_admin_turns_off_a_lost_second_factor_with_an_audit_row(client_for, cast) -> None:  # type: ignore[no-untyped-def]
    leader = cast["qn.vientruong"]
    admin = client_for("admin")
    listing = admin.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Xác thực hai lớp" in listing
    response = admin.post(
        reverse("admin:auth_user_changelist"),
        {"action": "remove_second_factor", "_selected_action": [leader.pk, cast["halong.ksv"].pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=leader).exists()
    entry = AuditEntry.objects.get(action="accounts.second_factor_remove")
    assert entry.actor == cast["admin"] and entry.changes["by"] == "admin"
    assert entry.object_id == str(leader.pk)


def test_the_viewer_cannot_reach_the_admin_pages(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("qn.xem").get(reverse("admin:axes_accesslog_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
