"""The demo conferences: the five articles' facts, built on any day, never in the future."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine

from kiemsat.agreements.demo import build as agreements_demo
from kiemsat.meetings.demo import build_demo
from kiemsat.meetings.models import Conference, ProgressReport, PublishedResult, Task, TaskStatus
from kiemsat.meetings.selectors import State, state_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "now",
    [
        "2026-03-01 10:00 +0700",  # a Sunday
        "2026-02-23 08:00 +0700",  # the first working day after Tết 2026
        "2025-12-01 08:00 +0700",  # the first day of a work year
    ],
)
def test_demo_never_lies_in_the_future(units, now) -> None:
    today = date.fromisoformat(now[:10])
    with time_machine.travel(now, tick=False):
        build_demo(io.StringIO())
        counts = (Conference.objects.count(), Task.objects.count(), ProgressReport.objects.count())
        out = io.StringIO()
        build_demo(out)  # idempotent
        assert "thêm 0, đã có 6" in out.getvalue()
    assert (Conference.objects.count(), Task.objects.count(), ProgressReport.objects.count()) == (
        counts
    )
    assert counts[0] == 6
    assert max(Conference.objects.values_list("held_on", flat=True)) <= today
    assert max(ProgressReport.objects.values_list("reported_on", flat=True)) <= today
    assert all(t.done_on <= today for t in Task.objects.filter(status=TaskStatus.DONE))
    states = [state_of(t, today) for t in Task.objects.all()]
    assert states.count(State.OVERDUE) == 1
    assert State.IN_PROGRESS in states or State.DUE_TODAY in states
    assert states.count(State.DONE) + states.count(State.DONE_LATE) >= 8


def test_demo_holds_the_articles_facts(units) -> None:
    with time_machine.travel("2026-03-01 10:00 +0700", tick=False):
        agreements_demo(io.StringIO())  # the instruments the conferences signed or reviewed
        build_demo(io.StringIO())
    cluster = Conference.objects.get(unit__code="THANH-HOA")
    assert cluster.held_on == date(2020, 11, 30)
    assert sorted(u.code for u in cluster.co_units.all()) == [
        "HA-TINH",
        "NGHE-AN",
        "QUANG-BINH",
        "QUANG-TRI",
        "THUA-THIEN-HUE",
    ]
    met, exceeded = PublishedResult.objects.filter(conference=cluster).order_by("pk")
    assert (met.printed_wrong, str(met.computed_percent)) == (True, "98.4")
    assert (exceeded.printed_wrong, str(exceeded.computed_percent)) == (False, "98.3")
    signing = Conference.objects.get(unit__code="QUANG-TRI")
    assert signing.online and signing.bridge_points.count() == 9
    caucus = Conference.objects.get(unit__code="HAI-PHONG")
    assert caucus.breakthrough == "Chất lượng kháng nghị - kiến nghị"
    assert caucus.speech_count == 13
    assert [str(r) for r in caucus.results.order_by("pk")] == [
        "130/130 chỉ tiêu đạt",
        "55 chỉ tiêu vượt",
    ]
    halong = Conference.objects.get(unit__code="QUANG-NINH-HA-LONG")
    assert [p.person.name for p in halong.participants.all()] == ["Nguyễn Tiến Dũng", "Vũ Thị Đoan"]
    assert halong.instruments.count() == 2
