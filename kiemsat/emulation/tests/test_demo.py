"""The demo: Cụm thi đua số 6 with its 2021 covenant and an illustrative current year."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kiemsat.emulation import demo
from kiemsat.emulation.models import Score, TermRecord
from kiemsat.emulation.selectors import term_result
from kiemsat.org.models import ClusterTerm

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    "day", [datetime(2026, 3, 10, 9, tzinfo=VN), datetime(2025, 12, 1, 9, tzinfo=VN)]
)
def test_demo_builds_cluster_6_once(units, day):
    with time_machine.travel(day, tick=False):
        demo.build(io.StringIO())
        counts = (Score.objects.count(), ClusterTerm.objects.count(), TermRecord.objects.count())
        demo.build(io.StringIO())
        assert (
            Score.objects.count(),
            ClusterTerm.objects.count(),
            TermRecord.objects.count(),
        ) == counts
    t2020 = ClusterTerm.objects.get(cluster__code="CUM-6", year=2020)
    t2021 = ClusterTerm.objects.get(cluster__code="CUM-6", year=2021)
    assert t2020.leader is not None and t2020.leader.code == "THANH-HOA"
    assert (t2021.leader.code, t2021.deputy.code) == ("NGHE-AN", "QUANG-TRI")  # type: ignore[union-attr]
    covenant = TermRecord.objects.get(term=t2021).covenant
    assert covenant is not None and covenant.kind == "covenant"
    assert sorted(covenant.parties.values_list("unit__code", flat=True)) == sorted(
        t2021.members.values_list("code", flat=True)
    )
    current = ClusterTerm.objects.get(cluster__code="CUM-6", year=2026)  # both days: work year 2026
    assert set(current.members.values_list("code", flat=True)) == {
        "THANH-HOA",
        "NGHE-AN",
        "HA-TINH",
        "QUANG-TRI-2025",
        "HUE",
    }
    assert "minh họa" in TermRecord.objects.get(term=current).note
    result = term_result(current)
    assert result.sheet is not None and result.sheet.illustrative
    assert result.members[0].rank == 1 and all(m.total > 0 for m in result.members)
