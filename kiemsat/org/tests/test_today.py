"""Hôm nay: counts first, each kind of work of the user's units, at a fixed cost.

The cast: qn.vientruong leads VKSND tỉnh Quảng Ninh (and approves the months of the units
below it); hagiang.ksv works in another province; halong.ksv enters Hạ Long's figures.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kiemsat.indicators.models import Submission, SubmissionStatus
from kiemsat.lib.periods import Month
from kiemsat.org.models import Partner
from kiemsat.org.today import OLD_DAYS
from kiemsat.oversight.models import Field, Intervention, Kind

TODAY = date(2025, 3, 10)  # a Monday; Hạ Long still exists
OWN, OTHER = "QUANG-NINH", "HA-GIANG"
REASON = "Thiếu số vụ án đã giải quyết, đề nghị bổ sung."


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(timezone.make_aware(timezone.datetime(2025, 3, 10, 8)), tick=False):
        yield


@pytest.fixture
def interventions(units):  # type: ignore[no-untyped-def]
    """interventions(code, n, due=…) → n unanswered interventions of that unit, in bulk."""
    recipient = Partner.objects.order_by("pk").first()
    counter = iter(range(1, 100_000))

    def build(code: str, n: int, *, due: date = TODAY + timedelta(days=2)) -> None:
        Intervention.objects.bulk_create(
            Intervention(
                unit=units[code],
                kind=Kind.RECOMMENDATION,
                field=Field.CRIMINAL,
                number=next(counter),
                symbol="KN-VKS",
                year=2025,
                issued_on=date(2025, 1, 2),
                recipient=recipient,
                subject="Kiến nghị khắc phục vi phạm",
                subject_folded="kien nghi khac phuc vi pham",
                due_on=due,
            )
            for _ in range(n)
        )

    return build


@pytest.fixture
def submissions(units):  # type: ignore[no-untyped-def]
    """submissions(code, n) → n months of that unit submitted and waiting for approval."""

    def build(code: str, n: int, start: int = 0) -> None:
        first = Month(2000, 1).index + start  # long past: last month stays unsent
        Submission.objects.bulk_create(
            Submission(unit=units[code], period=first + i, status=SubmissionStatus.SUBMITTED)
            for i in range(n)
        )

    return build


def home_queries(client) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries), text(response)


def tile(page: str, label: str) -> int:
    """The count a tile shows beside its label."""
    found = re.search(rf'tile__count">([\d.]+)</span>\s*<span class="tile__label">{label}<', page)
    assert found, label
    return int(found.group(1).replace(".", ""))


def test_home_costs_the_same_queries_whatever_the_sector_holds(
    client_for, interventions, submissions, units
):  # type: ignore[no-untyped-def]
    client = client_for("qn.vientruong")
    base = tile(text(client.get(reverse("home"))), "Quá hạn")  # months the units did not send
    interventions(OTHER, 10)
    submissions(OTHER, 10)
    interventions(OWN, 10)
    submissions("QUANG-NINH-HA-LONG", 10)
    small, page = home_queries(client)
    assert tile(page, "Đến hạn trong 7 ngày làm việc") == 10

    interventions(OTHER, 990)
    submissions(OTHER, 990, start=10)
    assert home_queries(client)[0] == small

    interventions(OWN, 190, due=TODAY - timedelta(days=5))
    submissions("QUANG-NINH-HA-LONG", 190, start=10)
    large, page = home_queries(client)
    assert large == small
    assert tile(page, "Quá hạn") == base + 190
    assert tile(page, "Chờ duyệt") == 200
    assert "xem tất cả (200)" in page  # the sections count in SQL, not the rows shown


def test_each_tile_counts_the_rows_of_its_list(client_for, interventions, submissions):  # type: ignore[no-untyped-def]
    interventions(OWN, 3, due=TODAY - timedelta(days=OLD_DAYS + 5))  # old overdue
    interventions("QUANG-NINH-HA-LONG", 2, due=TODAY - timedelta(days=1))
    interventions(OWN, 4, due=TODAY + timedelta(days=1))
    interventions(OWN, 1, due=TODAY + timedelta(days=40))  # not due yet: not shown
    interventions(OTHER, 7, due=TODAY - timedelta(days=1))  # not theirs
    submissions("QUANG-NINH-HA-LONG", 2)
    client = client_for("qn.vientruong")
    response = client.get(reverse("home"))
    tiles = {t.key: t for t in response.context["tiles"]}
    unsent = tiles["chua-gui"].count  # last month, not sent by the units: overdue too
    assert unsent > 0
    assert (tiles["qua-han"].count, tiles["sap-den-han"].count, tiles["cho-duyet"].count) == (
        5 + unsent,
        4,
        2,
    )
    for t in tiles.values():
        listed = client.get(t.url)
        assert listed.status_code == 200
        assert listed.context["count"] == t.count, t.label
        assert text(listed).count('<li class="today-item') == t.count, t.label
    [section] = [s for s in response.context["due_sections"] if s.work.key.startswith("kien")]
    assert (section.total, section.old) == (9, 3)
    assert client.get(section.list_url).context["count"] == 9
    assert client.get(section.old_url).context["count"] == 3


def test_old_overdue_items_are_one_line_not_a_pile(client_for, interventions):  # type: ignore[no-untyped-def]
    interventions(OWN, 12, due=date(2024, 6, 3))
    interventions(OWN, 1, due=TODAY - timedelta(days=2))
    page = text(client_for("qn.vientruong").get(reverse("home")))
    cutoff = (TODAY - timedelta(days=OLD_DAYS)).strftime("%d/%m/%Y")
    assert f"12 việc quá hạn từ trước {cutoff}" in page
    assert page.count("Quá hạn 03/06/2024") == 0  # none of the old ones is listed
    assert page.count("Quá hạn 08/03") == 1
    assert "xem tất cả (13)" in page
    assert 'href="/hom-nay/viec/?loai=kien-nghi-khang-nghi&amp;tinh-trang=qua-han-cu"' in (
        client_for("qn.vientruong").get(reverse("home")).content.decode()
    )


def test_items_of_other_units_never_show(client_for, interventions):  # type: ignore[no-untyped-def]
    client = client_for("qn.vientruong")
    before = tile(text(client.get(reverse("home"))), "Quá hạn")
    interventions(OTHER, 3, due=TODAY - timedelta(days=1))
    assert tile(text(client.get(reverse("home"))), "Quá hạn") == before
    listed = client.get(reverse("today_list"), {"tinh-trang": "qua-han"})
    assert listed.context["count"] == before
    assert "KN-VKS" not in text(listed)
    page = text(client_for("hagiang.ksv").get(reverse("home")))
    assert "Kiến nghị 03/KN-VKS" in page


def test_an_unknown_filter_is_refused(client_for):  # type: ignore[no-untyped-def]
    response = client_for("qn.vientruong").get(reverse("today_list"), {"tinh-trang": "abc"})
    assert response.status_code == 400
    assert "Bộ lọc không hợp lệ" in text(response)


def test_staff_see_a_returned_month_with_its_reason(client_for, units, cast):  # type: ignore[no-untyped-def]
    ha_long = units["QUANG-NINH-HA-LONG"]
    Submission.objects.create(
        unit=ha_long,
        period=Month(2025, 1).index,
        status=SubmissionStatus.RETURNED,
        reopen_reason=REASON,
        decided_by=cast["qn.vientruong"],
        decided_at=timezone.now(),
    )
    page = text(client_for("halong.ksv").get(reverse("home")))
    assert tile(page, "Bị trả lại") == 1
    assert f"Bị trả lại: {REASON}" in page
    assert f"{reverse('figures_entry', args=[ha_long.pk])}?month=2025-01" in page
    assert f"Bị trả lại: {REASON}" in text(client_for("qn.xem").get(reverse("home")))
    assert REASON not in text(client_for("hagiang.ksv").get(reverse("home")))


def test_only_leaders_above_are_asked_to_approve(client_for, submissions):  # type: ignore[no-untyped-def]
    submissions("QUANG-NINH-HA-LONG", 2)
    assert tile(text(client_for("qn.vientruong").get(reverse("home"))), "Chờ duyệt") == 2
    for reader in ("qn.xem", "halong.ksv", "hagiang.ksv"):
        assert tile(text(client_for(reader).get(reverse("home"))), "Chờ duyệt") == 0, reader
