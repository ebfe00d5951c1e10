"""Past months recorded in bulk (demo, history from another system): audited per unit, the
dashboards' revision moves, existing months are left alone, only leaders above may do it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from kiemsat.audit.models import AuditEntry
from kiemsat.audit.render import describe
from kiemsat.indicators.cache import data_revision
from kiemsat.indicators.models import Submission, SubmissionStatus
from kiemsat.indicators.services import submissions_load
from kiemsat.lib.periods import Month

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = Month(2024, 1), Month(2024, 2), Month(2024, 3)
APPROVED, SUBMITTED = SubmissionStatus.APPROVED, SubmissionStatus.SUBMITTED


def test_loads_new_months_audits_each_unit_and_keeps_existing(
    units, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    ha_long, uong_bi = units["QUANG-NINH-HA-LONG"], units["QUANG-NINH-UONG-BI"]
    Submission.objects.create(unit=ha_long, period=JAN.index, status=SUBMITTED)
    before = data_revision()
    rows = [(ha_long, JAN, APPROVED), (ha_long, FEB, APPROVED), (uong_bi, MAR, SUBMITTED)]
    with django_capture_on_commit_callbacks(execute=True):
        assert submissions_load(actor=None, months=rows) == 2
    saved = dict(
        Submission.objects.filter(unit__in=[ha_long, uong_bi]).values_list("period", "status")
    )
    assert saved == {JAN.index: SUBMITTED, FEB.index: APPROVED, MAR.index: SUBMITTED}
    entries = AuditEntry.objects.filter(action="indicators.submission_record")
    assert {e.unit_id: e.changes for e in entries} == {
        ha_long.pk: {"periods": ["2024-02"]},
        uong_bi.pk: {"periods": ["2024-03"]},
    }
    line = describe([entries.get(unit_id=ha_long.pk)])[0]
    assert line.sentence == "Dữ liệu ban đầu: ghi số liệu tháng"
    assert line.details == ["Các tháng: 02/2024"]
    assert data_revision() != before
    assert submissions_load(actor=None, months=rows) == 0


@pytest.mark.parametrize("username", ["halong.ksv", "qn.xem", "hagiang.ksv"])
def test_only_a_leader_above_may_load(cast, units, username) -> None:  # type: ignore[no-untyped-def]
    rows = [(units["QUANG-NINH-HA-LONG"], FEB, APPROVED)]
    with pytest.raises(PermissionDenied):
        submissions_load(actor=cast[username], months=rows)
    assert not Submission.objects.filter(period=FEB.index).exists()
    assert submissions_load(actor=cast["qn.vientruong"], months=rows) == 1
