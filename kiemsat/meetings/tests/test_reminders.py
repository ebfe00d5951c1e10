"""Tasks on Hôm nay before and after their due date, and in send_reminders."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from kiemsat.meetings import task_services
from kiemsat.meetings.models import TaskStatus
from kiemsat.meetings.reminders import CONFIRM_KIND, KIND
from kiemsat.org.reminders import reminders_for

pytestmark = pytest.mark.django_db


def _mine(user, today: date, kind: str = KIND) -> list:  # type: ignore[no-untyped-def]
    return [r for r in reminders_for(user, today) if r.kind == kind]


def _home(client) -> str:  # type: ignore[no-untyped-def]
    return client.get(reverse("home")).content.decode()


def test_task_shows_on_home_from_the_day_it_is_given(client_for, cast, make_task) -> None:
    task = make_task(title="Rà soát hồ sơ kiến nghị", due_on=date(2025, 6, 30))
    staff = client_for("halong.ksv")
    with time_machine.travel("2025-01-24 09:00 +0700", tick=False):  # long before: own section
        page = _home(staff)
        assert f'<h2 class="section-heading">{KIND}' in page
        assert "Rà soát hồ sơ kiến nghị" in page
        assert reverse("task_detail", args=[task.pk]) in page
        assert not _mine(cast["halong.ksv"], date(2025, 1, 24))
    with time_machine.travel("2025-07-02 09:00 +0700", tick=False):  # after: overdue
        [reminder] = _mine(cast["halong.ksv"], date(2025, 7, 2))
        assert reminder.overdue and reminder.due == date(2025, 6, 30)
        page = _home(client_for("halong.ksv"))  # signed in again: sessions expire meanwhile
        assert "Rà soát hồ sơ kiến nghị" in page and "Quá hạn" in page
    assert "Rà soát hồ sơ kiến nghị" not in _home(client_for("hagiang.ksv"))


def test_done_task_leaves_the_owner_and_asks_the_leader(client_for, cast, make_task) -> None:
    task = make_task(due_on=date(2025, 2, 6))
    with time_machine.travel("2025-02-05 09:00 +0700", tick=False):
        task_services.task_report(actor=None, task=task, status=TaskStatus.DONE, note="Xong")
        today = date(2025, 2, 5)
        assert not [r for r in reminders_for(cast["halong.ksv"], today) if r.kind == KIND]
        assert not [r for r in reminders_for(cast["halong.ksv"], today) if r.kind == CONFIRM_KIND]
        [ask] = [r for r in reminders_for(cast["qn.vientruong"], today) if r.kind == CONFIRM_KIND]
        assert ask.url == reverse("task_detail", args=[task.pk])
        assert not [r for r in reminders_for(cast["qn.xem"], today) if r.kind == CONFIRM_KIND]
        task_services.task_confirm(actor=cast["qn.vientruong"], task=task)
        assert not [
            r for r in reminders_for(cast["qn.vientruong"], today) if r.kind == CONFIRM_KIND
        ]


def test_send_reminders_emails_once(cast, make_task) -> None:
    cast["halong.ksv"].email = "halong@example.vn"
    cast["halong.ksv"].save(update_fields=["email"])
    make_task(title="Báo cáo kết quả rà soát", due_on=date(2025, 2, 6))
    with time_machine.travel("2025-02-06 07:00 +0700", tick=False):
        call_command("send_reminders", stdout=io.StringIO())
        call_command("send_reminders", stdout=io.StringIO())
    mine = [m for m in mail.outbox if m.to == ["halong@example.vn"]]
    assert len(mine) == 1
    assert "Báo cáo kết quả rà soát" in mine[0].body
    assert "hạn 06/02/2025" in mine[0].body
