"""The cluster year page links the year's covenant and records an exclusion with its reason:
the managing unit's leaders do it, viewers get 403, outsiders 404, bad input changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kiemsat.agreements.models import InstrumentKind, ReviewSchedule
from kiemsat.agreements.services import instruments as agreements_instruments
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.audit.models import AuditEntry
from kiemsat.emulation.models import Exclusion, TermRecord
from kiemsat.emulation.tests.conftest import MEMBERS

pytestmark = pytest.mark.django_db


def _instrument(units, kind: str, codes: tuple[str, ...], title: str):  # type: ignore[no-untyped-def]
    return agreements_instruments.instrument_register(
        actor=None,
        data=InstrumentData(
            kind=kind,
            title=title,
            signed_on=date(2024, 2, 20),
            place="Cẩm Phả",
            review_schedule=ReviewSchedule.NONE,
        ),
        parties=[PartyData(unit=units[c], signatory_title="Viện trưởng") for c in codes],
    )


@pytest.fixture
def covenant(units):  # type: ignore[no-untyped-def]
    return _instrument(
        units, InstrumentKind.COVENANT, MEMBERS, "Giao ước thi đua năm 2024 của Cụm số 1"
    )


def _state():  # type: ignore[no-untyped-def]
    return (
        list(TermRecord.objects.values_list("covenant_id", flat=True)),
        list(Exclusion.objects.values_list("unit_id", "reason")),
        AuditEntry.objects.filter(action__startswith="emulation.").count(),
    )


def test_parent_leader_links_the_covenant(term, units, client_for, covenant):
    client = client_for("qn.vientruong")
    page = client.get(reverse("term_detail", args=[term.pk])).content.decode()
    assert "Ghi giao ước" in page and "Giao ước thi đua năm 2024 của Cụm số 1" in page
    response = client.post(reverse("term_covenant", args=[term.pk]), {"covenant": covenant.pk})
    assert response.status_code == 302
    assert TermRecord.objects.get(term=term).covenant == covenant
    entry = AuditEntry.objects.get(action="emulation.covenant_link")
    assert entry.changes == {"covenant": [None, covenant.pk]}
    page = client_for("halong.ksv").get(reverse("term_detail", args=[term.pk])).content.decode()
    assert "Giao ước thi đua năm 2024 của Cụm số 1" in page and "ký ngày 20/02/2024" in page
    assert "Ghi giao ước" not in page  # a member's staff reads it, does not change it


def test_covenant_refusals_change_nothing(term, units, client_for, covenant):
    other = _instrument(
        units, InstrumentKind.COVENANT, ("HA-GIANG", "QUANG-NINH"), "Giao ước của cụm khác"
    )
    plan = _instrument(units, InstrumentKind.PLAN, MEMBERS, "Kế hoạch phối hợp năm 2024")
    before = _state()
    url = reverse("term_covenant", args=[term.pk])
    leader = client_for("qn.vientruong")
    for data, message in (
        ({"covenant": plan.pk}, "Không có giao ước này trong phạm vi của bạn."),
        ({"covenant": other.pk}, "Không có giao ước này trong phạm vi của bạn."),
        ({"covenant": "abc"}, "Không có giao ước này trong phạm vi của bạn."),
    ):
        response = leader.post(url, data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert client_for("qn.xem").post(url, {"covenant": covenant.pk}).status_code == 403
    assert client_for("halong.ksv").post(url, {"covenant": covenant.pk}).status_code == 403
    for username in ("hagiang.ksv", "nguoingoai"):
        assert client_for(username).post(url, {"covenant": covenant.pk}).status_code == 404
    assert _state() == before


def test_parent_leader_records_an_exclusion_on_the_page(term, units, client_for):
    client = client_for("qn.vientruong")
    page = client.get(reverse("term_detail", args=[term.pk])).content.decode()
    assert "Đơn vị không xét thi đua" in page and "Lý do không xét thi đua" in page
    url = reverse("term_exclude", args=[term.pk])
    before = _state()
    missing = client.post(url, {"unit": units["QUANG-NINH-MONG-CAI"].pk, "reason": " "})
    assert missing.status_code == 400 and "Lý do không xét thi đua" in missing.content.decode()
    outside = client.post(url, {"unit": units["HA-GIANG"].pk, "reason": "Vụ án tham nhũng"})
    assert outside.status_code == 400
    assert _state() == before
    response = client.post(
        url, {"unit": units["QUANG-NINH-MONG-CAI"].pk, "reason": "Cán bộ bị khởi tố tội tham ô"}
    )
    assert response.status_code == 302
    assert Exclusion.objects.get(term=term).reason == "Cán bộ bị khởi tố tội tham ô"
    page = client.get(reverse("term_detail", args=[term.pk])).content.decode()
    assert "Không xét thi đua: Cán bộ bị khởi tố tội tham ô" in page
