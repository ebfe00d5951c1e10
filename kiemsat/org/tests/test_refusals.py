"""One refusal rule in every app (org.access): pages tied to no single unit answer 404 to
someone who sees no unit, 403 with the reason to someone without the staff role, and open
for staff. Objects follow the same rule through their gates (test_url_scoping)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Before Hạ Long ended (30/06/2025): its staff may still enter new records.
BEFORE_MERGER = datetime(2025, 3, 10, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

PAGES = {
    "agreements": ["instrument_create", "instrument_import", "instrument_import_template"],
    "oversight": ["intervention_create", "intervention_import", "intervention_template"],
    "meetings": ["conference_create"],
    "ingest": ["article_create", "press_create"],
    "indicators": ["figures_upload"],
}
CASES = [(app, name) for app, names in PAGES.items() for name in names]


@pytest.mark.parametrize(("app", "name"), CASES)
@time_machine.travel(BEFORE_MERGER, tick=False)
def test_no_unit_is_404_no_role_is_403_staff_is_200(client_for, app, name) -> None:  # type: ignore[no-untyped-def]
    url = reverse(name)
    assert client_for("nguoingoai").get(url).status_code == 404
    refused = client_for("qn.xem").get(url)
    assert refused.status_code == 403
    assert "không có quyền" in refused.content.decode()
    assert client_for("halong.ksv").get(url).status_code == 200
