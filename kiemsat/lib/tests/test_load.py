"""`make load`'s pieces that can be checked without a server: the sessions it makes get past
both sign-in steps, and its percentiles and report say what was measured."""

from __future__ import annotations

import pytest
from django.test import Client

from bench.load import LoadResult, _percentile, report
from bench.page_bench import signed_in_cookie

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["qn.vientruong", "halong.ksv"])
def test_a_load_session_opens_hom_nay_for_a_leader_and_for_staff(cast, username):
    name, value = signed_in_cookie(cast[username]).split("=")
    client = Client()
    client.cookies[name] = value
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user.username == username
    assert response.wsgi_request.user.is_verified() is (username == "qn.vientruong")


def test_percentiles_are_nearest_rank():
    values = [n / 1000 for n in range(1, 101)]
    assert _percentile(values, 0.50) == pytest.approx(50)
    assert _percentile(values, 0.95) == pytest.approx(95)
    assert _percentile(values, 0.99) == pytest.approx(99)
    assert _percentile([0.2], 0.99) == pytest.approx(200)


def test_the_report_counts_requests_and_errors_per_page_and_overall():
    result = LoadResult(seconds=2.0, load_average=(1.5, 1.0, 0.5))
    result.latencies["Hôm nay"] += [0.1, 0.3]
    result.latencies["API /api/tasks"] += [0.05]
    result.errors["Hôm nay"] += 1
    result.first_error["Hôm nay"] = "/: HTTP 500"
    lines = report(result)
    rows = {line.split()[0]: line.split() for line in lines[1:4]}
    assert rows["API"][2:] == ["1", "0", "50", "50", "50"]
    assert rows["Hôm"][2:] == ["2", "1", "100", "300", "300"]
    assert rows["all"][1:] == ["3", "1", "100", "300", "300"]
    assert lines[4].startswith("1.5 requests/s over 2s; machine load average at the end 1.50")
    assert lines[5] == "first error on Hôm nay: /: HTTP 500"
