"""Instruments for the tests, made through the services like every other write."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from kiemsat.agreements.models import ClauseKind, Decision, Instrument, InstrumentKind, Recurrence
from kiemsat.agreements.services import instruments, reviews
from kiemsat.agreements.services import parties as parties_services
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.agreements.services.parties import DutyData
from kiemsat.agreements.services.reviews import ReviewData
from kiemsat.org.models import Partner, Unit

HA_LONG = "QUANG-NINH-HA-LONG"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n% kiemsat test\n"


def register(
    owner: str = HA_LONG,
    partners: tuple[str, ...] = ("UBND-HA-LONG",),
    *,
    actor: Any = None,
    **fields: Any,
) -> Instrument:
    fields.setdefault("kind", InstrumentKind.PROGRAMME)
    fields.setdefault("title", "Chương trình phối hợp công tác năm 2022")
    fields.setdefault("signed_on", date(2022, 1, 18))
    parties = [
        PartyData(
            unit=Unit.objects.get(code=owner),
            signatory_name="Vũ Thị Đoan",
            signatory_title="Viện trưởng",
            is_host=True,
        )
    ]
    parties += [
        PartyData(
            partner=Partner.objects.get(code=code),
            signatory_name="Nguyễn Tiến Dũng",
            signatory_title="Chủ tịch",
        )
        for code in partners
    ]
    return instruments.instrument_register(
        actor=actor, data=InstrumentData(**fields), parties=parties
    )


@pytest.fixture
def make_instrument(units):  # type: ignore[no-untyped-def]
    return register


@pytest.fixture
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def full_instrument(units, media):  # type: ignore[no-untyped-def]
    """A Hạ Long programme with a chapter, an article, a duty, a review and a scan."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    instrument = register(
        number=56,
        symbol="CTrPH-VKS-UBND",
        valid_to=date(2022, 12, 31),
        cascade_due=date(2022, 3, 31),
        place="Hạ Long",
        legal_basis="Căn cứ Luật Tổ chức Viện kiểm sát nhân dân năm 2014;",
    )
    chapter = parties_services.clause_add(
        actor=None, instrument=instrument, kind=ClauseKind.CHAPTER, number=1, title="Quy định chung"
    )
    article = parties_services.clause_add(
        actor=None,
        instrument=instrument,
        kind=ClauseKind.ARTICLE,
        number=1,
        title="Phạm vi",
        text="Phối hợp giải quyết các vụ án hành chính.",
        chapter=chapter,
    )
    parties_services.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(
            title="Tổng hợp vi phạm, kiến nghị phòng ngừa",
            recurrence=Recurrence.QUARTERLY,
            responsible=list(instrument.parties.all()[:1]),
            next_due=date(2022, 3, 31),
            clause=article,
        ),
    )
    reviews.review_record(
        actor=None,
        instrument=instrument,
        data=ReviewData(
            kind="midterm",
            held_on=date(2022, 7, 1),
            period_from=date(2022, 1, 18),
            period_to=date(2022, 6, 30),
            decision=Decision.CONTINUE,
            results="Đã phối hợp giải quyết 12 vụ án hành chính.",
        ),
    )
    instruments.attachment_add(
        actor=None,
        instrument=instrument,
        upload=SimpleUploadedFile("ban-ky.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    return instrument


@pytest.fixture
def before_the_reorganisation():  # type: ignore[no-untyped-def]
    """halong.ksv registers instruments: on a day VKSND thành phố Hạ Long still existed."""
    with time_machine.travel("2025-03-10 09:00 +0700", tick=False):
        yield
