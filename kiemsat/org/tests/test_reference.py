"""seed_reference: the real organisation, built once and idempotently."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from kiemsat.audit.models import AuditEntry
from kiemsat.org import plugins, reference
from kiemsat.org.models import (
    Cluster,
    ClusterTerm,
    Level,
    Partner,
    Succession,
    SuccessionKind,
    Unit,
    valid_on_q,
)

LAST_OLD_DAY = date(2025, 6, 30)
MERGE_DAY = date(2025, 7, 1)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_reference", stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    models = (Unit, Succession, Partner, Cluster, ClusterTerm, ClusterTerm.members.through)
    return {model._meta.label: model.objects.count() for model in models}


@pytest.fixture
def seeded(db: None) -> None:
    seed()


def provincial_on(day: date) -> int:
    return Unit.objects.filter(valid_on_q(day), level=Level.PROVINCIAL).count()


def test_63_provinces_before_the_merger_and_34_after(seeded: None) -> None:
    assert provincial_on(LAST_OLD_DAY) == 63
    assert provincial_on(MERGE_DAY) == 34


def test_ha_giang_is_taken_over_by_the_new_tuyen_quang(seeded: None) -> None:
    ha_giang = Unit.objects.get(code="HA-GIANG")
    assert ha_giang.valid_to == LAST_OLD_DAY
    successions = list(ha_giang.successions.select_related("successor"))
    assert len(successions) == 1
    new = successions[0].successor
    assert (new.code, new.name, new.valid_from) == (
        "TUYEN-QUANG-2025",
        "VKSND tỉnh Tuyên Quang",
        MERGE_DAY,
    )
    assert successions[0].kind == SuccessionKind.MERGE
    assert successions[0].date == MERGE_DAY
    assert "82/2025/QH15" in successions[0].basis
    predecessors = set(new.predecessions.values_list("predecessor__code", flat=True))
    assert predecessors == {"HA-GIANG", "TUYEN-QUANG"}


@pytest.mark.parametrize(
    ("new_code", "name", "old_codes"),
    [
        ("HAI-PHONG-2025", "VKSND thành phố Hải Phòng", {"HAI-PHONG", "HAI-DUONG"}),
        ("QUANG-TRI-2025", "VKSND tỉnh Quảng Trị", {"QUANG-TRI", "QUANG-BINH"}),
    ],
)
def test_verified_provincial_merges(
    seeded: None, new_code: str, name: str, old_codes: set[str]
) -> None:
    new = Unit.objects.get(code=new_code)
    assert new.name == name
    assert set(new.predecessions.values_list("predecessor__code", flat=True)) == old_codes


@pytest.mark.parametrize("code", ["QUANG-NINH", "THANH-HOA", "NGHE-AN", "HA-TINH"])
def test_unchanged_province_is_one_unit_across_the_merger(seeded: None, code: str) -> None:
    unit = Unit.objects.get(code=code)
    assert unit.valid_from is None and unit.valid_to is None
    assert unit.is_valid_on(LAST_OLD_DAY) and unit.is_valid_on(MERGE_DAY)
    assert not Unit.objects.filter(code=f"{code}-2025").exists()
    assert not unit.successions.exists() and not unit.predecessions.exists()


def test_quang_ninh_and_its_local_units(seeded: None) -> None:
    quang_ninh = Unit.objects.get(code="QUANG-NINH")
    assert (quang_ninh.name, quang_ninh.short_name, quang_ninh.province_code) == (
        "VKSND tỉnh Quảng Ninh",
        "Quảng Ninh",
        22,
    )
    assert quang_ninh.parent is not None and quang_ninh.parent.code == "VKSTC"
    ha_long = Unit.objects.get(code="QUANG-NINH-HA-LONG")
    assert ha_long.parent == quang_ninh
    assert (ha_long.name, ha_long.level, ha_long.valid_to) == (
        "VKSND thành phố Hạ Long",
        Level.LOCAL,
        LAST_OLD_DAY,
    )
    assert not ha_long.successions.exists()
    assert Unit.objects.get(code="QUANG-NINH-VAN-DON").name == "VKSND huyện Vân Đồn"
    assert Unit.objects.get(code="QUANG-NINH-QUANG-YEN").name == "VKSND thị xã Quảng Yên"


def test_regional_unit_took_over_cam_pha_van_don_and_co_to(seeded: None) -> None:
    kv3 = Unit.objects.get(code="QUANG-NINH-KV3")
    assert (kv3.name, kv3.valid_from, kv3.parent.code) == (  # type: ignore[union-attr]
        "VKSND khu vực 3 – Quảng Ninh",
        MERGE_DAY,
        "QUANG-NINH",
    )
    predecessors = set(kv3.predecessions.values_list("predecessor__code", flat=True))
    assert predecessors == {"QUANG-NINH-CAM-PHA", "QUANG-NINH-VAN-DON", "QUANG-NINH-CO-TO"}


def test_thua_thien_hue_renamed_hue_on_1_january_2025(seeded: None) -> None:
    old, new = Unit.objects.get(code="THUA-THIEN-HUE"), Unit.objects.get(code="HUE")
    assert (old.name, old.valid_to) == ("VKSND tỉnh Thừa Thiên Huế", date(2024, 12, 31))
    assert (new.name, new.valid_from, new.valid_to) == (
        "VKSND thành phố Huế",
        date(2025, 1, 1),
        None,
    )
    succession = Succession.objects.get(predecessor=old, successor=new)
    assert succession.kind == SuccessionKind.RENAME


def test_every_ended_province_has_exactly_one_successor(seeded: None) -> None:
    ended = Unit.objects.filter(level=Level.PROVINCIAL, valid_to__isnull=False)
    for unit in ended:
        assert unit.successions.count() == 1, unit.code


def test_split_province_goes_to_the_one_with_most_wards() -> None:
    # Tiền Giang (82): 164 wards to Đồng Tháp (82), 1 to Tây Ninh (80).
    assert reference.main_successor(82) == 82
    assert 82 not in reference.predecessors_of(80)


def test_supreme_and_appellate_units(seeded: None) -> None:
    supreme = Unit.objects.get(code="VKSTC")
    assert (supreme.name, supreme.short_name, supreme.level) == (
        "Viện kiểm sát nhân dân tối cao",
        "VKSND tối cao",
        Level.SUPREME,
    )
    assert supreme.parent is None and supreme.valid_from is None and supreme.valid_to is None
    appellate = Unit.objects.filter(level=Level.APPELLATE)
    assert set(appellate.values_list("code", flat=True)) == {"CC-HA-NOI", "CC-DA-NANG", "CC-HCM"}
    assert {u.valid_to for u in appellate} == {LAST_OLD_DAY}


def test_names_are_folded_for_search(seeded: None) -> None:
    assert Unit.objects.get(code="HA-GIANG").name_folded == "vksnd tinh ha giang"
    assert Partner.objects.get(code="TAND-DAK-LAK").name_folded == "toa an nhan dan tinh dak lak"


def test_partners(seeded: None) -> None:
    assert Partner.objects.count() >= 12
    ha_giang_court = Partner.objects.get(code="TAND-HA-GIANG")
    assert (ha_giang_court.kind, ha_giang_court.head_name, ha_giang_court.valid_to) == (
        "court",
        "Thân Quốc Hùng",
        LAST_OLD_DAY,
    )
    committee = Partner.objects.get(code="UBND-HA-LONG")
    assert (committee.kind, committee.head_name, committee.head_title) == (
        "peoples_committee",
        "Nguyễn Tiến Dũng",
        "Chủ tịch",
    )


def test_cluster_6_terms(seeded: None) -> None:
    terms = {t.year: t for t in ClusterTerm.objects.filter(cluster__code="CUM-6")}
    assert set(terms) == {2020, 2021}
    assert terms[2020].leader.code == "THANH-HOA"  # type: ignore[union-attr]
    assert terms[2020].deputy is None
    assert terms[2021].leader.code == "NGHE-AN"  # type: ignore[union-attr]
    assert terms[2021].deputy.code == "QUANG-TRI"  # type: ignore[union-attr]
    members = set(terms[2021].members.values_list("code", flat=True))
    assert members == {
        "THANH-HOA",
        "NGHE-AN",
        "HA-TINH",
        "QUANG-BINH",
        "QUANG-TRI",
        "THUA-THIEN-HUE",
    }


def test_second_run_changes_nothing(seeded: None) -> None:
    before, audit_before = table_counts(), AuditEntry.objects.count()
    output = seed()
    assert table_counts() == before
    assert AuditEntry.objects.count() == audit_before
    assert "tạo mới 0, cập nhật 0" in output


def test_missing_rows_are_recreated_and_audited(seeded: None) -> None:
    Partner.objects.filter(code="TAND-DAK-LAK").delete()
    Succession.objects.filter(predecessor__code="HA-GIANG").delete()
    audit_before = AuditEntry.objects.count()
    counts = reference.seed_reference()
    assert (counts["created"], counts["updated"]) == (2, 0)
    assert (counts["partners_created"], counts["successions_created"]) == (1, 1)
    entries = AuditEntry.objects.order_by("-id")[:2]
    assert AuditEntry.objects.count() == audit_before + 2
    assert {(e.action, e.actor_id, e.object_type) for e in entries} == {
        ("seed", None, "org.partner"),
        ("seed", None, "org.succession"),
    }


def test_a_changed_row_is_restored_and_audited_once(seeded: None) -> None:
    Unit.objects.filter(code="QUANG-NINH-HA-LONG").update(
        name="Sai tên", parent=Unit.objects.get(code="VKSTC")
    )
    audit_before = AuditEntry.objects.count()
    counts = reference.seed_reference()
    assert (counts["updated"], counts["created"]) == (1, 0)
    ha_long = Unit.objects.get(code="QUANG-NINH-HA-LONG")
    assert ha_long.name == "VKSND thành phố Hạ Long"
    assert ha_long.parent.code == "QUANG-NINH"  # type: ignore[union-attr]
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == audit_before + 1
    assert entry is not None and entry.action == "seed" and entry.unit_id == ha_long.pk
    assert set(entry.changes) == {"name", "parent_id"}


def test_changed_cluster_members_are_restored(seeded: None) -> None:
    term = ClusterTerm.objects.get(cluster__code="CUM-6", year=2020)
    term.members.remove(Unit.objects.get(code="HA-TINH"))
    counts = reference.seed_reference()
    assert counts["cluster_terms_updated"] == 1
    assert term.members.count() == 6


def test_extra_seeders_run_after_the_organisation(
    seeded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(
        plugins, "loaded", lambda registry: [lambda: seen.append(Unit.objects.exists())]
    )
    reference.seed_reference()
    assert seen == [True]


@pytest.mark.parametrize(
    ("name", "code"),
    [("Hà Giang", "HA-GIANG"), ("Bà Rịa - Vũng Tàu", "BA-RIA-VUNG-TAU"), ("Đắk Lắk", "DAK-LAK")],
)
def test_slug(name: str, code: str) -> None:
    assert reference.slug(name) == code
