"""The demo instruments of seeds 000 and 002, Quảng Trị and the cascade; built idempotently."""

from __future__ import annotations

import io
from datetime import date

import pytest

from kiemsat.agreements import demo
from kiemsat.agreements.models import ClauseKind, Instrument, Status
from kiemsat.agreements.selectors import CoverageState, cascade_coverage, with_status
from kiemsat.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent(units):
    demo.build(io.StringIO())
    counts = (Instrument.objects.count(), AuditEntry.objects.count())
    demo.build(io.StringIO())
    assert (Instrument.objects.count(), AuditEntry.objects.count()) == counts
    assert counts[0] == 5

    by_title = {(i.owner_unit.code, i.title): i for i in with_status(Instrument.objects.all())}
    ha_long_2022 = by_title[("QUANG-NINH-HA-LONG", "Chương trình phối hợp công tác năm 2022")]
    ha_long_2021 = by_title[("QUANG-NINH-HA-LONG", "Chương trình phối hợp công tác năm 2021")]
    assert ha_long_2022.signed_on == date(2022, 1, 18)
    assert ha_long_2022.replaces == ha_long_2021 and ha_long_2021.status == Status.REPLACED
    signatories = {(p.name, p.signatory_name) for p in ha_long_2022.parties.all()}
    assert signatories == {
        ("VKSND thành phố Hạ Long", "Vũ Thị Đoan"),
        ("UBND thành phố Hạ Long", "Nguyễn Tiến Dũng"),
    }
    review = ha_long_2021.reviews.get()
    assert (review.kind, review.held_on) == ("final", date(2022, 1, 18))

    regulation = Instrument.objects.get(owner_unit__code="HA-GIANG")
    assert regulation.signed_on == date(2022, 8, 9)
    assert "Hội trường A" in regulation.venue
    assert regulation.clauses.filter(kind=ClauseKind.CHAPTER).count() == 3
    assert regulation.clauses.filter(kind=ClauseKind.ARTICLE).count() == 9
    assert {p.name for p in regulation.parties.all()} == {
        "Ban cán sự Đảng Viện kiểm sát nhân dân tỉnh Hà Giang",
        "Ban cán sự Đảng Tòa án nhân dân tỉnh Hà Giang",
    }
    assert {p.signatory_name for p in regulation.parties.all()} == {
        "Đặng Bình Giang",
        "Thân Quốc Hùng",
    }

    quang_tri = Instrument.objects.get(owner_unit__code="QUANG-TRI")
    assert quang_tri.signed_on == date(2022, 3, 16)
    assert "238-QĐ/TW" in quang_tri.legal_basis
    assert quang_tri.parties.count() == 3

    provincial = Instrument.objects.get(owner_unit__code="QUANG-NINH")
    assert ha_long_2022.parent == provincial
    states = [row.state for row in cascade_coverage(provincial, date(2026, 1, 1))]
    assert states.count(CoverageState.SIGNED) == 1
    assert states.count(CoverageState.LATE) == len(states) - 1 > 0
