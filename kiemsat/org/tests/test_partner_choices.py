"""Partner dropdowns offer the user's province and the national partners; any partner
chosen through search is still accepted."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from kiemsat.agreements.models import Instrument
from kiemsat.agreements.tests.test_views import form_data
from kiemsat.org.models import Partner, PartnerKind
from kiemsat.org.selectors import partners_in_scope
from kiemsat.org.services import partner_register
from kiemsat.oversight.models import Intervention, Kind

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 09:00 +0700"
QUANG_NINH = {
    "CA-HA-LONG",
    "CA-QUANG-NINH",
    "TAND-HA-LONG",
    "TAND-QUANG-NINH",
    "THADS-QUANG-NINH",
    "UBND-HA-LONG",
    "UBND-QUANG-NINH",
}


@pytest.fixture
def national(db) -> Partner:  # type: ignore[no-untyped-def]
    return partner_register(actor=None, name="Tòa án nhân dân tối cao", kind=PartnerKind.COURT)


def offered(page: str, name: str) -> set[str]:
    """Codes of the partners offered by the select ``name`` of a rendered form."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None
    pks = {int(v) for v in re.findall(r'<option value="(\d+)"', select.group(1))}
    return set(Partner.objects.filter(pk__in=pks).values_list("code", flat=True))


def test_the_selector_keeps_to_the_province_and_the_nation(cast, national):
    codes = lambda user: set(partners_in_scope(user).values_list("code", flat=True))  # noqa: E731
    assert codes(cast["halong.ksv"]) == QUANG_NINH | {national.code}
    assert codes(cast["qn.vientruong"]) == QUANG_NINH | {national.code}
    assert codes(cast["hagiang.ksv"]) == {"TAND-HA-GIANG", national.code}
    assert codes(cast["nguoingoai"]) == {national.code}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("intervention_create", "recipient"),
        ("intervention_list", "recipient"),
        ("instrument_create", "partner"),
        ("instrument_list", "partner"),
        ("conference_create", "partners"),
    ],
)
def test_ha_long_staff_are_offered_quang_ninh_and_national_partners(
    client_for, national, url, name
):
    page = client_for("halong.ksv").get(reverse(url)).content.decode()
    assert offered(page, name) == QUANG_NINH | {national.code}
    assert f'data-search="{reverse("search_suggest")}?loai=co-quan"' in page


@time_machine.travel(NOW, tick=False)
def test_ha_giang_staff_are_offered_ha_giang_not_quang_ninh(client_for, national):
    page = client_for("hagiang.ksv").get(reverse("intervention_create")).content.decode()
    assert offered(page, "recipient") == {"TAND-HA-GIANG", national.code}


def _register(client, recipient: Partner, **changes: str):  # type: ignore[no-untyped-def]
    from kiemsat.org.models import Unit

    data = {
        "unit": Unit.objects.get(code="QUANG-NINH-HA-LONG").pk,
        "kind": Kind.RECOMMENDATION,
        "field": "tin_bao",
        "number": "12",
        "symbol": "KN-VKS",
        "issued_on": "20/02/2025",
        "recipient": recipient.pk,
        "subject": "Kiến nghị khắc phục vi phạm",
    }
    return client.post(reverse("intervention_create"), data | changes)


@time_machine.travel(NOW, tick=False)
def test_a_far_recipient_found_by_search_is_accepted(client_for):
    far = Partner.objects.get(code="TAND-DAK-LAK")
    response = _register(client_for("halong.ksv"), far)
    assert response.status_code == 302
    assert Intervention.objects.get(number=12).recipient == far


@time_machine.travel(NOW, tick=False)
def test_a_far_recipient_stays_chosen_when_the_form_comes_back(client_for):
    far = Partner.objects.get(code="TAND-DAK-LAK")
    response = _register(client_for("halong.ksv"), far, issued_on="31/02/2025")
    page = response.content.decode()
    assert not Intervention.objects.filter(number=12).exists()
    assert offered(page, "recipient") == QUANG_NINH | {"TAND-DAK-LAK"}
    assert f'<option value="{far.pk}" selected>' in page


@time_machine.travel(NOW, tick=False)
def test_an_unknown_recipient_is_still_refused(client_for):
    response = _register(client_for("halong.ksv"), Partner(pk=999999))
    assert "Không có cơ quan nhận này" in response.content.decode()
    assert not Intervention.objects.filter(number=12).exists()


@time_machine.travel(NOW, tick=False)
def test_an_instrument_with_a_far_partner_is_accepted(client_for, units):
    far = Partner.objects.get(code="TAND-HA-GIANG")
    response = client_for("halong.ksv").post(
        reverse("instrument_create"), form_data(units, partner=far.pk)
    )
    assert response.status_code == 302
    instrument = Instrument.objects.get(title__startswith="Quy chế phối hợp trong công tác")
    assert instrument.parties.get(partner__isnull=False).partner == far
