"""Users of units that ended in the 2025 reorganisation (Hạ Long, Hà Giang: 30/06/2025).

Every page says the unit ended, who took it over (a link only where the access gate lets
the user read the successor) and where its records went; entry, create and submit actions
are not offered, a direct URL to one is refused with a plain page and writes nothing; past
records stay readable. Unit choices list active units first and mark ended ones; import
examples name units that still exist.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from kiemsat.agreements.models import Instrument
from kiemsat.audit.models import AuditEntry
from kiemsat.indicators import services as indicator_services
from kiemsat.indicators.imports import ImportRefused, RawRow
from kiemsat.indicators.models import Figure, Source, Submission
from kiemsat.lib.periods import Month
from kiemsat.org.lifecycle import EXAMPLE_PARTNER_CODE, EXAMPLE_UNIT_CODE
from kiemsat.org.models import Membership, Partner, Role, Unit
from kiemsat.oversight.excel import IMPORT_COLUMNS
from kiemsat.oversight.models import Intervention

pytestmark = pytest.mark.django_db

AFTER = "2026-12-07 09:00 +0700"  # a Monday, seventeen months after the end
BEFORE = "2025-06-15 09:00 +0700"  # a Sunday, Hạ Long and Hà Giang still exist
LAST_DAY = "2025-06-30 17:00 +0700"
FIRST_DAY_AFTER = "2025-07-01 08:00 +0700"
HA_LONG, HA_GIANG = "QUANG-NINH-HA-LONG", "HA-GIANG"
HA_LONG_ENDED = "VKSND thành phố Hạ Long đã kết thúc hoạt động từ 30/06/2025"
HA_GIANG_ENDED = "VKSND tỉnh Hà Giang đã kết thúc hoạt động từ 30/06/2025"
ENDED_MARK = "(đã kết thúc 30/06/2025)"


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def banner(response) -> str:  # type: ignore[no-untyped-def]
    """The banner's HTML, or "" when the page has none."""
    page = text(response)
    start = page.find('<section class="card ended"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def plain(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", fragment).split())


def writes() -> tuple[int, int, int, int, int]:
    return (
        Instrument.objects.count(),
        Intervention.objects.count(),
        Figure.objects.count(),
        Submission.objects.count(),
        AuditEntry.objects.count(),
    )


# --- the banner ---------------------------------------------------------------------------


@time_machine.travel(AFTER, tick=False)
@pytest.mark.parametrize("name", ["home", "instrument_list", "intervention_list", "unit_tree"])
def test_banner_on_every_page_for_ha_long(client_for, units, name):  # type: ignore[no-untyped-def]
    response = client_for("halong.ksv").get(reverse(name))
    assert response.status_code == 200
    shown = plain(banner(response))
    assert HA_LONG_ENDED in shown
    # No successor is recorded for Hạ Long: say so plainly, never invent one.
    assert "Chưa ghi nhận đơn vị kế thừa" in shown
    assert "Hồ sơ cũ của đơn vị vẫn xem được" in shown
    assert reverse("unit_detail", args=[units[HA_LONG].pk]) in banner(response)


@time_machine.travel(AFTER, tick=False)
def test_ha_giang_banner_names_its_successor_without_a_dead_link(client_for, units):  # type: ignore[no-untyped-def]
    client = client_for("hagiang.ksv")
    shown = banner(client.get(reverse("home")))
    successor = units["TUYEN-QUANG-2025"]
    assert HA_GIANG_ENDED in plain(shown)
    assert "Đơn vị kế thừa: VKSND tỉnh Tuyên Quang (từ 01/07/2025)" in plain(shown)
    assert "Đơn vị kế thừa tiếp nhận công việc và hồ sơ của đơn vị" in plain(shown)
    successor_url = reverse("unit_detail", args=[successor.pk])
    assert successor_url not in shown
    assert client.get(successor_url).status_code == 404  # the reason it is not a link


@time_machine.travel(AFTER, tick=False)
def test_successor_is_a_link_where_the_user_may_read_it(client_for, cast, units):  # type: ignore[no-untyped-def]
    successor = units["TUYEN-QUANG-2025"]
    Membership.objects.create(user=cast["hagiang.ksv"], unit=successor, role=Role.VIEWER)
    client = client_for("hagiang.ksv")
    successor_url = reverse("unit_detail", args=[successor.pk])
    assert f'<a href="{successor_url}">VKSND tỉnh Tuyên Quang</a>' in banner(
        client.get(reverse("home"))
    )
    assert client.get(successor_url).status_code == 200


@pytest.mark.parametrize(
    ("moment", "shown"), [(BEFORE, False), (LAST_DAY, False), (FIRST_DAY_AFTER, True)]
)
def test_banner_only_after_the_last_day(client_for, moment, shown):  # type: ignore[no-untyped-def]
    with time_machine.travel(moment, tick=False):
        response = client_for("halong.ksv").get(reverse("home"))
    assert (HA_LONG_ENDED in plain(banner(response))) is shown


@time_machine.travel(AFTER, tick=False)
@pytest.mark.parametrize("username", ["qn.vientruong", "qn.xem", "admin", "nguoingoai"])
def test_no_banner_for_users_of_living_units(client_for, username):  # type: ignore[no-untyped-def]
    assert banner(client_for(username).get(reverse("home"))) == ""


# --- actions not offered ------------------------------------------------------------------


@time_machine.travel(AFTER, tick=False)
@pytest.mark.parametrize("username", ["halong.ksv", "hagiang.ksv"])
def test_create_actions_are_not_offered(client_for, username):  # type: ignore[no-untyped-def]
    client = client_for(username)
    instruments = text(client.get(reverse("instrument_list")))
    assert reverse("instrument_create") not in instruments
    assert reverse("instrument_import") not in instruments
    interventions = text(client.get(reverse("intervention_list")))
    assert reverse("intervention_create") not in interventions
    assert reverse("intervention_import") not in interventions


@time_machine.travel(BEFORE, tick=False)
def test_create_actions_are_offered_while_the_unit_lives(client_for):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    assert reverse("instrument_create") in text(client.get(reverse("instrument_list")))
    assert reverse("intervention_create") in text(client.get(reverse("intervention_list")))
    assert client.get(reverse("intervention_create")).status_code == 200


@time_machine.travel(AFTER, tick=False)
def test_entry_grid_opens_on_the_last_month_and_is_read_only_after(client_for, units):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    unit = units[HA_LONG]
    url = reverse("figures_entry", args=[unit.pk])
    opened = client.get(url)
    assert opened.status_code == 200
    assert opened.context["month"] == Month(2025, 6)
    assert opened.context["can_write"] is True  # its last month can still be completed
    after = client.get(url, {"month": "2026-11"})
    page = text(after)
    assert after.status_code == 200
    assert after.context["can_write"] is False
    assert "Lưu số liệu" not in page and "Gửi duyệt" not in page
    assert reverse("figures_upload") not in page
    assert "không nhập, không gửi số liệu tháng 11/2026 và các tháng sau" in page
    assert "?month=2025-06" in page


# --- a direct URL to an action ------------------------------------------------------------


def _instrument_form(units) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "kind": "regulation",
        "title": "Quy chế phối hợp mới",
        "signed_on": "2026-12-01",
        "review_schedule": "yearly",
        "unit": units[HA_LONG].pk,
        "unit_signatory_name": "Nguyễn Văn An",
        "partner": Partner.objects.get(code="TAND-HA-LONG").pk,
        "partner_signatory_name": "Trần Văn Bình",
    }


