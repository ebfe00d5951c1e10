"""Search ignores case and diacritics (đ too) and never leaves the user's units."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kiemsat.agreements.models import ClauseKind
from kiemsat.agreements.selectors import search_instruments
from kiemsat.agreements.services import parties
from kiemsat.agreements.tests.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(units):  # type: ignore[no-untyped-def]
    ha_giang = register(
        "HA-GIANG",
        ("TAND-HA-GIANG",),
        kind="regulation",
        title="Quy chế phối hợp về việc tăng cường lãnh đạo, chỉ đạo",
        number=56,
        symbol="QCPH-VKS-TA",
        signed_on=date(2022, 8, 9),
    )
    parties.clause_add(
        actor=None,
        instrument=ha_giang,
        kind=ClauseKind.ARTICLE,
        number=6,
        title="Phiên tòa rút kinh nghiệm",
        text="Phối hợp tổ chức phiên tòa rút kinh nghiệm theo tinh thần cải cách tư pháp.",
    )
    dak_lak = register(
        "DAK-LAK",
        ("TAND-DAK-LAK",),
        kind="plan",
        title="Kế hoạch phối hợp kiểm sát xét xử năm 2023",
        signed_on=date(2023, 2, 1),
    )
    ha_long = register(title="Chương trình phối hợp công tác năm 2022")
    return {"ha_giang": ha_giang, "dak_lak": dak_lak, "ha_long": ha_long}


def found(user, query: str) -> set[int]:  # type: ignore[no-untyped-def]
    return set(search_instruments(user, query).values_list("pk", flat=True))


def test_required_queries_find_their_targets(cast, corpus):
    admin = cast["admin"]
    assert found(admin, "ha giang") == {corpus["ha_giang"].pk}
    assert found(admin, "quy che phoi hop") == {corpus["ha_giang"].pk}
    assert found(admin, "dak lak") == {corpus["dak_lak"].pk}


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("HÀ GIANG", "ha_giang"),
        ("Đắk Lắk", "dak_lak"),
        ("dắk", "dak_lak"),
        ("56/QCPH", "ha_giang"),
        ("qcph-vks-ta", "ha_giang"),
        ("rut kinh nghiem", "ha_giang"),  # clause text
        ("tòa   án  hà giang", "ha_giang"),  # party name, extra spaces
        ("ban can su", None),
        ("ha long ubnd", "ha_long"),  # words in any order
        ("vien kiem sat ha long", "ha_long"),  # "VKSND" spelled out
    ],
)
def test_folded_words_are_anded(cast, corpus, query, target):
    expected = {corpus[target].pk} if target else set()
    assert found(cast["admin"], query) == expected


def test_results_never_leave_the_users_units(cast, corpus):
    assert found(cast["hagiang.ksv"], "phoi hop") == {corpus["ha_giang"].pk}
    assert found(cast["halong.ksv"], "phoi hop") == {corpus["ha_long"].pk}
    assert found(cast["qn.xem"], "phoi hop") == {corpus["ha_long"].pk}
    assert found(cast["halong.ksv"], "ha giang") == set()
    assert found(cast["nguoingoai"], "phoi hop") == set()


def test_search_through_the_list_page(client_for, corpus):
    body = client_for("hagiang.ksv").get(reverse("instrument_list"), {"q": "quy che"})
    text = body.content.decode()
    assert corpus["ha_giang"].title in text
    assert corpus["dak_lak"].title not in text
    empty = client_for("halong.ksv").get(reverse("instrument_list"), {"q": "dak lak"})
    assert corpus["dak_lak"].title not in empty.content.decode()
