"""Writes: validated before saving, refused whole with a named field, audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kiemsat.audit.models import AuditEntry
from kiemsat.oversight import services
from kiemsat.oversight.models import Event, Field, Intervention, Kind, Outcome
from kiemsat.oversight.tests.conftest import ISSUED, RECEIVED

pytestmark = pytest.mark.django_db


def _refused(call, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """The call is refused on ``field`` with ``text``, and nothing at all is written."""
    before = (Intervention.objects.count(), AuditEntry.objects.count())
    snapshot = list(Intervention.objects.values())
    with pytest.raises(ValidationError) as caught:
        call()
    assert text in " ".join(caught.value.message_dict.get(field, [])), caught.value.message_dict
    assert (Intervention.objects.count(), AuditEntry.objects.count()) == before
    assert list(Intervention.objects.values()) == snapshot


def _data(partners, **changes):  # type: ignore[no-untyped-def]
    values = {
        "kind": Kind.RECOMMENDATION,
        "field": Field.CRIME_REPORTS,
        "number": 1,
        "symbol": "KN-VKS",
        "issued_on": ISSUED,
        "recipient": partners["CA-HA-LONG"],
        "subject": "Kiến nghị",
        "received_on": RECEIVED,
    }
    values.update(changes)
    return services.Registration(**values)


def test_register_computes_due_date_and_audits(make, cast) -> None:
    iv = make()
    assert iv.year == 2025
    assert iv.due_on == date(2025, 2, 3)  # 16/01 + 15 days = 31/01 (Tết) → Monday 03/02
    assert iv.deadline == iv.due_on
    entry = AuditEntry.objects.get(object_id=str(iv.pk), action="oversight.intervention_register")
    assert entry.unit_id == iv.unit_id
    assert entry.changes["number"] == 1


def test_without_receipt_there_is_no_due_date_yet(make) -> None:
    iv = make(received_on=None)
    assert iv.due_on is None


def test_receipt_before_issue_is_refused(make, units, partners) -> None:
    make(number=1)
    _refused(
        lambda: services.intervention_register(
            actor=None,
            unit=units["QUANG-NINH-HA-LONG"],
            data=_data(partners, number=2, received_on=date(2025, 1, 10)),
        ),
        "received_on",
        "không được trước ngày ban hành",
    )


def test_answer_before_receipt_is_refused(make) -> None:
    iv = make()
    _refused(
        lambda: services.intervention_answer(
            actor=None, intervention=iv, answered_on=date(2025, 1, 15), outcome=Outcome.ACCEPTED
        ),
        "answered_on",
        "không được trước ngày cơ quan nhận",
    )


def test_duplicate_number_in_a_year_is_refused_but_not_across_years(make, units, partners) -> None:
    make(number=5)
    _refused(
        lambda: services.intervention_register(
            actor=None,
            unit=units["QUANG-NINH-HA-LONG"],
            data=_data(partners, number=5, symbol="YC-VKS", issued_on=date(2025, 3, 1)),
        ),
        "number",
        "Số 05 năm 2025 đã được dùng",
    )
    other_year = services.intervention_register(
        actor=None,
        unit=units["QUANG-NINH-HA-LONG"],
        data=_data(partners, number=5, issued_on=date(2024, 12, 30), received_on=None),
    )
    assert other_year.year == 2024


def test_extension_must_be_later_than_the_due_date(make) -> None:
    iv = make()
    _refused(
        lambda: services.intervention_extend(
            actor=None,
            intervention=iv,
            notified_on=date(2025, 1, 30),
            extended_to=date(2025, 2, 3),
        ),
        "extended_to",
        "phải sau hạn trả lời 03/02/2025",
    )
    iv.refresh_from_db()
    services.intervention_extend(
        actor=None, intervention=iv, notified_on=date(2025, 1, 30), extended_to=date(2025, 2, 20)
    )
    iv.refresh_from_db()
    assert iv.deadline == date(2025, 2, 20)
    assert AuditEntry.objects.filter(
        object_id=str(iv.pk), action="oversight.intervention_extend"
    ).exists()


def test_extension_without_receipt_is_refused(make) -> None:
    iv = make(received_on=None)
    _refused(
        lambda: services.intervention_extend(
            actor=None, intervention=iv, notified_on=ISSUED, extended_to=date(2025, 3, 1)
        ),
        "extended_to",
        "chưa có ngày nhận",
    )


def test_issue_outside_the_units_life_is_refused(units, partners) -> None:
    _refused(
        lambda: services.intervention_register(
            actor=None,
            unit=units["QUANG-NINH-HA-LONG"],
            data=_data(partners, issued_on=date(2025, 7, 2), received_on=None),
        ),
        "issued_on",
        "không hoạt động vào ngày 02/07/2025",
    )


def test_recipient_that_no_longer_exists_is_refused(units, partners) -> None:
    _refused(
        lambda: services.intervention_register(
            actor=None,
            unit=units["QUANG-NINH"],
            data=_data(
                partners,
                recipient=partners["UBND-HA-LONG"],
                issued_on=date(2025, 8, 1),
                received_on=None,
            ),
        ),
        "recipient",
        "UBND thành phố Hạ Long không hoạt động",
    )


def test_future_dates_are_refused(make) -> None:
    iv = make()
    _refused(
        lambda: services.intervention_answer(
            actor=None, intervention=iv, answered_on=date(2099, 1, 1), outcome=Outcome.ACCEPTED
        ),
        "answered_on",
        "chưa tới",
    )


def test_court_protest_answer_needs_the_courts_decision(make, partners) -> None:
    iv = make(kind=Kind.APPEAL, field=Field.CRIMINAL, recipient=partners["TAND-QUANG-NINH"])
    _refused(
        lambda: services.intervention_answer(
            actor=None, intervention=iv, answered_on=date(2025, 3, 1), outcome=Outcome.ACCEPTED
        ),
        "court_decision",
        "bản án, quyết định của Tòa án",
    )


def test_protest_issued_after_its_time_limit_is_refused(units, partners, rules) -> None:
    data = _data(
        partners,
        kind=Kind.ENFORCEMENT_PROTEST,
        field=Field.CIVIL_ENFORCEMENT,
        recipient=partners["THADS-QUANG-NINH"],
        protest_rule=rules["khang-nghi-thads-cung-cap"],
        decision_received_on=date(2024, 12, 20),  # + 15 days = 04/01/2025, a Saturday → 06/01
    )
    _refused(
        lambda: services.intervention_register(actor=None, unit=units["QUANG-NINH"], data=data),
        "issued_on",
        "quá thời hạn kháng nghị (hạn 06/01/2025",
    )
    data.issued_on = date(2025, 1, 6)
    data.received_on = date(2025, 1, 7)
    iv = services.intervention_register(actor=None, unit=units["QUANG-NINH"], data=data)
    assert services.protest_limit(iv, services.work_calendar()) == date(2025, 1, 6)


def test_protest_rule_is_not_an_answer_rule(units, partners, rules) -> None:
    _refused(
        lambda: services.intervention_register(
            actor=None,
            unit=units["QUANG-NINH"],
            data=_data(partners, rule=rules["khang-nghi-thads-cung-cap"]),
        ),
        "rule",
        "không phải thời hạn trả lời",
    )
    assert rules["khang-nghi-thads-cung-cap"].event == Event.DECISION_RECEIVED


def test_answer_and_update_are_audited_with_changes(make, cast, partners) -> None:
    iv = make()
    services.intervention_answer(
        actor=cast["halong.ksv"],
        intervention=iv,
        answered_on=date(2025, 1, 25),
        outcome=Outcome.PARTLY,
        summary="Đã chấn chỉnh một phần",
    )
    entry = AuditEntry.objects.get(object_id=str(iv.pk), action="oversight.intervention_answer")
    assert entry.actor == cast["halong.ksv"]
    assert entry.changes["outcome"] == [Outcome.PENDING, Outcome.PARTLY]
    data = _data(partners, received_on=date(2025, 1, 17), rule=iv.rule)
    assert services.intervention_update(actor=cast["halong.ksv"], intervention=iv, data=data)
    iv.refresh_from_db()
    assert iv.due_on == date(2025, 2, 3)  # 17/01 + 15 = 01/02 (Tết, Saturday) → 03/02
    update = AuditEntry.objects.get(object_id=str(iv.pk), action="oversight.intervention_update")
    assert update.changes["received_on"] == ["2025-01-16", "2025-01-17"]
    assert not services.intervention_update(actor=cast["halong.ksv"], intervention=iv, data=data)


def test_services_check_the_actor(make, cast) -> None:
    iv = make()
    with pytest.raises(PermissionDenied):
        services.intervention_answer(
            actor=cast["qn.xem"],
            intervention=iv,
            answered_on=date(2025, 1, 20),
            outcome=Outcome.ACCEPTED,
        )


def test_attach_refuses_other_files(make, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    iv = make()
    bad = SimpleUploadedFile("virus.exe", b"MZ")
    _refused(
        lambda: services.intervention_attach(actor=None, intervention=iv, document=bad),
        "document",
        "PDF, Word hoặc ảnh",
    )
    good = SimpleUploadedFile("kn-05.pdf", b"%PDF-1.4")
    services.intervention_attach(actor=None, intervention=iv, document=good)
    iv.refresh_from_db()
    assert iv.document.name.startswith("oversight/")


def test_a_replaced_or_deleted_document_leaves_the_disk_once_committed(  # type: ignore[no-untyped-def]
    make, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.MEDIA_ROOT = tmp_path
    iv = make()
    first = SimpleUploadedFile("kn-05.pdf", b"%PDF-1.4 first")
    second = SimpleUploadedFile("kn-05-ky.pdf", b"%PDF-1.4 second")
    with django_capture_on_commit_callbacks(execute=True):
        services.intervention_attach(actor=None, intervention=iv, document=first)
    old = tmp_path / iv.document.name
    with django_capture_on_commit_callbacks(execute=False) as pending:
        services.intervention_attach(actor=None, intervention=iv, document=second)
    assert old.exists()  # still there until the change commits
    for callback in pending:
        callback()
    new = tmp_path / iv.document.name
    assert (old.exists(), new.read_bytes()) == (False, b"%PDF-1.4 second")
    with django_capture_on_commit_callbacks(execute=True):
        services.intervention_delete(actor=None, intervention=iv)
    assert not new.exists()


def test_delete_keeps_an_audit_row(make) -> None:
    iv = make()
    pk = iv.pk
    services.intervention_delete(actor=None, intervention=iv)
    assert not Intervention.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(object_id=str(pk), action="oversight.intervention_delete")
    assert entry.changes["subject"].startswith("Kiến nghị")


@pytest.mark.django_db(transaction=True)
def test_recompute_command_runs_in_a_transaction_of_its_own(make) -> None:
    """The command is called outside any transaction: the service must open its own
    (audit rows refuse to be written without one)."""
    import io

    from django.core.management import call_command

    from kiemsat.org.models import CalendarDay, DayKind

    iv = make()  # due Monday 03/02/2025
    CalendarDay.objects.create(day=date(2025, 2, 3), kind=DayKind.DAY_OFF)
    out = io.StringIO()
    call_command("recompute_due_dates", stdout=out)
    iv.refresh_from_db()
    assert iv.due_on == date(2025, 2, 4)
    assert "Tính lại hạn: đổi 1" in out.getvalue()
    assert AuditEntry.objects.filter(
        object_id=str(iv.pk), action="oversight.due_recompute"
    ).exists()


def test_recompute_follows_a_new_day_off(make) -> None:
    from kiemsat.org.models import CalendarDay, DayKind

    iv = make()  # due Monday 03/02/2025
    CalendarDay.objects.create(day=date(2025, 2, 3), kind=DayKind.DAY_OFF)
    result = services.due_dates_recompute(actor=None)
    iv.refresh_from_db()
    assert iv.due_on == date(2025, 2, 4)
    assert result.changed >= 1
    assert services.due_dates_recompute(actor=None).changed == 0
