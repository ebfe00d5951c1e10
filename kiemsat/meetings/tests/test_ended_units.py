"""Users of a unit that ended are not offered, nor allowed, a new conference."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kiemsat.audit.models import AuditEntry
from kiemsat.meetings.models import Conference

pytestmark = pytest.mark.django_db

AFTER_END = datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
BEFORE_END = datetime(2025, 6, 16, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_an_ended_units_staff_get_no_new_conference(client_for) -> None:  # type: ignore[no-untyped-def]
    before = (AuditEntry.objects.count(), Conference.objects.count())
    with time_machine.travel(AFTER_END, tick=False):
        client = client_for("halong.ksv")
        page = client.get(reverse("conference_list")).content.decode()
        create = client.post(reverse("conference_create"), {"title": "x"})
    assert reverse("conference_create") not in page
    assert create.status_code == 409
    assert "đã kết thúc hoạt động" in create.content.decode()
    assert (AuditEntry.objects.count(), Conference.objects.count()) == before


def test_before_the_end_the_same_staff_may_record_one(client_for) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(BEFORE_END, tick=False):
        page = client_for("halong.ksv").get(reverse("conference_list")).content.decode()
    assert reverse("conference_create") in page
