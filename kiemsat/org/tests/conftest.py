"""Fixtures of the org tests."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test.utils import override_settings

from kiemsat.org.tests.scoping import HA_GIANG, HA_LONG, build_world


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Both units' worlds, built once for a module's tests: each test runs in its own
    transaction inside the one that holds them, so what a test writes is undone before the
    next; the worlds themselves are undone when the module's tests are over. (A removed
    file is removed when its transaction commits, which no test's does.)"""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        yield {code: build_world(code) for code in (HA_GIANG, HA_LONG)}
        transaction.set_rollback(True)