@time_machine.travel(AFTER, tick=False)
def test_direct_urls_say_why_and_write_nothing(client_for, units):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    unit = units[HA_LONG]
    Figure.objects.all().delete()
    before = writes()
    posts = {
        reverse("instrument_create"): _instrument_form(units),
        reverse("instrument_import"): {},
        reverse("intervention_create"): {"unit": unit.pk, "subject": "Kiến nghị mới"},
        reverse("intervention_import"): {},
        f"{reverse('figures_entry', args=[unit.pk])}?month=2026-11": {"TB_MOI": "7"},
        reverse("submission_submit", args=[unit.pk, "2026-11"]): {},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 409, url
        page = text(response)
        assert HA_LONG_ENDED in page and "Chưa có dữ liệu nào được lưu" in page, url
        assert "QUANG-NINH-HA-LONG" not in page, url  # no raw code
    for name in ("instrument_create", "intervention_create"):
        response = client.get(reverse(name))
        assert response.status_code == 409
        assert '<form method="post" enctype' not in text(response)
    assert writes() == before


@time_machine.travel(AFTER, tick=False)
def test_submit_service_refuses_an_ended_month(cast, units):  # type: ignore[no-untyped-def]
    unit = units[HA_LONG]
    before = writes()
    with pytest.raises(ValidationError, match="đã kết thúc hoạt động từ 30/06/2025"):
        indicator_services.submission_submit(
            actor=cast["halong.ksv"], unit=unit, month=Month(2025, 7)
        )
    assert writes() == before


@time_machine.travel(AFTER, tick=False)
def test_past_records_stay_readable_and_writable(client_for, units):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    unit = units[HA_LONG]
    assert client.get(reverse("unit_detail", args=[unit.pk])).status_code == 200
    url = f"{reverse('figures_entry', args=[unit.pk])}?month=2025-06"
    assert client.post(url, {"TB_MOI": "4"}).status_code == 302
    stored = Figure.objects.get(unit=unit, period=Month(2025, 6).index, metric__code="TB_MOI")
    assert stored.value == 4


@time_machine.travel(AFTER, tick=False)
def test_file_rows_after_the_end_name_the_end(cast, units):  # type: ignore[no-untyped-def]
    rows = [RawRow(2, HA_LONG, "2026-11", "TB_MOI", "3")]
    with pytest.raises(ImportRefused) as refused:
        indicator_services.figures_import(actor=cast["halong.ksv"], rows=rows, source=Source.IMPORT)
    assert refused.value.errors == [
        f"dòng 2: đơn vị '{HA_LONG}' đã kết thúc hoạt động sau tháng 06/2025, "
        "không nhận số liệu tháng 11/2026"
    ]


# --- unit choices -------------------------------------------------------------------------


def _labels(response, field: str = "unit") -> list[str]:  # type: ignore[no-untyped-def]
    choices = response.context["form"].fields[field].choices
    return [str(label) for value, label in choices if value != ""]


@time_machine.travel(AFTER, tick=False)
@pytest.mark.parametrize("name", ["intervention_create", "instrument_create", "intervention_list"])
def test_unit_choices_list_active_units_first_and_mark_ended_ones(client_for, name):  # type: ignore[no-untyped-def]
    labels = _labels(client_for("qn.vientruong").get(reverse(name)))
    ended = [i for i, label in enumerate(labels) if label.endswith(ENDED_MARK)]
    active = [i for i, label in enumerate(labels) if not label.endswith(ENDED_MARK)]
    assert "VKSND tỉnh Quảng Ninh" in labels and "VKSND khu vực 3 – Quảng Ninh" in labels
    assert f"VKSND thành phố Hạ Long {ENDED_MARK}" in labels
    assert ended and active and max(active) < min(ended)


@time_machine.travel(BEFORE, tick=False)
def test_unit_choices_before_the_end_carry_no_mark(client_for):  # type: ignore[no-untyped-def]
    labels = _labels(client_for("qn.vientruong").get(reverse("intervention_create")))
    assert "VKSND thành phố Hạ Long" in labels
    assert not any("đã kết thúc" in label for label in labels)


# --- examples in templates and hints ------------------------------------------------------


def _exists_today(code: str) -> bool:
    unit = Unit.objects.filter(code=code).first()
    return unit is not None and not unit.has_ended(date(2026, 12, 7))


@time_machine.travel(AFTER, tick=False)
def test_examples_name_units_that_still_exist(client_for):  # type: ignore[no-untyped-def]
    assert _exists_today(EXAMPLE_UNIT_CODE)
    assert Partner.objects.get(code=EXAMPLE_PARTNER_CODE).valid_to is None
    client = client_for("qn.vientruong")
    book = load_workbook(io.BytesIO(client.get(reverse("instrument_import_template")).content))
    sheet = book["van_ban"]
    header = [c.value for c in sheet[1]]
    example = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert example["don_vi"] == EXAMPLE_UNIT_CODE and example["chu_tri"] == EXAMPLE_UNIT_CODE
    assert example["co_quan"] == EXAMPLE_PARTNER_CODE
    hint = text(client.get(reverse("instrument_import")))
    assert f"<code>{EXAMPLE_UNIT_CODE}</code>" in hint and HA_LONG not in hint
    oversight = dict((code, meaning) for code, meaning, _ in IMPORT_COLUMNS)
    assert f"ví dụ {EXAMPLE_UNIT_CODE}" in oversight["unit_code"]
    page = text(client.get(reverse("intervention_import")))
    assert EXAMPLE_UNIT_CODE in page and HA_LONG not in page
