"""Terms (rotation, eligibility), scoring, the lock and the ranking, through the services."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiemsat.audit.models import AuditEntry
from kiemsat.emulation import services, term_services
from kiemsat.emulation.models import Exclusion, Score, TermRecord
from kiemsat.emulation.selectors import term_result
from kiemsat.emulation.services import SelfEntry
from kiemsat.emulation.tests.conftest import LEADER, YEAR, set_figures
from kiemsat.org.models import ClusterTerm

pytestmark = pytest.mark.django_db
HA_LONG, CAM_PHA, UONG_BI, MONG_CAI = (
    "QUANG-NINH-HA-LONG",
    "QUANG-NINH-CAM-PHA",
    "QUANG-NINH-UONG-BI",
    "QUANG-NINH-MONG-CAI",
)


def _next_term(term: ClusterTerm) -> ClusterTerm:
    nxt = ClusterTerm.objects.create(cluster=term.cluster, year=term.year + 1)
    nxt.members.set(term.members.all())
    return nxt


# --- rotation and eligibility -------------------------------------------------------------


def test_a_unit_cannot_lead_two_years_running(term, units, cast):
    nxt = _next_term(term)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        term_services.term_set_officers(
            actor=cast["qn.vientruong"], term=nxt, leader=units[LEADER], deputy=None
        )
    assert "đã là cụm trưởng năm 2024" in exc.value.message_dict["leader"][0]
    nxt.refresh_from_db()
    assert nxt.leader_id is None and AuditEntry.objects.count() == before


def test_a_unit_not_considered_last_year_cannot_lead_or_deputise(term, units, cast):
    Exclusion.objects.create(term=term, unit=units[HA_LONG], reason="Có cán bộ vi phạm")
    nxt = _next_term(term)
    with pytest.raises(ValidationError) as exc:
        term_services.term_set_officers(
            actor=cast["qn.vientruong"], term=nxt, leader=units[UONG_BI], deputy=units[HA_LONG]
        )
    assert "không được xét thi đua năm 2024" in exc.value.message_dict["deputy"][0]
    with pytest.raises(ValidationError, match="không thể làm cụm trưởng"):
        term_services.term_set_officers(
            actor=cast["qn.vientruong"], term=nxt, leader=units[HA_LONG], deputy=None
        )
    term_services.term_set_officers(
        actor=cast["qn.vientruong"], term=nxt, leader=units[UONG_BI], deputy=units[MONG_CAI]
    )
    nxt.refresh_from_db()
    assert (nxt.leader_id, nxt.deputy_id) == (units[UONG_BI].pk, units[MONG_CAI].pk)
    assert AuditEntry.objects.filter(action="emulation.term_set_officers").count() == 1


def test_only_the_managing_unit_names_officers(term, units, cast):
    with pytest.raises(PermissionDenied):
        term_services.term_set_officers(
            actor=cast["halong.ksv"], term=term, leader=units[HA_LONG], deputy=None
        )


def test_opening_next_year_copies_members_and_proposes_the_next_leader(term, units, cast):
    Exclusion.objects.create(term=term, unit=units[MONG_CAI], reason="Không xét")
    nxt = term_services.term_open(actor=cast["qn.vientruong"], cluster=term.cluster, year=YEAR + 1)
    assert set(nxt.members.values_list("code", flat=True)) == {HA_LONG, CAM_PHA, UONG_BI, MONG_CAI}
    # Name order: Cẩm Phả, Hạ Long, Móng Cái, Uông Bí; after Cẩm Phả comes Hạ Long.
    assert nxt.leader is not None and nxt.leader.code == HA_LONG
    assert AuditEntry.objects.filter(action="emulation.term_create").count() == 1
    with pytest.raises(ValidationError, match="đã có thành phần năm 2025"):
        term_services.term_open(actor=cast["qn.vientruong"], cluster=term.cluster, year=YEAR + 1)


# --- scoring ------------------------------------------------------------------------------


def test_self_assessment_then_adjustment_keeps_both(term, units, cast, campha_leader):
    halong = units[HA_LONG]
    services.scores_self_assess(
        actor=cast["halong.ksv"],
        term=term,
        unit=halong,
        entries={"1.2": SelfEntry("8,5", "Hồ sơ đạt chuẩn"), "THUONG": SelfEntry("2")},
    )
    services.score_adjust(
        actor=campha_leader, term=term, unit=halong, code="1.2", points="7", reason="Thiếu 2 hồ sơ"
    )
    score = Score.objects.get(term=term, unit=halong, criterion__code="1.2")
    assert (score.self_points, score.adjusted_points, score.points) == (D("8.5"), D(7), D(7))
    assert score.adjust_reason == "Thiếu 2 hồ sơ" and score.evidence == "Hồ sơ đạt chuẩn"
    assert term_result(term).member(halong).total == D(9)
    actions = list(
        AuditEntry.objects.filter(action__startswith="emulation.score").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["emulation.score_adjust", *["emulation.score_self_assess"] * 2]


@pytest.mark.parametrize(
    ("code", "points", "message"),
    [
        ("1.2", "10,5", "vượt điểm tối đa 10"),
        ("1.1", "5", "tính theo kết quả chỉ tiêu"),
        ("9.9", "1", "không có tiêu chí '9.9'"),
        ("1", "1", "là nhóm tiêu chí"),
        ("2", "-1", "không được âm"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_written(term, units, cast, code, points, message):
    entries = {"2": SelfEntry("20"), code: SelfEntry(points)}
    with pytest.raises(ValidationError, match=message):
        services.scores_self_assess(
            actor=cast["halong.ksv"], term=term, unit=units[HA_LONG], entries=entries
        )
    assert not Score.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="emulation.score").exists()


def test_a_member_scores_only_itself_and_adjusting_needs_the_leader(term, units, cast):
    with pytest.raises(PermissionDenied):
        services.scores_self_assess(
            actor=cast["halong.ksv"], term=term, unit=units[UONG_BI], entries={"2": SelfEntry("1")}
        )
    with pytest.raises(PermissionDenied):
        services.score_adjust(
            actor=cast["halong.ksv"],
            term=term,
            unit=units[HA_LONG],
            code="2",
            points="1",
            reason="x",
        )
    with pytest.raises(ValidationError, match="Cần ghi lý do"):
        services.score_adjust(
            actor=cast["qn.vientruong"],
            term=term,
            unit=units[HA_LONG],
            code="2",
            points="1",
            reason=" ",
        )
    assert not Score.objects.exists()


def test_lock_freezes_the_scores_and_reopen_needs_a_reason(term, units, cast):
    with pytest.raises(PermissionDenied):
        services.scores_lock(actor=cast["halong.ksv"], term=term)
    services.scores_lock(actor=cast["qn.vientruong"], term=term)
    assert TermRecord.objects.get(term=term).locked
    with pytest.raises(ValidationError, match="đã được duyệt và khóa"):
        services.scores_self_assess(
            actor=cast["halong.ksv"], term=term, unit=units[HA_LONG], entries={"2": SelfEntry("1")}
        )
    with pytest.raises(ValidationError, match="lý do"):
        services.scores_reopen(actor=cast["qn.vientruong"], term=term, reason="")
    services.scores_reopen(actor=cast["qn.vientruong"], term=term, reason="Sai số liệu")
    assert not TermRecord.objects.get(term=term).locked
    actions = AuditEntry.objects.filter(
        action__in=["emulation.scores_lock", "emulation.scores_reopen"]
    )
    assert actions.count() == 2


# --- indicator-sourced leaves and the ranking ---------------------------------------------


def test_an_indicator_leaf_follows_the_figures_on_the_boundary(term, units):
    """KNTC-01 (>= 90%): 9/10 is met (DAT, 6 points), one more settled is exceeded (10)."""
    halong = units[HA_LONG]
    set_figures(halong, {"KNTC_TON_DAU": 0, "KNTC_MOI": 10, "KNTC_DA_GQ": 9})
    leaf = term_result(term).member(halong).leaves["1.1"]
    assert leaf.statuses == [("KNTC-01", "DAT"), ("XX-02", "CHUA_BAO_CAO")]
    assert leaf.points == D(6)
    set_figures(halong, {"KNTC_DA_GQ": 10})
    leaf = term_result(term).member(halong).leaves["1.1"]
    assert leaf.statuses[0] == ("KNTC-01", "VUOT") and leaf.points == D(10)
    set_figures(halong, {"KNTC_DA_GQ": 8})  # 80%: not met, -2 clamped to 0
    assert term_result(term).member(halong).leaves["1.1"].points == D(0)


def test_ranking_shares_ties_and_lists_the_excluded_unranked(term, units, cast):
    for code, points in ((HA_LONG, "20"), (CAM_PHA, "25,5"), (UONG_BI, "20"), (MONG_CAI, "30")):
        services.scores_self_assess(
            actor=None, term=term, unit=units[code], entries={"2": SelfEntry(points)}
        )
    term_services.exclusion_record(
        actor=cast["qn.vientruong"], term=term, unit=units[MONG_CAI], reason="Có vụ án tham nhũng"
    )
    rows = [(m.unit.code, m.rank, m.total, m.band, m.excluded) for m in term_result(term).members]
    assert rows == [
        (CAM_PHA, 1, D("25.5"), "Hoàn thành tốt nhiệm vụ", ""),
        (HA_LONG, 2, D(20), "Hoàn thành nhiệm vụ", ""),
        (UONG_BI, 2, D(20), "Hoàn thành nhiệm vụ", ""),
        (MONG_CAI, None, D(30), "", "Có vụ án tham nhũng"),
    ]
