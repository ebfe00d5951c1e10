"""GET /api/instruments and /api/instruments/{id}: scoped, filtered, 404 outside scope."""

from __future__ import annotations

from datetime import date

import pytest

from kiemsat.agreements.tests.conftest import register

pytestmark = pytest.mark.django_db

LIST = "/api/instruments"


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("halong.ksv", True),
        ("qn.vientruong", True),
        ("qn.xem", True),
        ("hagiang.ksv", False),
        ("nguoingoai", False),
    ],
)
def test_list_and_detail_are_scoped(client_for, full_instrument, username, visible):
    client = client_for(username)
    body = client.get(LIST).json()
    assert [i["id"] for i in body["items"]] == ([full_instrument.pk] if visible else [])
    assert body["count"] == (1 if visible else 0)
    detail = client.get(f"{LIST}/{full_instrument.pk}")
    assert detail.status_code == (200 if visible else 404)


def test_detail_holds_parties_clauses_duties_reviews(client_for, full_instrument):
    body = client_for("qn.xem").get(f"{LIST}/{full_instrument.pk}").json()
    assert body["number"] == "56/CTrPH-VKS-UBND" and body["year"] == 2022
    assert body["status"] == "expired" and body["status_label"] == "Hết hiệu lực"
    assert [p["unit_code"] or p["partner_code"] for p in body["parties"]] == [
        "QUANG-NINH-HA-LONG",
        "UBND-HA-LONG",
    ]
    assert body["parties"][0]["signatory_name"] == "Vũ Thị Đoan"
    assert [c["label"] for c in body["clauses"]] == ["Chương I", "Điều 1"]
    assert body["duties"][0]["recurrence"] == "quarterly"
    assert body["duties"][0]["responsible"] == ["VKSND thành phố Hạ Long"]
    assert body["reviews"][0]["kind"] == "midterm"
    assert body["cascade_due"] == "2022-03-31"


def test_filters(client_for, units):
    regulation = register(kind="regulation", title="Quy chế", valid_to=date(2022, 12, 31))
    plan = register(
        partners=("CA-HA-LONG",), kind="plan", title="Kế hoạch", signed_on=date(2023, 2, 1)
    )
    client = client_for("halong.ksv")

    def ids(**params: str) -> set[int]:
        return {i["id"] for i in client.get(LIST, params).json()["items"]}

    assert ids(kind="plan") == {plan.pk}
    assert ids(unit="QUANG-NINH-HA-LONG") == {plan.pk, regulation.pk}
    outside = client.get(LIST, {"unit": "QUANG-NINH"})  # above Hạ Long: not in its scope
    assert outside.status_code == 400
    assert outside.json() == {"detail": "Không có đơn vị mã 'QUANG-NINH' trong phạm vi của bạn."}
    assert ids(partner="CA-HA-LONG") == {plan.pk}
    assert ids(status="expired") == {regulation.pk}
    assert ids(q="quy che") == {regulation.pk}
    assert ids(**{"from": "2023-01-01", "to": "2023-12-31"}) == {plan.pk}
    for bad in ({"kind": "luat"}, {"status": "x"}, {"partner": "KHONG-CO"}, {"unit": "X"}):
        assert client.get(LIST, bad).status_code == 400
    assert client.get(LIST, {"from": "2023-13-01"}).status_code == 422


def test_list_is_paged_with_a_capped_limit(client_for, units, django_assert_max_num_queries):
    titles = [f"Quy chế {n}" for n in range(3)]
    for title in titles:
        register(kind="regulation", title=title)
    client = client_for("halong.ksv")
    first = client.get(LIST, {"limit": 2}).json()
    rest = client.get(LIST, {"limit": 2, "offset": 2}).json()
    assert (first["count"], len(first["items"]), len(rest["items"])) == (3, 2, 1)
    assert {i["title"] for i in first["items"] + rest["items"]} == set(titles)
    assert client.get(LIST, {"limit": 501}).status_code == 422
    with django_assert_max_num_queries(12):  # a page costs the same whatever its length
        assert len(client.get(LIST, {"limit": 500}).json()["items"]) == 3


def test_anonymous_is_refused(client, full_instrument):
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}/{full_instrument.pk}").status_code == 401


def test_missing_instrument_is_404(client_for, units):
    assert client_for("admin").get(f"{LIST}/999999").status_code == 404
