"""Due dates over Tết, task states by day, refusals that leave nothing behind, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kiemsat.audit.models import AuditEntry
from kiemsat.meetings import selectors, services, task_services
from kiemsat.meetings.models import (
    BridgePoint,
    Conference,
    Measure,
    Person,
    PublishedResult,
    Task,
    TaskStatus,
)
from kiemsat.meetings.selectors import State
from kiemsat.meetings.tests.conftest import HA_GIANG, HA_LONG, QN
from kiemsat.org.models import CalendarDay, DayKind, Partner

pytestmark = pytest.mark.django_db

DUE = date(2025, 2, 6)  # 5 working days after Thu 23/01/2025, Tết skipped


def test_working_days_skip_tet(make_task) -> None:
    task = make_task()
    assert task.due_on == DUE
    assert task.due_working_days == 5
    assert make_task(due_working_days=1).due_on == date(2025, 1, 24)
    assert make_task(due_working_days=2).due_on == date(2025, 2, 3)  # first day after Tết


def test_due_date_given_as_a_date(make_task) -> None:
    task = make_task(due_on=date(2025, 3, 31))
    assert (task.due_on, task.due_working_days) == (date(2025, 3, 31), None)


@pytest.mark.parametrize(
    ("now", "state", "overdue"),
    [
        ("2025-02-05 08:00 +0700", State.NOT_STARTED, False),  # due tomorrow
        ("2025-02-06 08:00 +0700", State.DUE_TODAY, False),
        ("2025-02-07 08:00 +0700", State.OVERDUE, True),
    ],
)
def test_state_by_day(make_task, now, state, overdue) -> None:
    task = make_task()
    with time_machine.travel(now, tick=False):
        today = date.fromisoformat(now[:10])
        assert selectors.state_of(task, today) == state
        assert task.is_overdue(today) is overdue
        overdue_ids = selectors.filter_tasks(
            Task.objects.all(), selectors.TaskFilters(overdue=True), today=today
        ).values_list("pk", flat=True)
        assert (task.pk in overdue_ids) is overdue


def test_completed_late_then_confirmed(make_task, cast) -> None:
    task = make_task()
    with time_machine.travel("2025-02-10 09:00 +0700", tick=False):
        task_services.task_report(
            actor=cast["halong.ksv"], task=task, status=TaskStatus.DONE, note="Đã rà soát xong."
        )
        task.refresh_from_db()
        assert (task.status, task.done_on) == (TaskStatus.DONE, date(2025, 2, 10))
        assert selectors.state_of(task, date(2025, 2, 10)) == State.AWAITING
        assert not task.is_overdue(date(2025, 2, 10))
        with pytest.raises(Http404):  # Hạ Long does not see Quảng Ninh, its organiser
            task_services.task_confirm(actor=cast["halong.ksv"], task=task)
        with pytest.raises(PermissionDenied):  # a viewer of Quảng Ninh is no leader
            task_services.task_confirm(actor=cast["qn.xem"], task=task)
        task_services.task_confirm(actor=cast["qn.vientruong"], task=task)
    task.refresh_from_db()
    assert task.confirmed_on == date(2025, 2, 10)
    assert task.confirmed_by == cast["qn.vientruong"]
    assert task.late
    assert selectors.state_of(task, date(2025, 3, 1)) == State.DONE_LATE
    actions = list(
        AuditEntry.objects.filter(object_type="meetings.task", object_id=str(task.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["meetings.task_add", "meetings.task_report", "meetings.task_confirm"]


def test_task_due_before_the_conference_is_refused(make_task, conclusion) -> None:
    before = (Task.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        make_task(due_on=date(2025, 1, 22))
    assert "trước ngày hội nghị 23/01/2025" in exc.value.message_dict["due_on"][0]
    with pytest.raises(ValidationError) as exc:
        make_task(due_on=date(2025, 3, 1), due_working_days=3)
    assert "không nhập cả hai" in exc.value.message_dict["due_on"][0]
    assert (Task.objects.count(), AuditEntry.objects.count()) == before


def test_task_for_an_ended_unit_is_refused(units, conclusion) -> None:
    conference = conclusion.conference
    conference.held_on = date(2025, 8, 1)  # Hạ Long ended on 30/06/2025
    conference.save(update_fields=["held_on"])
    data = task_services.TaskData(title="X", unit=units[HA_LONG], due_on=date(2025, 9, 1))
    with pytest.raises(ValidationError) as exc:
        task_services.task_add(actor=None, conclusion=conclusion, data=data)
    assert "không hoạt động vào ngày 01/08/2025" in exc.value.message_dict["unit"][0]
    assert not Task.objects.exists()


def test_conference_of_an_ended_organiser_after_its_end_is_refused(make_conference) -> None:
    before = (Conference.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        make_conference(HA_LONG, held_on=date(2025, 7, 1))
    assert "VKSND thành phố Hạ Long không hoạt động vào ngày 01/07/2025" in str(exc.value)
    assert (Conference.objects.count(), AuditEntry.objects.count()) == before
    assert make_conference(HA_LONG, held_on=date(2025, 6, 30)).pk


def test_bridge_point_of_an_ended_unit_is_refused(units, make_conference) -> None:
    before = (Conference.objects.count(), BridgePoint.objects.count())
    with pytest.raises(ValidationError) as exc:
        make_conference(held_on=date(2025, 9, 15), online=True, bridge_units=[units[HA_LONG]])
    assert "Điểm cầu: VKSND thành phố Hạ Long" in exc.value.message_dict["bridge_units"][0]
    assert (Conference.objects.count(), BridgePoint.objects.count()) == before
    conference = make_conference(
        online=True, bridge_units=[units[HA_LONG]], bridge_places=["Hội trường UBND huyện"]
    )
    assert [str(b) for b in conference.bridge_points.all()] == [
        "VKSND thành phố Hạ Long",
        "Hội trường UBND huyện",
    ]


def test_online_needs_a_bridge_point(make_conference) -> None:
    with pytest.raises(ValidationError) as exc:
        make_conference(online=True)
    assert "ít nhất một điểm cầu" in exc.value.message_dict["bridge_units"][0]


def test_record_is_audited_with_its_links(units, make_conference) -> None:
    partner = Partner.objects.get(code="UBND-QUANG-NINH")
    conference = make_conference(partners=[partner], co_units=[units[HA_LONG]])
    entry = AuditEntry.objects.get(action="meetings.conference_record")
    assert entry.object_id == str(conference.pk)
    assert entry.unit_id == units[QN].pk
    assert entry.changes["partners"] == [partner.pk]
    assert entry.changes["co_units"] == [units[HA_LONG].pk]


def test_people_are_reused(make_conference) -> None:
    first = make_conference()
    second = make_conference(title="Hội nghị sơ kết")
    for conference in (first, second):
        services.participant_add(
            actor=None,
            conference=conference,
            role="chu_tri",
            name="Vũ Thị Đoan",
            title="Viện trưởng",
            organisation="VKSND TP Hạ Long",
        )
    assert Person.objects.filter(name="Vũ Thị Đoan").count() == 1
    assert Person.objects.get().participations.count() == 2


def test_progress_report_refusals_change_nothing(make_task, cast) -> None:
    task = make_task()
    before = AuditEntry.objects.count()
    with time_machine.travel("2025-02-03 09:00 +0700", tick=False):
        with pytest.raises(ValidationError) as exc:
            task_services.task_report(actor=cast["halong.ksv"], task=task, status="x", note="")
        assert set(exc.value.message_dict) == {"status", "note"}
        with pytest.raises(ValidationError) as exc:
            task_services.task_report(
                actor=cast["halong.ksv"],
                task=task,
                status=TaskStatus.IN_PROGRESS,
                note="Đang làm",
                reported_on=date(2025, 2, 4),
            )
        assert "chưa tới" in exc.value.message_dict["reported_on"][0]
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED
    assert AuditEntry.objects.count() == before


def test_reopen_sends_back_to_in_progress(make_task, cast) -> None:
    task = make_task()
    with time_machine.travel("2025-02-04 09:00 +0700", tick=False):
        task_services.task_report(actor=None, task=task, status=TaskStatus.DONE, note="Xong")
        task_services.task_reopen(actor=cast["qn.vientruong"], task=task, reason="Thiếu tài liệu")
    task.refresh_from_db()
    assert (task.status, task.done_on) == (TaskStatus.IN_PROGRESS, None)


# --- the printed-figure check --------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "printed", "computed", "wrong"),
    [
        (127, 129, "98.5", "98.4", True),  # 98,4496…: the seed's double rounding
        (127, 129, "98.4", "98.4", False),
        (59, 60, "98.3", "98.3", False),  # 98,333…
        (130, 130, "100.0", "100.0", False),
        (1, 8, "12.5", "12.5", False),  # exactly 12,5
        (1, 16, "6.3", "6.3", False),  # 6,25 → half up 6,3
        (1, 16, "6.2", "6.3", True),  # half down would say 6,2
        (1, 3, "33.4", "33.3", True),
    ],
)
def test_printed_percent_check(part, whole, printed, computed, wrong) -> None:
    result = PublishedResult(
        measure=Measure.MET, part=part, whole=whole, printed_percent=Decimal(printed)
    )
    assert result.computed_percent == Decimal(computed)
    assert result.printed_wrong is wrong


def test_result_refusals(make_conference) -> None:
    conference = make_conference()
    with pytest.raises(ValidationError) as exc:
        services.result_add(
            actor=None,
            conference=conference,
            data=services.ResultData(measure=Measure.MET, part=130, whole=129),
        )
    assert "không được lớn hơn tổng số (129)" in exc.value.message_dict["part"][0]
    with pytest.raises(ValidationError) as exc:
        services.result_add(
            actor=None,
            conference=conference,
            data=services.ResultData(
                measure=Measure.MET, part=1, whole=2, period_from="2020-13", period_to=""
            ),
        )
    assert set(exc.value.message_dict) == {"period_from", "period_to"}
    assert not PublishedResult.objects.exists()


def test_hagiang_is_untouched_by_a_partner(units, make_conference) -> None:
    """Naming the Hà Giang court as partner gives Hà Giang's users nothing."""
    conference = make_conference(partners=[Partner.objects.get(code="TAND-HA-GIANG")])
    assert units[HA_GIANG].pk not in {u.pk for u in conference.co_units.all()}


def test_an_extra_day_off_moves_working_day_dues(make_task, cast) -> None:
    """The admin adds 05/02/2025 as a day off: a 5-working-day task moves to 07/02, a task
    due on a given date and a completed one stay."""
    counted = make_task()
    fixed = make_task(due_on=date(2025, 2, 6))
    done = make_task(due_working_days=1)
    task_services.task_report(actor=None, task=done, status=TaskStatus.DONE, note="Xong")
    CalendarDay.objects.create(day=date(2025, 2, 5), kind=DayKind.DAY_OFF)
    message = task_services.calendar_changed(actor=cast["admin"])
    assert message.endswith("đổi 1.")
    for task in (counted, fixed, done):
        task.refresh_from_db()
    assert (counted.due_on, fixed.due_on, done.due_on) == (
        date(2025, 2, 7),
        date(2025, 2, 6),
        date(2025, 1, 24),
    )
    entry = AuditEntry.objects.get(action="meetings.task_due_recompute")
    assert entry.changes == {"due_on": ["2025-02-06", "2025-02-07"]}
