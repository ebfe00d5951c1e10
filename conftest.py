"""Shared fixtures: the reference organisation and the named cast, set up once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from kiemsat.demo.cast import ensure_cast
from kiemsat.org.models import Unit


def _ensure_reference() -> None:
    if not Unit.objects.filter(code="VKSTC").exists():
        call_command("seed_reference", stdout=io.StringIO())
    ensure_cast()


MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = MD5


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5):
        _ensure_reference()


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    """Users by username: admin, qn.vientruong, qn.xem, halong.ksv, hagiang.ksv, nguoingoai."""
    _ensure_reference()
    from django.contrib.auth import get_user_model

    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture
def units(db):  # type: ignore[no-untyped-def]
    _ensure_reference()
    return {u.code: u for u in Unit.objects.all()}


def sign_in(client, user):  # type: ignore[no-untyped-def]
    """Sign ``user`` in as after both steps: password, then (if enrolled) the code.

    force_login does the first step only; leaders and admins of the cast are enrolled,
    and the second-factor gate would send them to give a code. Tests of that gate use
    force_login alone."""
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kiemsat.accounts.policy import second_factor_required
    from kiemsat.accounts.services import second_factor_preset

    client.force_login(user)
    if second_factor_required(user):  # a leader a test made: enrolled as the cast is
        second_factor_preset(user=user, key=settings.DEMO_TOTP_KEY)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(client, cast):  # type: ignore[no-untyped-def]
    """client_for("halong.ksv") -> a test client signed in as that person (both factors)."""

    def login(username: str):  # type: ignore[no-untyped-def]
        return sign_in(client, cast[username])

    return login


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    """Tests write figures directly (no audit row): no cached page may outlive a test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
