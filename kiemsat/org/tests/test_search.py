"""The header search: grouped, ranked, and scoped through each kind's selector (a record
of another province never appears, on the page or in the suggestions)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from kiemsat.agreements.tests.conftest import register
from kiemsat.meetings import services as meetings
from kiemsat.meetings.models import Kind as ConferenceKind
from kiemsat.org.models import Partner
from kiemsat.oversight import services as oversight
from kiemsat.oversight.models import Field, Kind

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 09:00 +0700"


def _intervention(unit, number: int, recipient: str, subject: str):  # type: ignore[no-untyped-def]
    data = oversight.Registration(
        kind=Kind.RECOMMENDATION,
        field=Field.CRIME_REPORTS,
        number=number,
        symbol="KN-VKS",
        issued_on=date(2025, 1, 14),
        recipient=Partner.objects.get(code=recipient),
        subject=subject,
    )
    return oversight.intervention_register(actor=None, unit=unit, data=data)


def _conference(unit, title: str):  # type: ignore[no-untyped-def]
    data = meetings.ConferenceData(
        kind=ConferenceKind.YEAR_LAUNCH, title=title, held_on=date(2025, 1, 23)
    )
    return meetings.conference_record(actor=None, unit=unit, data=data)


@pytest.fixture
def corpus(units):  # type: ignore[no-untyped-def]
    ha_long, ha_giang = units["QUANG-NINH-HA-LONG"], units["HA-GIANG"]
    with time_machine.travel(NOW, tick=False):
        return {
            "iv_hl": _intervention(ha_long, 33, "CA-HA-LONG", "Khắc phục vi phạm tin báo"),
            "iv_hl_7": _intervention(ha_long, 7, "CA-HA-LONG", "Theo kiến nghị số 33 năm trước"),
            "iv_hg": _intervention(ha_giang, 33, "TAND-HA-GIANG", "Khắc phục vi phạm xét xử"),
            "ins_hl": register(number=12, symbol="QCPH-VKS-UBND", title="Quy chế phối hợp"),
            "ins_hg": register(
                "HA-GIANG",
                ("TAND-HA-GIANG",),
                number=33,
                symbol="QCPH-VKS-TA",
                title="Quy chế phối hợp về phiên tòa rút kinh nghiệm",
            ),
            "conf_hl": _conference(ha_long, "Hội nghị triển khai công tác năm 2025 Hạ Long"),
            "conf_hg": _conference(ha_giang, "Hội nghị triển khai công tác năm 2025 Hà Giang"),
        }


def _urls(corpus, units) -> dict[str, str]:  # type: ignore[no-untyped-def]
    names = {"iv": "intervention_detail", "ins": "instrument_detail", "conf": "conference_detail"}
    urls = {key: reverse(names[key.split("_")[0]], args=[obj.pk]) for key, obj in corpus.items()}
    urls["unit_hl"] = reverse("unit_detail", args=[units["QUANG-NINH-HA-LONG"].pk])
    urls["unit_hg"] = reverse("unit_detail", args=[units["HA-GIANG"].pk])
    return urls


def page_hits(client, query: str, corpus, units) -> list[str]:  # type: ignore[no-untyped-def]
    """The corpus keys the results page links to, in the order shown."""
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    start = page.find('class="search-group"')
    text = page[start : page.index("</main>")] if start >= 0 else ""
    found = [(text.index(url), key) for key, url in _urls(corpus, units).items() if url in text]
    return [key for _, key in sorted(found)]


def json_hits(client, query: str, corpus, units) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("search_suggest"), {"q": query})
    assert response.status_code == 200
    by_url = {url: key for key, url in _urls(corpus, units).items()}
    items = [item for group in response.json()["groups"] for item in group["items"]]
    return [by_url[item["url"]] for item in items if item["url"] in by_url]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("33/KN-VKS", ["iv_hl"]),
        ("33/KN", ["iv_hl"]),
        ("33", ["iv_hl", "iv_hl_7"]),  # the number first, then the subject that mentions it
        ("12/QCPH-VKS-UBND", ["ins_hl"]),
        ("ubnd thành phố hạ long", ["ins_hl"]),  # an instrument by its partner
        ("UBND HA LONG quy che", ["ins_hl"]),
        ("cong an ha long", ["iv_hl", "iv_hl_7"]),  # a recipient, folded
        ("ha long", ["ins_hl", "iv_hl", "iv_hl_7", "conf_hl", "unit_hl"]),  # grouped by kind
        ("thành phố Hạ Long", ["ins_hl", "iv_hl", "iv_hl_7", "conf_hl", "unit_hl"]),
        ("cong an", ["iv_hl", "iv_hl_7"]),  # a word's start: not "công tác năm"
        ("hà giang", []),
        ("rut kinh nghiem", []),
    ],
)
def test_header_search_as_ha_long_staff(client_for, corpus, units, query, expected):
    client = client_for("halong.ksv")
    assert page_hits(client, query, corpus, units) == expected
    assert json_hits(client, query, corpus, units) == expected


@pytest.mark.parametrize("query", ["ha giang", "33", "khac phuc vi pham", "hoi nghi", "quy che"])
def test_nothing_of_ha_giang_reaches_ha_long(client_for, corpus, units, query):
    client = client_for("halong.ksv")
    hits = page_hits(client, query, corpus, units) + json_hits(client, query, corpus, units)
    assert not [key for key in hits if key.endswith("_hg")]


def test_ha_giang_finds_its_own(client_for, corpus, units):
    client = client_for("hagiang.ksv")
    assert page_hits(client, "ha giang", corpus, units) == [
        "ins_hg",
        "iv_hg",
        "conf_hg",
        "unit_hg",
    ]
    assert page_hits(client, "33", corpus, units) == ["ins_hg", "iv_hg"]


def test_the_province_sees_its_district_and_outsiders_see_nothing(client_for, corpus, units):
    assert "unit_hl" in page_hits(client_for("qn.vientruong"), "Hạ Long", corpus, units)
    assert page_hits(client_for("nguoingoai"), "ha long", corpus, units) == []


def test_suggestions_say_what_each_result_is(client_for, corpus):
    body = client_for("halong.ksv").get(reverse("search_suggest"), {"q": "33/KN-VKS"}).json()
    assert body["q"] == "33/KN-VKS"
    [group] = body["groups"]
    assert group["title"] == "Kháng nghị, kiến nghị"
    assert group["items"][0]["title"] == "Kiến nghị số 33/KN-VKS: Khắc phục vi phạm tin báo"
    assert group["items"][0]["note"] == (
        "VKSND thành phố Hạ Long → Công an thành phố Hạ Long, 14/01/2025"
    )
    assert group["more_url"] == reverse("intervention_list") + "?q=33%2FKN-VKS"


def test_a_one_letter_query_finds_nothing_and_says_why(client_for, corpus):
    client = client_for("halong.ksv")
    assert client.get(reverse("search_suggest"), {"q": "h"}).json()["groups"] == []
    assert "Gõ ít nhất hai ký tự" in client.get(reverse("search"), {"q": "h"}).content.decode()


def test_partners_are_suggested_only_to_the_partner_fields(client_for, corpus):
    client = client_for("halong.ksv")
    header = client.get(reverse("search_suggest"), {"q": "toa an"}).json()
    assert "co-quan" not in [g["kind"] for g in header["groups"]]
    fields = client.get(reverse("search_suggest"), {"q": "toa an ha giang", "loai": "co-quan"})
    [group] = fields.json()["groups"]
    assert [i["title"] for i in group["items"]] == ["Tòa án nhân dân tỉnh Hà Giang"]
    assert group["items"][0]["id"] == Partner.objects.get(code="TAND-HA-GIANG").pk


def test_search_needs_a_signed_in_user(client, corpus):
    response = client.get(reverse("search_suggest"), {"q": "ha long"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
