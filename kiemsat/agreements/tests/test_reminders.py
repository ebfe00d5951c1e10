"""Reviews and duties due within 7 working days, or overdue, on Hôm nay and by email."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from kiemsat.agreements.models import Recurrence
from kiemsat.agreements.reminders import DUTY_KIND, REVIEW_KIND, agreement_reminders
from kiemsat.agreements.services import parties
from kiemsat.agreements.services.parties import DutyData
from kiemsat.agreements.tests.conftest import register
from kiemsat.org.selectors import work_calendar

pytestmark = pytest.mark.django_db

# Thursday before the 30/4 and 1/5 holidays: 7 working days reach Wednesday 8/5.
TODAY = date(2024, 4, 25)


@pytest.fixture
def emails(cast):  # type: ignore[no-untyped-def]
    for user in cast.values():
        user.email = f"{user.username}@kiemsat.test"
        user.save(update_fields=["email"])
    return cast


def due_in(working_days: int) -> date:
    return work_calendar().add_working_days(TODAY, working_days)


def review_due(on: date, title: str = "Chương trình phối hợp công tác năm 2024"):  # type: ignore[no-untyped-def]
    """An instrument whose only review is the tổng kết at its end, on ``on``."""
    return register(title=title, signed_on=date(2024, 1, 15), valid_to=on, review_schedule="none")


def home(client_for, username: str) -> str:  # type: ignore[no-untyped-def]
    return client_for(username).get(reverse("home")).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_review_due_in_seven_working_days_shows_on_today(client_for, units):
    seventh, eighth = due_in(7), due_in(8)
    assert (seventh - TODAY).days > 7  # the holidays push it beyond a calendar week
    soon = review_due(seventh, "Chương trình sắp tổng kết")
    review_due(eighth, "Chương trình còn xa")
    assert soon.next_review_on == seventh
    page = home(client_for, "halong.ksv")
    assert "Chương trình sắp tổng kết" in page
    assert f'<span class="pill pill--warning">hạn {seventh:%d/%m}</span>' in page
    assert REVIEW_KIND in page and "Tổng kết" in page
    assert "Chương trình còn xa" not in page
    assert "Chương trình sắp tổng kết" in home(client_for, "qn.xem")  # the unit above
    assert "Chương trình sắp tổng kết" not in home(client_for, "hagiang.ksv")


@time_machine.travel(TODAY, tick=False)
def test_overdue_review_is_flagged(client_for, units):
    review_due(TODAY - timedelta(days=3), "Chương trình quá hạn tổng kết")
    reminders = [r for r in agreement_reminders(TODAY) if "quá hạn tổng kết" in r.title]
    assert len(reminders) == 1 and reminders[0].overdue
    page = home(client_for, "halong.ksv")
    item = page[page.index("Chương trình quá hạn tổng kết") - 300 :]
    assert 'class="today-item overdue"' in item[:400] and "Quá hạn" in item


@time_machine.travel(TODAY, tick=False)
def test_replaced_instrument_reminds_nothing(units):
    old = review_due(TODAY - timedelta(days=3), "Cũ")
    register(title="Mới", signed_on=TODAY - timedelta(days=1), replaces=old)
    assert not [r for r in agreement_reminders(TODAY) if r.title.startswith("Tổng kết Cũ")]


@time_machine.travel(TODAY, tick=False)
def test_duty_due_soon_goes_to_the_responsible_unit(client_for, units):
    instrument = register(title="Chương trình có nhiệm vụ", signed_on=date(2024, 1, 15))
    procuracy = instrument.parties.filter(unit__isnull=False).get()
    parties.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(
            title="Báo cáo kết quả phối hợp quý I",
            recurrence=Recurrence.QUARTERLY,
            responsible=[procuracy],
            next_due=due_in(3),
        ),
    )
    page = home(client_for, "halong.ksv")
    assert DUTY_KIND in page and "Báo cáo kết quả phối hợp quý I" in page


@time_machine.travel(TODAY, tick=False)
def test_send_reminders_emails_once(emails, units):
    review_due(due_in(7), "Chương trình sắp tổng kết")
    review_due(TODAY - timedelta(days=2), "Chương trình quá hạn")
    call_command("send_reminders", stdout=io.StringIO())
    ours = [m for m in mail.outbox if "Chương trình sắp tổng kết" in m.body]
    # staff of Hạ Long and the leader above; not the viewer, not the other province
    assert sorted(m.to[0] for m in ours) == [
        "halong.ksv@kiemsat.test",
        "qn.vientruong@kiemsat.test",
    ]
    body = ours[0].body
    assert "Chương trình quá hạn" in body
    assert "[QUÁ HẠN] Tổng kết Chương trình quá hạn" in body
    assert "[sắp đến hạn] Tổng kết Chương trình sắp tổng kết" in body
    assert f"hạn {due_in(7):%d/%m/%Y}" in body
    assert "quá hạn" in ours[0].subject
    sent = len(mail.outbox)
    call_command("send_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == sent  # the second run of the day sends nothing new


def test_reminder_keys_are_stable(units):
    instrument = review_due(date(2024, 5, 8))
    with time_machine.travel(TODAY, tick=False):
        first = [r.key for r in agreement_reminders(TODAY)]
    with time_machine.travel(TODAY + timedelta(days=1), tick=False):
        second = [r.key for r in agreement_reminders(TODAY + timedelta(days=1))]
    expected = f"agreements.review:{instrument.pk}:2024-05-08"
    assert expected in first and expected in second


@time_machine.travel(date(2022, 3, 25), tick=False)
def test_subordinates_are_reminded_to_sign_their_own(client_for, units):
    parent = register(
        "QUANG-NINH",
        ("UBND-QUANG-NINH",),
        signed_on=date(2022, 1, 10),
        cascade_due=date(2022, 3, 31),
        title="Chương trình cấp tỉnh",
    )
    page = home(client_for, "halong.ksv")
    assert "Ký văn bản thực hiện Chương trình cấp tỉnh" in page
    assert f"cap_tren={parent.pk}" in page
    register(parent=parent, title="Hạ Long 2022", signed_on=date(2022, 3, 20))
    assert "Ký văn bản thực hiện Chương trình cấp tỉnh" not in home(client_for, "halong.ksv")
