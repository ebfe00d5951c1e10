"""The gate: roles, scope below, takeovers through mergers, and deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kiemsat.org.access import access_for, check, compute_access
from kiemsat.org.models import Membership, Role
from kiemsat.org.selectors import is_below, visible_units

pytestmark = pytest.mark.django_db


def test_staff_holds_role_on_own_unit_only(cast, units):
    access = compute_access(cast["halong.ksv"])
    assert access.role(units["QUANG-NINH-HA-LONG"].pk) == Role.STAFF
    assert not access.can_read(units["QUANG-NINH"].pk)
    assert not access.can_read(units["HA-GIANG"].pk)


def test_leader_of_parent_leads_children_too(cast, units):
    access = compute_access(cast["qn.vientruong"])
    assert access.role(units["QUANG-NINH"].pk) == Role.LEADER
    assert access.role(units["QUANG-NINH-HA-LONG"].pk) == Role.LEADER


def test_viewer_reads_children_but_cannot_write(cast, units):
    user = cast["qn.xem"]
    check(user, units["QUANG-NINH-HA-LONG"].pk)
    with pytest.raises(PermissionDenied):
        check(user, units["QUANG-NINH-HA-LONG"].pk, write=True)
    with pytest.raises(Http404):
        check(user, units["HA-GIANG"].pk)


def test_outsider_sees_nothing(cast):
    assert visible_units(cast["nguoingoai"]).count() == 0
    with pytest.raises(Http404):
        check(cast["nguoingoai"], None)


def test_successor_inherits_predecessors_records(cast, units):
    user = cast["nguoingoai"]
    Membership.objects.create(user=user, unit=units["TUYEN-QUANG-2025"], role=Role.STAFF)
    access = compute_access(user)
    assert access.role(units["HA-GIANG"].pk) == Role.STAFF
    assert access.role(units["TUYEN-QUANG"].pk) == Role.STAFF
    assert not access.can_read(units["QUANG-NINH"].pk)


def test_sector_admin_reads_and_writes_everything(cast, units):
    access = access_for(cast["admin"])
    assert access.sector_admin
    assert access.has(units["HA-GIANG"].pk, Role.LEADER)
    assert len(access.unit_ids()) == len(units)


def test_access_is_computed_once_per_user_object(cast, django_assert_num_queries):
    user = cast["halong.ksv"]
    access_for(user)
    with django_assert_num_queries(0):
        access_for(user)


def test_check_deploy_is_clean_with_production_settings():
    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(
        SECRET_KEY="x" * 20 + "-production-like-secret-key-0123456789",
        ALLOWED_HOSTS="kiemsat.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_refuses_to_sign():
    root = Path(__file__).resolve().parents[3]
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SECRET_KEY"}}
    code = (
        "import django; django.setup()\n"
        "from django.core import signing\n"
        "try:\n    signing.dumps('x')\nexcept Exception as exc:\n    print(type(exc).__name__)\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", code],
        cwd=root,
        env={**env, "DJANGO_SETTINGS_MODULE": "kiemsat.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == "ImproperlyConfigured", result.stderr


def test_is_below_walks_the_whole_tree_without_a_query_per_level(
    units, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    ha_long, province = units["QUANG-NINH-HA-LONG"].pk, units["QUANG-NINH"].pk
    cases = [
        (ha_long, province, True),
        (ha_long, units["VKSTC"].pk, True),
        (ha_long, units["HA-GIANG"].pk, False),
        (province, ha_long, False),
        (province, province, False),
    ]
    is_below(ha_long, province)  # loads the graph once
    for unit, ancestor, expected in cases:
        with django_assert_max_num_queries(2):  # the graph's fingerprint, whatever the depth
            assert is_below(unit, ancestor) is expected
