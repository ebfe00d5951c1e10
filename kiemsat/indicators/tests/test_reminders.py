"""Statistics reminders: unsubmitted months for staff, submitted months for approvers."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from kiemsat.indicators.models import Submission, SubmissionStatus
from kiemsat.indicators.reminders import statistics_reminders
from kiemsat.lib.periods import Month
from kiemsat.org.reminders import reminders_for

pytestmark = pytest.mark.django_db

# Reporting on 2024-06 from a local unit is due 2 working days after 30/6 (a Sunday):
# Monday 1/7 and Tuesday 2/7 → 02/07/2024.
JULY = date(2024, 7, 1)


def test_unsubmitted_month_is_due_two_working_days_after_month_end(cast, units):
    halong = units["QUANG-NINH-HA-LONG"]
    items = [r for r in statistics_reminders(JULY) if r.unit_id == halong.pk]
    assert len(items) == 1
    assert items[0].due == date(2024, 7, 2)
    assert not items[0].overdue
    assert "06/2024" in items[0].title


def test_submitted_month_is_not_due_and_goes_to_the_approver(cast, units):
    halong = units["QUANG-NINH-HA-LONG"]
    Submission.objects.create(
        unit=halong, period=Month(2024, 6).index, status=SubmissionStatus.SUBMITTED
    )
    mine = reminders_for(cast["halong.ksv"], JULY)
    assert not any("06/2024" in r.title for r in mine)
    leader = [r for r in reminders_for(cast["qn.vientruong"], JULY) if r.title.startswith("Duyệt")]
    assert [r.unit_id for r in leader] == [units["QUANG-NINH"].pk]
    assert not any(r.title.startswith("Duyệt") for r in reminders_for(cast["qn.xem"], JULY))


@time_machine.travel("2024-07-04 08:00 +0700", tick=False)
def test_home_shows_overdue_submission_and_email_is_sent_once(client_for, cast):
    body = client_for("halong.ksv").get(reverse("home")).content.decode()
    assert "Chưa gửi số liệu tháng 06/2024" in body
    assert "Tháng 06/2024 · VKSND thành phố Hạ Long" in body
    assert '<span class="pill pill--danger">Quá hạn 02/07</span>' in body
    user = cast["halong.ksv"]
    user.email = "halong@example.vn"
    user.save(update_fields=["email"])
    call_command("send_reminders", stdout=io.StringIO())
    call_command("send_reminders", stdout=io.StringIO())
    to_halong = [m for m in mail.outbox if m.to == ["halong@example.vn"]]
    assert len(to_halong) == 1
    assert "QUÁ HẠN" in to_halong[0].body
    assert "06/2024" in to_halong[0].body
