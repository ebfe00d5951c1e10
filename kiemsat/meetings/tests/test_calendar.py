"""The month view and the private iCalendar feed."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from kiemsat.meetings.calendar import feed_token, ics, user_for_token

pytestmark = pytest.mark.django_db


def test_month_view_shows_conferences_and_deadlines(client_for, make_task, make_conference) -> None:
    task = make_task()  # the conference on 23/01/2025, the task due 06/02/2025
    make_conference("HA-GIANG", title="Hội nghị của Hà Giang")
    client = client_for("halong.ksv")  # reads the task's conference through its task
    page = client.get(reverse("conference_calendar") + "?thang=01/2025").content.decode()
    assert "Hội nghị triển khai công tác năm 2025" in page
    assert "Hà Giang" not in page
    assert "Hạn: Rà soát" not in page
    page = client.get(reverse("conference_calendar") + "?thang=2025-02").content.decode()
    assert f"Hạn: {task.title}" in page
    assert "06/02/2025" in page
    response = client.get(reverse("conference_calendar") + "?thang=13/2025")
    assert response.status_code == 200
    assert "Tháng không hợp lệ" in response.content.decode()


def test_feed_is_private_and_scoped(client, cast, make_task, make_conference) -> None:
    make_task()
    make_conference("HA-GIANG", title="Hội nghị của Hà Giang", held_on=date(2025, 1, 24))
    token = feed_token(cast["halong.ksv"])
    with time_machine.travel("2025-01-20 08:00 +0700", tick=False):
        response = client.get(reverse("conference_feed", args=[token]))  # no session needed
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20250123" in body
    assert "DTSTART;VALUE=DATE:20250206" in body  # the task's deadline
    assert "Hà Giang" not in body
    forged = token[:-1] + ("1" if token.endswith("0") else "0")
    assert client.get(reverse("conference_feed", args=[forged])).status_code == 404
    user = cast["halong.ksv"]
    user.set_password("mat-khau-moi-2025")
    user.save()
    assert user_for_token(token) is None  # a new password revokes the old address
    assert client.get(reverse("conference_feed", args=[token])).status_code == 404


def test_ics_escapes_and_folds(make_conference) -> None:
    conference = make_conference(
        title="Hội nghị sơ kết; đánh giá, rút kinh nghiệm " * 4, starts_at=time(8, 30)
    )
    text = ics([conference], [], now=datetime(2025, 1, 1), base="https://ks.vn")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20250123T083000" in lines
    assert "DTEND;TZID=Asia/Ho_Chi_Minh:20250123T103000" in lines
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Hội nghị sơ kết\\; đánh giá\\, rút kinh nghiệm" in unfolded
    assert f"URL:https://ks.vn/hoi-nghi/{conference.pk}/" in unfolded
