"""Login, lockout and the demo password rule."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _login(client, password: str, username: str = "halong.ksv"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_demo_password_in_debug(client, cast, settings):
    settings.DEBUG = True
    response = _login(client, "kiemsat-demo")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_message_in_vietnamese(client, cast):
    response = _login(client, "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_lockout_after_repeated_failures(client, cast, settings):
    settings.DEBUG = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "sai-mat-khau")
    response = _login(client, "kiemsat-demo")
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account is not affected
    assert _login(client, "kiemsat-demo", username="qn.xem").status_code == 302


def test_demo_password_refused_when_debug_off(client, cast, settings):
    settings.DEBUG = False
    response = _login(client, "kiemsat-demo")
    assert response.status_code == 200
    assert "Mật khẩu minh họa" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_requires_post(client_for):
    client = client_for("halong.ksv")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
