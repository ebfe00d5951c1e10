"""Every admin write runs in one transaction with its audit row, through the real pages.

``transaction=True``: Django wraps the change and delete pages in a transaction of its own
but not the changelist's actions; only without the test's wrapping transaction does a
write outside any transaction show (audit.record() refuses it: a 500).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from kiemsat.audit.models import AuditEntry
from kiemsat.lib.tests.html import form_data
from kiemsat.org.models import (
    CalendarDay,
    Cluster,
    ClusterKind,
    DayKind,
    Level,
    Membership,
    Partner,
    PartnerKind,
    Role,
    Succession,
    SuccessionKind,
    Unit,
)
from kiemsat.oversight.models import DeadlineRule, Event

READ_ONLY = {"audit.auditentry", "agreements.instrument", "oversight.intervention"}
ACCESS = {"user_agent": "thu", "ip_address": "127.0.0.1", "http_accept": "*/*"}


def _access(model: type[Model], **extra: Any) -> Model:
    return model.objects.create(username="thu", path_info="/dang-nhap/", **ACCESS, **extra)


MAKERS: dict[str, Callable[[dict[str, Any], dict[str, Unit]], Model]] = {
    "org.unit": lambda cast, units: Unit.objects.create(
        code="thu-xoa", name="Đơn vị thử", level=Level.LOCAL, parent=units["QUANG-NINH"]
    ),
    "org.succession": lambda cast, units: Succession.objects.create(
        predecessor=units["HA-GIANG"],
        successor=units["QUANG-NINH"],
        kind=SuccessionKind.RENAME,
        date=date(2025, 7, 1),
    ),
    "org.partner": lambda cast, units: Partner.objects.create(
        code="thu-xoa", name="Cơ quan thử", kind=PartnerKind.COURT
    ),
    "org.cluster": lambda cast, units: Cluster.objects.create(
        code="thu-xoa", name="Cụm thử", kind=ClusterKind.LOCAL
    ),
    "org.membership": lambda cast, units: Membership.objects.create(
        user=cast["nguoingoai"], unit=units["HA-GIANG"], role=Role.VIEWER
    ),
    "org.calendarday": lambda cast, units: CalendarDay.objects.create(
        day=date(2031, 1, 6), kind=DayKind.DAY_OFF, note="Thử"
    ),
    "oversight.deadlinerule": lambda cast, units: DeadlineRule.objects.create(
        code="thu-xoa", name="Quy tắc thử", legal_basis="Điều thử", days=5, event=Event.ISSUED
    ),
    "auth.user": lambda cast, units: get_user_model().objects.create(username="thu.xoa"),
    "auth.group": lambda cast, units: Group.objects.create(name="Nhóm thử"),
    "axes.accessattempt": lambda cast, units: _access(
        AccessAttempt, get_data="", post_data="", failures_since_start=1
    ),
    "axes.accesslog": lambda cast, units: _access(AccessLog),
    "axes.accessfailurelog": lambda cast, units: _access(AccessFailureLog),
}

ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def _url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _audited(obj: Model, action: str) -> bool:
    return AuditEntry.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).exists()


@pytest.fixture
def sector_admin(client: Client, cast: dict[str, Any]) -> Client:
    return sign_in(client, cast["admin"])


WRITABLE = [m for m, _ in ADMINS if m._meta.label_lower not in READ_ONLY]


@pytest.fixture(params=WRITABLE, ids=lambda m: m._meta.label_lower)
def row(request: Any, cast: dict[str, Any], units: dict[str, Unit]) -> Model:
    """A fresh row for each admin that can write (a new admin needs a maker in MAKERS)."""
    label = request.param._meta.label_lower
    assert label in MAKERS, f"{label}: a new admin needs a row maker here"
    return MAKERS[label](cast, units)


@pytest.mark.django_db(transaction=True)
def test_bulk_delete_is_one_transaction_with_its_audit_rows(
    row: Model, sector_admin: Client
) -> None:
    response = sector_admin.post(
        _url(type(row), "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not type(row)._default_manager.filter(pk=row.pk).exists()
    assert _audited(row, "admin.delete")


@pytest.mark.django_db(transaction=True)
def test_save_from_the_change_page_writes_an_audit_row(row: Model, sector_admin: Client) -> None:
    url = _url(type(row), "change", row.pk)
    page = sector_admin.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), f"{row._meta.model_name}_form")
    response = sector_admin.post(url, {**data, "_save": ["Lưu"]})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _audited(row, "admin.change")


@pytest.mark.django_db(transaction=True)
def test_read_only_admins_offer_no_delete(sector_admin: Client) -> None:
    for model, model_admin in ADMINS:
        if model._meta.label_lower in READ_ONLY:
            page = sector_admin.get(_url(model, "changelist"))
            assert page.status_code == 200
            assert "delete_selected" not in model_admin.get_actions(page.wsgi_request)


def test_a_new_account_is_audited_without_its_password(sector_admin: Client) -> None:
    secret = "Mat-khau-rat-dai-2026"
    response = sector_admin.post(
        reverse("admin:auth_user_add"),
        {"username": "ksv.moi", "usable_password": "true"}
        | {"password1": secret, "password2": secret},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="ksv.moi")
    entry = AuditEntry.objects.get(action="admin.create", object_id=str(user.pk))
    assert entry.object_type == "auth.user"
    assert entry.changes["password1"] == "***"
    assert secret not in str(entry.changes)
