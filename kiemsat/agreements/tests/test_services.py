"""Writes: validated before saving, audited in the same transaction, nothing half-written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kiemsat.agreements.models import (
    Clause,
    ClauseKind,
    Decision,
    Duty,
    Instrument,
    Party,
    Recurrence,
    Review,
    Status,
)
from kiemsat.agreements.schedule import derive_status
from kiemsat.agreements.selectors import with_status
from kiemsat.agreements.services import instruments, reviews
from kiemsat.agreements.services import parties as parties_services
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.agreements.services.parties import DutyData
from kiemsat.agreements.services.reviews import ReviewData
from kiemsat.agreements.tests.conftest import HA_LONG, PDF_BYTES, PNG_BYTES, register
from kiemsat.audit.models import AuditEntry
from kiemsat.org.models import Partner, Unit

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, ...]:
    return (
        Instrument.objects.count(),
        Party.objects.count(),
        Clause.objects.count(),
        Duty.objects.count(),
        Review.objects.count(),
        AuditEntry.objects.filter(action__startswith="agreements.").count(),
    )


def refused(call, field: str | None = None) -> ValidationError:  # type: ignore[no-untyped-def]
    before = snapshot()
    with pytest.raises(ValidationError) as info:
        call()
    assert snapshot() == before, "nothing may be saved"
    if field is not None:
        assert field in info.value.message_dict
    return info.value


def test_register_saves_parties_owner_search_and_audit(units, cast):
    instrument = register(
        number=5, symbol="CTrPH-VKS-UBND", valid_to=date(2022, 12, 31), actor=cast["halong.ksv"]
    )
    assert instrument.owner_unit.code == HA_LONG
    assert instrument.year == 2022
    assert instrument.number_display == "05/CTrPH-VKS-UBND"
    assert instrument.valid_from == date(2022, 1, 18)  # from signing
    assert [p.name for p in instrument.parties.all()] == [
        "VKSND thành phố Hạ Long",
        "UBND thành phố Hạ Long",
    ]
    assert "vien kiem sat nhan dan thanh pho ha long" in instrument.search_folded
    assert "05/ctrph-vks-ubnd" in instrument.search_folded
    assert instrument.next_review_on == date(2022, 12, 31)
    entry = AuditEntry.objects.get(action="agreements.instrument_register")
    assert entry.actor == cast["halong.ksv"]
    assert entry.unit_id == units[HA_LONG].pk
    assert entry.changes["parties"] == ["VKSND thành phố Hạ Long", "UBND thành phố Hạ Long"]


def test_end_before_start_is_refused(units):
    error = refused(
        lambda: register(valid_from=date(2022, 6, 1), valid_to=date(2022, 5, 31)), "valid_to"
    )
    assert "phải sau ngày bắt đầu hiệu lực" in error.message_dict["valid_to"][0]


def test_a_party_twice_is_refused(units):
    owner = Unit.objects.get(code=HA_LONG)
    partner = Partner.objects.get(code="UBND-HA-LONG")
    data = InstrumentData(kind="programme", title="Chương trình", signed_on=date(2022, 1, 18))
    twice = [PartyData(unit=owner), PartyData(partner=partner), PartyData(partner=partner)]
    error = refused(
        lambda: instruments.instrument_register(actor=None, data=data, parties=twice), "partner"
    )
    assert "hai lần" in error.message_dict["partner"][0]


def test_party_count_and_a_unit_are_required(units):
    partner = Partner.objects.get(code="UBND-HA-LONG")
    court = Partner.objects.get(code="TAND-HA-LONG")
    data = InstrumentData(kind="programme", title="Chương trình")
    alone = [PartyData(unit=Unit.objects.get(code=HA_LONG))]
    error = refused(lambda: instruments.instrument_register(actor=None, data=data, parties=alone))
    assert "từ 2 đến 10 bên" in " ".join(error.messages)
    no_unit = [PartyData(partner=partner), PartyData(partner=court)]
    refused(lambda: instruments.instrument_register(actor=None, data=data, parties=no_unit), "unit")
    many = [PartyData(unit=u) for u in Unit.objects.filter(parent__code="QUANG-NINH")[:11]]
    assert len(many) == 11
    refused(lambda: instruments.instrument_register(actor=None, data=data, parties=many))


def test_party_no_longer_existing_on_signing_day_is_refused(units):
    # UBND thành phố Hạ Long ended on 30/6/2025 with the district level
    refused(lambda: register(signed_on=date(2025, 8, 1)), "unit")


def test_duplicate_number_in_the_same_year_is_refused(units):
    register(number=56, symbol="QCPH-VKS-TA")
    error = refused(lambda: register(number=56, symbol="QCPH-VKS-TA"), "number")
    assert "56/QCPH-VKS-TA năm 2022 đã được dùng" in error.message_dict["number"][0]
    # numbers restart every year, and each unit has its own register
    register(number=56, symbol="QCPH-VKS-TA", signed_on=date(2023, 1, 5))
    register("HA-GIANG", ("TAND-HA-GIANG",), number=56, symbol="QCPH-VKS-TA")


def test_number_needs_a_date(units):
    refused(lambda: register(number=3, symbol="KH-VKS", signed_on=None), "number")


def test_register_needs_staff_on_the_owner(units, cast):
    refused(lambda: register(actor=cast["hagiang.ksv"]), "unit")
    refused(lambda: register(actor=cast["qn.xem"]), "unit")
    register(actor=cast["qn.vientruong"])  # a leader above may register for Hạ Long


def test_update_is_audited_with_the_changes(units, cast):
    instrument = register()
    data = InstrumentData(
        kind="programme",
        title="Chương trình phối hợp năm 2022 (sửa đổi)",
        signed_on=date(2022, 1, 18),
        valid_to=date(2022, 12, 31),
    )
    instruments.instrument_update(actor=cast["halong.ksv"], instrument=instrument, data=data)
    entry = AuditEntry.objects.filter(action="agreements.instrument_update").get()
    assert entry.changes["title"][1] == "Chương trình phối hợp năm 2022 (sửa đổi)"
    assert entry.changes["valid_to"] == [None, "2022-12-31"]
    assert "sua doi" in Instrument.objects.get(pk=instrument.pk).search_folded


def test_update_refuses_bad_dates_and_keeps_the_row(units):
    instrument = register()
    data = InstrumentData(
        kind="programme",
        title="Đổi tên",
        signed_on=date(2022, 1, 18),
        valid_to=date(2021, 1, 1),
    )
    refused(
        lambda: instruments.instrument_update(actor=None, instrument=instrument, data=data),
        "valid_to",
    )
    assert Instrument.objects.get(pk=instrument.pk).title != "Đổi tên"


def test_party_add_and_remove(units, cast):
    instrument = register()
    court = Partner.objects.get(code="TAND-HA-LONG")
    party = parties_services.party_add(
        actor=cast["halong.ksv"],
        instrument=instrument,
        data=PartyData(partner=court, signatory_name="A"),
    )
    assert (
        "toa an nhan dan thanh pho ha long"
        in Instrument.objects.get(pk=instrument.pk).search_folded
    )
    refused(
        lambda: parties_services.party_add(
            actor=None, instrument=instrument, data=PartyData(partner=court)
        ),
        "partner",
    )
    parties_services.party_remove(actor=None, party=party)
    owner = instrument.parties.get(unit__code=HA_LONG)
    with pytest.raises(ValidationError, match="chủ quản"):
        parties_services.party_remove(actor=None, party=owner)
    other = instrument.parties.get(partner__isnull=False)
    with pytest.raises(ValidationError, match="ít nhất 2"):
        parties_services.party_remove(actor=None, party=other)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"agreements.party_add", "agreements.party_remove"} <= actions


def test_clauses_numbering_and_chapters(units):
    instrument = register()
    chapter = parties_services.clause_add(
        actor=None, instrument=instrument, kind=ClauseKind.CHAPTER, number=2, title="Nội dung"
    )
    assert chapter.label == "Chương II"
    article = parties_services.clause_add(
        actor=None,
        instrument=instrument,
        kind=ClauseKind.ARTICLE,
        number=4,
        title="Phối hợp trong giải quyết vụ án",
        text="Từ giai đoạn thụ lý đến khi kết thúc.",
        chapter=chapter,
    )
    assert "thu ly" in Instrument.objects.get(pk=instrument.pk).search_folded
    refused(
        lambda: parties_services.clause_add(
            actor=None, instrument=instrument, kind=ClauseKind.ARTICLE, number=4
        ),
        "number",
    )
    other = register("HA-GIANG", ("TAND-HA-GIANG",))
    foreign = parties_services.clause_add(
        actor=None, instrument=other, kind=ClauseKind.CHAPTER, number=1
    )
    refused(
        lambda: parties_services.clause_add(
            actor=None, instrument=instrument, kind=ClauseKind.ARTICLE, number=5, chapter=foreign
        ),
        "chapter",
    )
    with pytest.raises(ValidationError, match="còn các điều"):
        parties_services.clause_delete(actor=None, clause=chapter)
    parties_services.clause_update(
        actor=None, clause=article, number=4, title="Đổi", text="", chapter=None
    )
    parties_services.clause_delete(actor=None, clause=chapter)
    assert not Clause.objects.filter(pk=chapter.pk).exists()


def test_duty_needs_a_due_date_and_own_parties(units):
    instrument = register()
    own = list(instrument.parties.all())
    stranger = list(register("HA-GIANG", ("TAND-HA-GIANG",)).parties.all())
    refused(
        lambda: parties_services.duty_add(
            actor=None,
            instrument=instrument,
            data=DutyData(title="Báo cáo", recurrence=Recurrence.MONTHLY, responsible=own),
        ),
        "next_due",
    )
    refused(
        lambda: parties_services.duty_add(
            actor=None,
            instrument=instrument,
            data=DutyData(
                title="Báo cáo",
                recurrence=Recurrence.ONCE,
                responsible=stranger,
                next_due=date(2022, 3, 1),
            ),
        ),
        "responsible",
    )
    duty = parties_services.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(title="Theo vụ", recurrence=Recurrence.PER_CASE, responsible=own),
    )
    assert duty.next_due is None


@time_machine.travel(date(2022, 4, 5), tick=False)
def test_duty_done_moves_to_the_next_period_and_once_finishes(units, cast):
    instrument = register()
    own = list(instrument.parties.all())
    quarterly = parties_services.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(
            title="Báo cáo quý",
            recurrence=Recurrence.QUARTERLY,
            responsible=own,
            next_due=date(2022, 3, 31),
        ),
    )
    parties_services.duty_done(
        actor=cast["halong.ksv"], duty=quarterly, done_on=date(2022, 4, 2), result="Đã báo cáo"
    )
    quarterly.refresh_from_db()
    assert quarterly.next_due == date(2022, 6, 30)
    assert (quarterly.last_done_on, quarterly.last_result) == (date(2022, 4, 2), "Đã báo cáo")
    assert quarterly.completions.get().due == date(2022, 3, 31)
    once = parties_services.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(
            title="Hội nghị", recurrence=Recurrence.ONCE, responsible=own, next_due=date(2022, 5, 1)
        ),
    )
    parties_services.duty_done(actor=None, duty=once, done_on=date(2022, 4, 1), result="Đã tổ chức")
    once.refresh_from_db()
    assert once.done and once.next_due is None
    with pytest.raises(ValidationError):
        parties_services.duty_done(
            actor=None, duty=once, done_on=date(2022, 4, 1), result="Lần nữa"
        )
    with pytest.raises(ValidationError) as info:
        parties_services.duty_done(actor=None, duty=quarterly, done_on=date(2022, 4, 6), result="x")
    assert "done_on" in info.value.message_dict
    assert AuditEntry.objects.filter(action="agreements.duty_done").count() == 2


def review(**fields) -> ReviewData:  # type: ignore[no-untyped-def]
    values = {
        "kind": "yearly",
        "held_on": date(2023, 1, 10),
        "period_from": date(2022, 1, 18),
        "period_to": date(2022, 12, 31),
        "decision": Decision.CONTINUE,
    }
    return ReviewData(**(values | fields))


def test_review_sets_the_next_review_and_a_final_one_closes(units):
    instrument = register(review_schedule="yearly")
    assert instrument.next_review_on == date(2023, 1, 18)
    reviews.review_record(actor=None, instrument=instrument, data=review())
    instrument.refresh_from_db()
    assert instrument.next_review_on == date(2024, 1, 10)
    reviews.review_record(
        actor=None, instrument=instrument, data=review(kind="final", held_on=date(2023, 6, 1))
    )
    instrument.refresh_from_db()
    assert instrument.next_review_on is None
    entry = AuditEntry.objects.filter(action="agreements.review_record").first()
    assert entry is not None and entry.changes["next_review_on"] is None


def test_review_bad_periods_are_refused(units):
    instrument = register()
    refused(
        lambda: reviews.review_record(
            actor=None,
            instrument=instrument,
            data=review(period_from=date(2022, 6, 1), period_to=date(2022, 5, 1)),
        ),
        "period_to",
    )
    refused(
        lambda: reviews.review_record(
            actor=None, instrument=instrument, data=review(held_on=date(2021, 1, 1))
        ),
        "held_on",
    )
    refused(
        lambda: reviews.review_record(
            actor=None,
            instrument=instrument,
            data=review(held_on=timezone.localdate() + timedelta(days=1)),
        ),
        "held_on",
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ban-ky.exe", PDF_BYTES, "chỉ nhận bản quét PDF, JPG hoặc PNG"),
        ("ban-ky.pdf", PNG_BYTES, "không phải PDF"),
        ("ban-ky.png", b"", "rỗng"),
        ("ban-ky.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "quá lớn: tối đa 10 MB"),
    ],
)
def test_attachment_type_and_size_limits(units, media, name, content, message):
    instrument = register()
    upload = SimpleUploadedFile(name, content)
    error = refused(
        lambda: instruments.attachment_add(actor=None, instrument=instrument, upload=upload), "file"
    )
    assert message in error.message_dict["file"][0]
    assert not instrument.attachments.exists()


def test_attachment_saved_and_deleted_with_audit(units, media, django_capture_on_commit_callbacks):
    instrument = register()
    upload = SimpleUploadedFile("ban-ky.png", PNG_BYTES)
    attachment = instruments.attachment_add(actor=None, instrument=instrument, upload=upload)
    assert attachment.content_type == "image/png" and attachment.size == len(PNG_BYTES)
    path = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        instruments.attachment_delete(actor=None, attachment=attachment)
    import os

    assert not os.path.exists(path)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "agreements.attachment_add" in actions and "agreements.attachment_delete" in actions


def test_status_is_read_from_the_annotation_never_queried(units, django_assert_num_queries):
    instrument = register()
    plain = Instrument.objects.get(pk=instrument.pk)
    with django_assert_num_queries(0), pytest.raises(LookupError):
        _ = plain.status
    annotated = with_status(Instrument.objects.filter(pk=instrument.pk), date(2024, 5, 15)).get()
    with django_assert_num_queries(0):
        assert annotated.status == Status.IN_FORCE


def test_status_in_sql_matches_the_rule(units):
    today = date(2024, 5, 15)
    old = register(valid_to=date(2022, 12, 31))
    newer = register(signed_on=date(2023, 1, 5), replaces=old, title="Năm 2023")
    expired = register(signed_on=date(2022, 3, 1), valid_to=date(2023, 1, 1), title="Hết hạn")
    draft = register(signed_on=None, title="Dự thảo")
    future = register(signed_on=date(2024, 5, 1), valid_from=date(2024, 6, 1), title="Sắp")
    expected = {
        old.pk: Status.REPLACED,
        newer.pk: Status.IN_FORCE,
        expired.pk: Status.EXPIRED,
        draft.pk: Status.DRAFT,
        future.pk: Status.DRAFT,
    }
    annotated = {i.pk: i.status for i in with_status(Instrument.objects.all(), today)}
    assert annotated == expected
    for instrument in Instrument.objects.all():
        replaced = instrument.pk == old.pk
        assert (
            derive_status(instrument.start_on, instrument.valid_to, replaced=replaced, today=today)
            == expected[instrument.pk]
        )
