"""Approval both ways: a leader above returns a submitted month with a reason; the unit's
staff read it on the grid, fix the figures and submit again."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from kiemsat.audit.models import AuditEntry
from kiemsat.audit.render import describe
from kiemsat.indicators.models import Submission, SubmissionStatus
from kiemsat.indicators.tests.test_entry import (
    VN,
    action_url,
    grid_url,
    state,
    submitted,
    text,
)

REASON = "Số thụ lý mới lệch với sổ thụ lý, đề nghị kiểm tra lại."
FEBRUARY_2021 = datetime(2021, 2, 15, 9, 0, tzinfo=VN)


@pytest.fixture
def ha_long(units):  # type: ignore[no-untyped-def]
    return units["QUANG-NINH-HA-LONG"]


def send_back(client, unit, reason: str = REASON):  # type: ignore[no-untyped-def]
    return client.post(action_url("submission_return", unit), {"reason": reason}, follow=True)


def test_leader_returns_a_submitted_month_with_its_reason(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    submission = submitted(ha_long, cast)
    response = send_back(client_for("qn.vientruong"), ha_long)
    assert response.status_code == 200
    assert "Đã trả lại số liệu tháng 01/2021 cho đơn vị để sửa." in text(response)
    submission.refresh_from_db()
    assert (submission.status, submission.reopen_reason, submission.decided_by) == (
        SubmissionStatus.RETURNED,
        REASON,
        cast["qn.vientruong"],
    )
    entry = AuditEntry.objects.get(
        action="indicators.submission_return", object_id=str(submission.pk)
    )
    assert (entry.actor, entry.unit_id, entry.changes) == (
        cast["qn.vientruong"],
        ha_long.pk,
        {"reason": REASON},
    )
    [line] = describe([entry])
    assert line.what == "trả lại số liệu tháng để đơn vị sửa"
    assert line.details == [f"Lý do: {REASON}"]


def test_the_grid_shows_who_submitted_and_who_returned_it(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    submitted(ha_long, cast)
    send_back(client_for("qn.vientruong"), ha_long)
    page = text(client_for("halong.ksv").get(grid_url(ha_long)))
    assert f"Bị trả lại: {REASON}" in page
    assert "Gửi duyệt" in page and "Trả lại" in page
    leader = cast["qn.vientruong"]
    assert f"{leader.last_name} {leader.first_name}".strip() in page


def test_the_leader_sees_who_submitted_the_month_and_when(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    with time_machine.travel(FEBRUARY_2021, tick=False):
        submitted(ha_long, cast)
    page = text(client_for("qn.vientruong").get(grid_url(ha_long)))
    staff = cast["halong.ksv"]
    assert f"<dt>Gửi duyệt</dt><dd>{staff.last_name} {staff.first_name}, 09:00 15/02/2021</dd>" in (
        page
    )
    assert "Trả lại để sửa" in page and "<dt>Duyệt</dt>" not in page


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_return_without_a_reason_is_refused(client_for, ha_long, cast, reason):  # type: ignore[no-untyped-def]
    submitted(ha_long, cast)
    before = state()
    response = send_back(client_for("qn.vientruong"), ha_long, reason)
    assert "Cần ghi lý do trả lại" in text(response)
    assert state() == before
    assert Submission.objects.get(unit=ha_long).status == SubmissionStatus.SUBMITTED


@pytest.mark.parametrize(
    ("username", "status"),
    [("halong.ksv", 403), ("qn.xem", 403), ("hagiang.ksv", 404), ("nguoingoai", 404)],
)
def test_only_a_leader_above_returns(client_for, ha_long, cast, username, status):  # type: ignore[no-untyped-def]
    submitted(ha_long, cast)
    before = state()
    response = client_for(username).post(
        action_url("submission_return", ha_long), {"reason": REASON}
    )
    assert response.status_code == status
    assert state() == before


def test_an_approved_month_is_reopened_not_returned(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    submission = submitted(ha_long, cast)
    leader = client_for("qn.vientruong")
    leader.post(action_url("submission_approve", ha_long))
    before = state()
    response = send_back(leader, ha_long)
    assert "không ở trạng thái chờ duyệt" in text(response)
    assert state() == before
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED


def test_staff_fix_and_submit_a_returned_month_again(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    submission = submitted(ha_long, cast)
    send_back(client_for("qn.vientruong"), ha_long)
    with time_machine.travel(FEBRUARY_2021, tick=False):
        staff = client_for("halong.ksv")
        assert staff.get(grid_url(ha_long)).context["can_write"] is True
        response = staff.post(grid_url(ha_long), {"TB_MOI": "6", "TB_DA_GQ": "4"})
        assert response.status_code == 302
        response = staff.post(action_url("submission_submit", ha_long), follow=True)
    assert "Đã gửi số liệu tháng 01/2021" in text(response)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    assert submission.submitted_at == FEBRUARY_2021
    response = client_for("qn.vientruong").post(
        action_url("submission_approve", ha_long), follow=True
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.APPROVED


def test_report_completeness_shows_a_returned_month(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    submitted(ha_long, cast)
    send_back(client_for("qn.vientruong"), ha_long)
    response = client_for("qn.vientruong").get(
        reverse("indicator_completeness"), {"from": "2020-12", "to": "2021-11"}
    )
    assert response.status_code == 200
    assert text(response).count('<td class="sub sub-returned" title="Bị trả lại">') == 1
