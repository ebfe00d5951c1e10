"""GET /api/conferences, /api/conferences/{id}, /api/tasks: scoped, filtered, Vietnamese."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from kiemsat.meetings import services
from kiemsat.meetings.models import Measure

pytestmark = pytest.mark.django_db


def test_conference_detail_with_the_printed_check(client_for, make_conference, make_task) -> None:
    task = make_task()
    conference = task.conclusion.conference
    services.result_add(
        actor=None,
        conference=conference,
        data=services.ResultData(
            measure=Measure.MET, part=127, whole=129, printed_percent=Decimal("98.5")
        ),
    )
    client = client_for("qn.vientruong")
    body = client.get(f"/api/conferences/{conference.pk}").json()
    assert body["results"] == [
        {
            "measure": "dat",
            "part": 127,
            "whole": 129,
            "printed_percent": "98.5",
            "computed_percent": "98.4",
            "printed_wrong": True,
        }
    ]
    assert [t["due_on"] for t in body["tasks"]] == ["2025-02-06"]
    assert client_for("hagiang.ksv").get(f"/api/conferences/{conference.pk}").status_code == 404
    client = client_for("qn.vientruong")  # one test client, signed in again
    listed = client.get("/api/conferences?kind=trien_khai&period=2025-01").json()
    assert [c["id"] for c in listed["items"]] == [conference.pk], listed
    bad = client.get("/api/conferences?kind=hop")
    assert bad.status_code == 400 and "Loại hội nghị không hợp lệ" in bad.json()["detail"]


def test_tasks_filters(client_for, make_task) -> None:
    late = make_task(title="Quá hạn", due_on=date(2025, 2, 3))
    make_task(title="Còn hạn", due_on=date(2025, 12, 1))
    make_task(title="Quảng Ninh làm", unit="QUANG-NINH", due_on=date(2025, 3, 1))
    client = client_for("qn.vientruong")
    with time_machine.travel("2025-02-10 09:00 +0700", tick=False):
        body = client.get("/api/tasks?overdue=true&unit=QUANG-NINH-HA-LONG").json()
        assert [t["id"] for t in body["items"]] == [late.pk]
        assert body["items"][0]["overdue"] is True
        body = client.get("/api/tasks?status=qua_han").json()
        assert {t["title"] for t in body["items"]} == {"Quá hạn"}
        body = client.get("/api/tasks?due_from=2025-02-15&due_to=2025-12-31").json()
        assert [t["title"] for t in body["items"]] == ["Quảng Ninh làm", "Còn hạn"]
        assert client_for("halong.ksv").get("/api/tasks").json()["count"] == 2
        client = client_for("qn.vientruong")
        bad = client.get("/api/tasks?status=xong")
        assert bad.status_code == 400 and "Tình trạng không hợp lệ" in bad.json()["detail"]
        bad = client.get("/api/tasks?due_from=2025-13-01")
        assert bad.status_code == 422 and "due_from" in bad.json()["detail"]
