"""The register is found as people write it: the number as shown, the recipient's and the
issuing unit's names with or without marks, subject words; never outside the user's units."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from kiemsat.oversight.models import Kind

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 09:00 +0700"


@pytest.fixture
def rows(make, partners):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return {
            "33": make(33, subject="Kiến nghị khắc phục vi phạm trong tiếp nhận tin báo"),
            "133": make(133, subject="Kiến nghị phòng ngừa vi phạm trong quản lý đất đai"),
            "3": make(
                3,
                kind=Kind.APPEAL,
                symbol="QĐ-VKS-HS",
                recipient=partners["TAND-HA-LONG"],
                subject="Kháng nghị phúc thẩm bản án hình sự sơ thẩm",
                rule=None,
                received_on=None,
            ),
            "hg": make(
                33,
                unit="HA-GIANG",
                recipient=partners["TAND-HA-GIANG"],
                subject="Kiến nghị khắc phục vi phạm trong tiếp nhận tin báo",
            ),
        }


def listed(client, query: str, rows) -> set[str]:  # type: ignore[no-untyped-def]
    """The fixture rows the register list shows for ``query``."""
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("intervention_list"), {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    return {k for k, iv in rows.items() if reverse("intervention_detail", args=[iv.pk]) in page}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("33/KN-VKS", {"33"}),  # as the row shows it
        ("33/kn-vks", {"33"}),
        ("33/KN", {"33"}),
        ("33", {"33"}),  # not 133
        ("03/QĐ-VKS-HS", {"3"}),  # padded as shown
        ("3/QĐ", {"3"}),
        ("33/QĐ", set()),
        ("Công an thành phố Hạ Long", {"33", "133"}),  # recipient
        ("cong an ha long", {"33", "133"}),  # recipient without marks
        ("TÒA ÁN hạ long", {"3"}),
        ("ha long", {"33", "133", "3"}),  # the issuing unit, folded
        ("phòng ngừa đất đai", {"133"}),  # subject words, any order
        ("dat dai phong ngua", {"133"}),
        ("33 tin bao", {"33"}),  # number and words together
        ("ha giang", set()),  # another province: never listed
        ("hà giang 33/KN-VKS", set()),
    ],
)
def test_register_list_finds_rows_as_written(client_for, rows, query, expected):
    assert listed(client_for("halong.ksv"), query, rows) == expected


def test_exact_number_comes_first(client_for, rows, make):
    with time_machine.travel(NOW, tick=False):
        other = make(7, subject="Kiến nghị theo văn bản 33/KN-VKS đã ban hành")
        page = client_for("halong.ksv").get(reverse("intervention_list"), {"q": "33"})
    text = page.content.decode()
    first = text.index(reverse("intervention_detail", args=[rows["33"].pk]))
    assert first < text.index(reverse("intervention_detail", args=[other.pk]))


def test_the_province_sees_its_own_record_and_hagiang_its_own(client_for, rows):
    assert listed(client_for("qn.xem"), "33/KN-VKS", rows) == {"33"}
    assert listed(client_for("hagiang.ksv"), "33/KN-VKS", rows) == {"hg"}
    assert listed(client_for("hagiang.ksv"), "ha giang", rows) == {"hg"}
    assert listed(client_for("admin"), "33/KN", rows) == {"33", "hg"}
