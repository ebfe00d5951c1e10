"""The per-request memo: once within a request, fresh in the next, forgotten on a write."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from kiemsat.lib.request_memo import RequestMemoMiddleware, forget, per_request
from kiemsat.org.access import OrgGraph
from kiemsat.org.models import CalendarDay, DayKind, Level, Unit
from kiemsat.org.selectors import work_calendar


def run_in_request(view):  # type: ignore[no-untyped-def]
    """Call ``view()`` inside a request that the middleware wraps; return what it gave."""
    seen = []

    def get_response(request: HttpRequest) -> HttpResponse:
        seen.append(view())
        return HttpResponse()

    RequestMemoMiddleware(get_response)(RequestFactory().get("/"))
    return seen[0]


def test_outside_a_request_every_call_builds():
    calls: list[int] = []
    per_request("k", lambda: calls.append(1))
    per_request("k", lambda: calls.append(1))
    assert calls == [1, 1]


def test_within_a_request_one_build_until_a_write_forgets_it():
    calls: list[int] = []

    def view() -> list[object]:
        values = [per_request("k", lambda: calls.append(1) or len(calls)) for _ in range(3)]
        forget()
        values.append(per_request("k", lambda: calls.append(1) or len(calls)))
        return values

    assert run_in_request(view) == [1, 1, 1, 2]
    assert run_in_request(lambda: per_request("k", lambda: "next request")) == "next request"


@pytest.mark.django_db
def test_graph_and_calendar_read_once_per_request(django_assert_num_queries):
    def view() -> bool:
        with django_assert_num_queries(2):  # the graph's fingerprint, the calendar table
            graphs = {id(OrgGraph.load()) for _ in range(3)}
            calendars = {id(work_calendar()) for _ in range(3)}
        return len(graphs) == len(calendars) == 1

    OrgGraph.load()  # built in this process already: only its fingerprint is read
    assert run_in_request(view)


@pytest.mark.django_db
def test_the_next_request_sees_a_new_day_off():
    monday = date(2025, 3, 17)
    assert run_in_request(lambda: work_calendar().is_working_day(monday))
    CalendarDay.objects.create(day=monday, kind=DayKind.DAY_OFF, note="Nghỉ bù")
    assert not run_in_request(lambda: work_calendar().is_working_day(monday))


def test_the_next_request_sees_a_new_unit(client_for, units):
    client = client_for("qn.vientruong")
    assert "VKSND thị xã Mới" not in client.get(reverse("unit_tree")).content.decode()
    Unit.objects.create(
        code="QUANG-NINH-MOI",
        name="VKSND thị xã Mới",
        short_name="Thị xã Mới",
        level=Level.LOCAL,
        parent=units["QUANG-NINH"],
    )
    assert "VKSND thị xã Mới" in client.get(reverse("unit_tree")).content.decode()
