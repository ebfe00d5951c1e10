"""GET /api/interventions and /api/interventions/{id}: scoped, filtered, 404 outside."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from kiemsat.oversight.models import Kind, Outcome

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 09:00 +0700"


@pytest.fixture
def register(make, partners):  # type: ignore[no-untyped-def]
    return {
        "overdue": make(1),  # due 03/02/2025
        "answered": make(2, answer=(date(2025, 1, 20), Outcome.ACCEPTED)),
        "prevention": make(
            3,
            kind=Kind.PREVENTION,
            field="khac",
            recipient=partners["UBND-HA-LONG"],
            issued_on=date(2025, 2, 20),
            received_on=None,
        ),
        "hagiang": make(1, unit="HA-GIANG", recipient=partners["TAND-HA-GIANG"]),
    }


def _ids(response) -> set[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


@time_machine.travel(NOW, tick=False)
def test_list_is_scoped(client_for, register) -> None:
    halong = {register[k].pk for k in ("overdue", "answered", "prevention")}
    assert _ids(client_for("halong.ksv").get("/api/interventions")) == halong
    assert _ids(client_for("qn.vientruong").get("/api/interventions")) == halong
    assert _ids(client_for("qn.xem").get("/api/interventions")) == halong
    assert _ids(client_for("hagiang.ksv").get("/api/interventions")) == {register["hagiang"].pk}
    assert _ids(client_for("nguoingoai").get("/api/interventions")) == set()
    assert len(_ids(client_for("admin").get("/api/interventions"))) == 4


def test_anonymous_is_refused(client, register) -> None:
    assert client.get("/api/interventions").status_code == 401
    assert client.get(f"/api/interventions/{register['overdue'].pk}").status_code == 401


@time_machine.travel(NOW, tick=False)
def test_filters(client_for, register) -> None:
    client = client_for("qn.xem")
    assert _ids(client.get("/api/interventions", {"overdue": "true"})) == {register["overdue"].pk}
    assert _ids(client.get("/api/interventions", {"status": "da_tra_loi"})) == {
        register["answered"].pk
    }
    assert _ids(client.get("/api/interventions", {"status": "chua_co_han"})) == {
        register["prevention"].pk
    }
    assert _ids(client.get("/api/interventions", {"kind": "kien_nghi_phong_ngua"})) == {
        register["prevention"].pk
    }
    assert _ids(client.get("/api/interventions", {"recipient": "UBND-HA-LONG"})) == {
        register["prevention"].pk
    }
    assert _ids(client.get("/api/interventions", {"period": "2025-02"})) == {
        register["prevention"].pk
    }
    assert len(_ids(client.get("/api/interventions", {"period": "2025-01..2025-02"}))) == 3
    for bad in (
        {"kind": "x"},
        {"status": "x"},
        {"period": "2025-13"},
        {"recipient": "NOPE"},
        {"unit": "HA-GIANG"},  # outside the user's scope: an error, never an empty page
        {"unit": "NOPE"},
    ):
        response = client.get("/api/interventions", bad)
        assert response.status_code == 400, bad


@time_machine.travel(NOW, tick=False)
def test_detail(client_for, register) -> None:
    iv = register["overdue"]
    url = f"/api/interventions/{iv.pk}"
    data = client_for("qn.vientruong").get(url).json()
    assert data["number_display"] == "01/KN-VKS"
    assert data["due_on"] == "2025-02-03"
    assert data["status"] == "qua_han"
    assert data["status_label"] == "Quá hạn"
    assert data["recipient_code"] == "CA-HA-LONG"
    assert client_for("qn.xem").get(url).status_code == 200
    assert client_for("hagiang.ksv").get(url).status_code == 404
    assert client_for("nguoingoai").get(url).status_code == 404
    assert client_for("admin").get("/api/interventions/999999").status_code == 404


def test_pagination(client_for, register) -> None:
    response = client_for("qn.xem").get("/api/interventions", {"limit": 2, "offset": 0})
    body = response.json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
