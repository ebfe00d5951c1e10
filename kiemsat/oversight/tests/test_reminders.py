"""The clock on given days: due today, due tomorrow, overdue, extended; Hôm nay and emails."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from kiemsat.org.reminders import reminders_for
from kiemsat.org.selectors import work_calendar
from kiemsat.oversight import services
from kiemsat.oversight.clock import Status
from kiemsat.oversight.models import Outcome
from kiemsat.oversight.reminders import KIND
from kiemsat.oversight.selectors import visible_interventions, with_status

pytestmark = pytest.mark.django_db

# Received 16/01/2025 + 15 days = 31/01 (Tết) → due Monday 03/02/2025.
DUE = date(2025, 2, 3)


def _status(user, iv, today):  # type: ignore[no-untyped-def]
    row = visible_interventions(user).get(pk=iv.pk)
    return with_status([row], today=today, calendar=work_calendar())[0].status


def _mine(user, today):  # type: ignore[no-untyped-def]
    return [r for r in reminders_for(user, today) if r.kind == KIND]


@pytest.mark.parametrize(
    ("now", "status", "overdue"),
    [
        ("2025-01-31 08:00 +0700", Status.SOON, False),  # Tết: the next working day is the due day
        ("2025-02-03 08:00 +0700", Status.DUE_TODAY, False),
        ("2025-02-04 08:00 +0700", Status.OVERDUE, True),
    ],
)
def test_status_and_reminder_by_day(make, cast, now, status, overdue) -> None:
    iv = make()
    with time_machine.travel(now, tick=False):
        today = date.fromisoformat(now[:10])
        user = cast["halong.ksv"]
        assert _status(user, iv, today) == status
        [reminder] = _mine(user, today)
        assert reminder.due == DUE
        assert reminder.overdue is overdue
        assert reminder.url == reverse("intervention_detail", args=[iv.pk])


def test_due_tomorrow(make, cast) -> None:
    iv = make()
    with time_machine.travel("2025-02-02 08:00 +0700", tick=False):  # Sunday; due Monday
        assert _status(cast["halong.ksv"], iv, date(2025, 2, 2)) == Status.SOON
        assert [r.due for r in _mine(cast["halong.ksv"], date(2025, 2, 2))] == [DUE]


def test_far_and_answered_items_are_not_reminded(make, cast) -> None:
    make(1, issued_on=date(2025, 1, 2), received_on=date(2025, 1, 3))  # due 20/01 (Mon)
    make(2, answer=(date(2025, 1, 20), Outcome.ACCEPTED))
    make(3, received_on=None)  # no receipt, no due date
    assert _mine(cast["halong.ksv"], date(2025, 1, 6)) == []  # 20/01 is 10 working days away
    reminders = _mine(cast["halong.ksv"], date(2025, 1, 21))
    assert [r.due for r in reminders] == [date(2025, 1, 20)]


def test_extension_replaces_the_due_date(make, cast) -> None:
    iv = make()
    with time_machine.travel("2025-02-04 08:00 +0700", tick=False):
        services.intervention_extend(
            actor=None, intervention=iv, notified_on=date(2025, 2, 1), extended_to=date(2025, 2, 20)
        )
        user = cast["halong.ksv"]
        assert _status(user, iv, date(2025, 2, 4)) == Status.NOT_DUE
        assert _mine(user, date(2025, 2, 4)) == []
    with time_machine.travel("2025-02-21 08:00 +0700", tick=False):
        [reminder] = _mine(cast["halong.ksv"], date(2025, 2, 21))
        assert reminder.due == date(2025, 2, 20) and reminder.overdue
        assert "đã gia hạn" in reminder.title


def test_colleagues_above_see_it_and_outsiders_do_not(make, cast) -> None:
    make()
    today = date(2025, 2, 4)
    assert len(_mine(cast["qn.vientruong"], today)) == 1
    assert len(_mine(cast["qn.xem"], today)) == 1
    assert _mine(cast["hagiang.ksv"], today) == []
    assert _mine(cast["nguoingoai"], today) == []


@time_machine.travel("2025-02-05 08:00 +0700", tick=False)
def test_home_page_and_send_reminders(make, cast, client_for) -> None:
    iv = make()
    body = client_for("halong.ksv").get(reverse("home")).content.decode()
    assert KIND in body and "Kiến nghị 01/KN-VKS · " in body
    assert reverse("intervention_detail", args=[iv.pk]) in body
    assert "Quá hạn 03/02" in body
    outsider = client_for("hagiang.ksv").get(reverse("home")).content.decode()
    assert "01/KN-VKS" not in outsider
    user = cast["halong.ksv"]
    user.email = "halong@example.vn"
    user.save(update_fields=["email"])
    call_command("send_reminders", stdout=io.StringIO())
    call_command("send_reminders", stdout=io.StringIO())
    sent = [m for m in mail.outbox if m.to == ["halong@example.vn"]]
    assert len(sent) == 1
    assert "Kiến nghị số 01/KN-VKS" in sent[0].body
    assert "QUÁ HẠN" in sent[0].body
