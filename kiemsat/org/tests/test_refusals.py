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
# The two buttons of an import's preview (kiemsat.lib.pending_import), pressed (POST) with
# nothing waiting: staff are told so and sent back (302), nothing is written.
BUTTONS = {
    "agreements": ["instrument_import_confirm", "instrument_import_cancel"],
    "oversight": ["intervention_import_confirm", "intervention_import_cancel"],
    "indicators": ["figures_upload_confirm", "figures_upload_cancel"],
}
CASES = [(app, name, "get") for app, names in PAGES.items() for name in names] + [
    (app, name, "post") for app, names in BUTTONS.items() for name in names
]


@pytest.mark.parametrize(("app", "name", "method"), CASES)
@time_machine.travel(BEFORE_MERGER, tick=False)
def test_no_unit_is_404_no_role_is_403_staff_is_200(client_for, app, name, method) -> None:  # type: ignore[no-untyped-def]
    url = reverse(name)
    assert getattr(client_for("nguoingoai"), method)(url).status_code == 404
    refused = getattr(client_for("qn.xem"), method)(url)
    assert refused.status_code == 403
    assert "không có quyền" in refused.content.decode()
    staff = getattr(client_for("halong.ksv"), method)(url)
    assert staff.status_code == (200 if method == "get" else 302)
