"""Title proposals: rules as data, derived from the ranking and bands, the sector's flag only
with 80% of the cluster's votes, written by the leader's unit, locked with the scores."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conftest import sign_in
from kiemsat.audit.models import AuditEntry
from kiemsat.emulation import proposal_services, services, titles
from kiemsat.emulation.models import Exclusion, Proposal
from kiemsat.emulation.services import SelfEntry
from kiemsat.emulation.tests.conftest import CAM_PHA, HA_LONG, MONG_CAI, UONG_BI

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(term, units):  # type: ignore[no-untyped-def]
    """Cẩm Phả 40 (xuất sắc, 1st), Hạ Long 25 (tốt), Uông Bí 12, Móng Cái 5."""
    for code, entries in (
        (CAM_PHA, {"2": "30", "1.2": "10"}),
        (HA_LONG, {"2": "25"}),
        (UONG_BI, {"2": "12"}),
        (MONG_CAI, {"2": "5"}),
    ):
        services.scores_self_assess(
            actor=None,
            term=term,
            unit=units[code],
            entries={k: SelfEntry(v) for k, v in entries.items()},
        )
    return term


def _state():  # type: ignore[no-untyped-def]
    return (
        sorted(Proposal.objects.values_list("unit__code", "title", "votes_for")),
        AuditEntry.objects.count(),
    )


def _propose(term, units, code, title, votes=None):  # type: ignore[no-untyped-def]
    return proposal_services.proposal_save(
        actor=None, term=term, unit=units[code], title=title, votes_for=votes
    )


# --- the rules as data ---------------------------------------------------------------------


def test_rules_load_in_order_and_bad_rules_are_named():
    assert [r.name for r in titles.rules()] == [
        "Tập thể lao động tiên tiến",
        "Tập thể lao động xuất sắc",
        "Cờ thi đua của ngành",
        "Cờ thi đua của Chính phủ",
    ]
    assert titles.rule_for("CO-NGANH").min_vote_percent == 80  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="danh hiệu X: không rõ bands"):
        titles.parse_rules({"titles": [{"code": "X", "name": "Y", "bands": []}]})
    with pytest.raises(ValueError, match="requires 'Z' không có"):
        titles.parse_rules({"titles": [{"code": "X", "name": "Y", "requires": "Z"}]})


@pytest.mark.parametrize(
    ("votes", "voters", "ok"),
    [(4, 5, True), (3, 5, False), (80, 100, True), (79, 100, False), (6, 6, True), (4, 6, False)],
)
def test_the_flag_needs_eighty_percent_of_the_votes(votes, voters, ok):
    rule = titles.rule_for("CO-NGANH")
    assert rule is not None
    assert (titles.vote_problem(rule, votes, voters) == "") is ok


def test_standing_rules():
    flag = titles.rule_for("CO-NGANH")
    advanced = titles.rule_for("TIEN-TIEN")
    assert flag is not None and advanced is not None
    assert titles.standing_problems(flag, 1, 1) == []
    assert titles.standing_problems(flag, 2, 1) == ["cần dẫn đầu cụm"]
    assert titles.standing_problems(advanced, 3, 2) == []
    assert titles.standing_problems(advanced, 3, 3) == ["cần xếp loại thuộc 2 mức cao nhất"]
    assert titles.standing_problems(advanced, None, None) == ["không được xếp hạng trong cụm"]


# --- services ------------------------------------------------------------------------------


def test_derive_from_the_ranking_is_idempotent_and_audited(scored, units):
    assert proposal_services.proposals_derive(actor=None, term=scored) == 2
    assert sorted(Proposal.objects.values_list("unit__code", "title")) == [
        (CAM_PHA, "XUAT-SAC"),
        (HA_LONG, "TIEN-TIEN"),
    ]
    assert AuditEntry.objects.filter(action="emulation.proposal_save").count() == 2
    before = _state()
    assert proposal_services.proposals_derive(actor=None, term=scored) == 0
    assert _state() == before


def test_the_flag_below_the_threshold_is_refused_and_nothing_written(scored, units):
    before = _state()
    with pytest.raises(ValidationError) as refused:
        _propose(scored, units, CAM_PHA, "CO-NGANH", votes=3)
    assert refused.value.message_dict["votes_for"] == [
        "Cờ thi đua của ngành cần ít nhất 80% số phiếu của cụm; mới được 3/4 phiếu (75,0%)."
    ]
    with pytest.raises(ValidationError, match="cần ghi số phiếu đồng ý"):
        _propose(scored, units, CAM_PHA, "CO-NGANH")
    with pytest.raises(ValidationError, match="nhiều hơn số đơn vị của cụm"):
        _propose(scored, units, CAM_PHA, "CO-NGANH", votes=5)
    with pytest.raises(ValidationError, match=r"hạng 2, Hoàn thành tốt nhiệm vụ.*dẫn đầu cụm"):
        _propose(scored, units, HA_LONG, "CO-NGANH", votes=4)
    with pytest.raises(ValidationError, match="cần Cẩm Phả được đề nghị Cờ thi đua của ngành"):
        _propose(scored, units, CAM_PHA, "CO-CHINH-PHU", votes=4)
    with pytest.raises(ValidationError, match="Không có danh hiệu mã 'HUAN-CHUONG'"):
        _propose(scored, units, CAM_PHA, "HUAN-CHUONG")
    assert _state() == before
    flag = _propose(scored, units, CAM_PHA, "CO-NGANH", votes=4)
    assert (flag.votes_for, flag.voters, flag.title_name) == (4, 4, "Cờ thi đua của ngành")
    entry = AuditEntry.objects.filter(action="emulation.proposal_save").latest("pk")
    assert entry.changes["votes_for"] == 4 and entry.changes["voters"] == 4
    assert _propose(scored, units, CAM_PHA, "CO-CHINH-PHU", votes=4).title == "CO-CHINH-PHU"
    with pytest.raises(ValidationError, match="xóa đề nghị đó trước"):
        proposal_services.proposal_remove(actor=None, proposal=flag)


def test_excluded_members_and_locked_years_are_refused(scored, units):
    Exclusion.objects.create(term=scored, unit=units[CAM_PHA], reason="Vụ án tham nhũng")
    with pytest.raises(ValidationError, match="không được xét thi đua năm 2024: Vụ án tham nhũng"):
        _propose(scored, units, CAM_PHA, "TIEN-TIEN")
    services.scores_lock(actor=None, term=scored)
    before = _state()
    for act in (
        lambda: _propose(scored, units, HA_LONG, "TIEN-TIEN"),
        lambda: proposal_services.proposals_derive(actor=None, term=scored),
    ):
        with pytest.raises(ValidationError, match="đã được duyệt và khóa"):
            act()
    assert _state() == before


def test_only_the_leaders_unit_or_the_parent_proposes(scored, units, cast, campha_leader):
    with pytest.raises(PermissionDenied):
        proposal_services.proposal_save(
            actor=cast["halong.ksv"], term=scored, unit=units[HA_LONG], title="TIEN-TIEN"
        )
    assert not Proposal.objects.exists()
    proposal_services.proposal_save(
        actor=campha_leader, term=scored, unit=units[HA_LONG], title="TIEN-TIEN"
    )
    assert Proposal.objects.get().unit == units[HA_LONG]


# --- pages ---------------------------------------------------------------------------------


def test_the_page_lists_proposals_and_the_leader_adds_one(scored, units, client, campha_leader):
    proposal_services.proposals_derive(actor=None, term=scored)
    sign_in(client, campha_leader)
    url = reverse("term_detail", args=[scored.pk])
    page = client.get(url).content.decode()
    section = page[page.index('id="de-nghi"') : page.index("Điểm theo tiêu chí")]
    assert "Tập thể lao động xuất sắc" in section and "Ghi đề nghị" in section
    assert "VKSND thành phố Cẩm Phả – Cờ thi đua của ngành (cần 80% số phiếu)" in section
    save = reverse("term_proposal_save", args=[scored.pk])
    before = _state()
    refused = client.post(
        save,
        {"proposal-unit": units[CAM_PHA].pk, "proposal-title": "CO-NGANH", "proposal-votes_for": 3},
    )
    assert refused.status_code == 400
    assert "mới được 3/4 phiếu (75,0%)" in refused.content.decode()
    assert _state() == before
    done = client.post(
        save,
        {"proposal-unit": units[CAM_PHA].pk, "proposal-title": "CO-NGANH", "proposal-votes_for": 4},
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "4/4 (100,0%)" in page
    proposal = Proposal.objects.get(title="TIEN-TIEN")
    remove = reverse("term_proposal_remove", args=[scored.pk, proposal.pk])
    assert client.post(remove).status_code == 302
    assert not Proposal.objects.filter(pk=proposal.pk).exists()
    assert AuditEntry.objects.filter(action="emulation.proposal_remove").count() == 1


def test_pages_refuse_outsiders_viewers_and_plain_members(scored, units, client_for):
    proposal_services.proposals_derive(actor=None, term=scored)
    proposal = Proposal.objects.first()
    assert proposal is not None
    urls = (
        reverse("term_proposal_save", args=[scored.pk]),
        reverse("term_proposals_derive", args=[scored.pk]),
        reverse("term_proposal_remove", args=[scored.pk, proposal.pk]),
    )
    data = {"proposal-unit": units[HA_LONG].pk, "proposal-title": "TIEN-TIEN"}
    before = _state()
    for username, status in (
        ("hagiang.ksv", 404),
        ("nguoingoai", 404),
        ("qn.xem", 403),
        ("halong.ksv", 403),
    ):
        client = client_for(username)
        for url in urls:
            assert client.post(url, data).status_code == status, (username, url)
    assert _state() == before
    response = client_for("qn.vientruong").post(urls[1])
    assert response.status_code == 302
    assert "Tập thể lao động tiên tiến" in (
        client_for("qn.xem").get(reverse("term_detail", args=[scored.pk])).content.decode()
    )
