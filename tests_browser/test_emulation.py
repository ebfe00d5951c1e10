"""A cluster's emulation year end to end: a member scores itself, the leader's unit adjusts
one leaf with a reason, the managing unit locks, and the ranking shows the new order."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import Page, expect

from kiemsat.accounts.services import second_factor_preset
from kiemsat.emulation.services import SelfEntry, scores_self_assess
from kiemsat.emulation.sheets import sheet_load
from kiemsat.emulation.tests.conftest import sheet_data
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm, Membership, Role, Unit

HA_LONG, CAM_PHA, UONG_BI = (
    "VKSND thành phố Hạ Long",
    "VKSND thành phố Cẩm Phả",
    "VKSND thành phố Uông Bí",
)


def _cluster_year() -> ClusterTerm:
    sheet_load(actor=None, data=sheet_data())
    units = {u.code: u for u in Unit.objects.filter(code__startswith="QUANG-NINH")}
    cluster = Cluster.objects.create(
        code="CUM-QN-1",
        name="Cụm thi đua số 1 (VKSND cấp huyện tỉnh Quảng Ninh)",
        number=1,
        kind=ClusterKind.LOCAL,
        owner_unit=units["QUANG-NINH"],
    )
    term = ClusterTerm.objects.create(
        cluster=cluster, year=2024, leader=units["QUANG-NINH-CAM-PHA"]
    )
    term.members.set([units[f"QUANG-NINH-{c}"] for c in ("HA-LONG", "CAM-PHA", "UONG-BI")])
    for code, points in (("CAM-PHA", "22"), ("UONG-BI", "21")):
        scores_self_assess(
            actor=None,
            term=term,
            unit=units[f"QUANG-NINH-{code}"],
            entries={"2": SelfEntry(points)},
        )
    user = get_user_model().objects.create_user("campha.vt", password=settings.DEMO_PASSWORD)
    Membership.objects.create(user=user, unit=units["QUANG-NINH-CAM-PHA"], role=Role.LEADER)
    second_factor_preset(user=user, key=settings.DEMO_TOTP_KEY)  # a leader: code required
    return term


def _ranking(page: Page) -> list[str]:
    rows = page.locator("table.ranking tbody tr")
    return [re.sub(r"\s+", " ", rows.nth(i).inner_text()).strip() for i in range(rows.count())]


def _logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def test_self_assess_adjust_lock_and_rank(page: Page, live_url: str, login, shot) -> None:
    term = _cluster_year()
    halong = Unit.objects.get(code="QUANG-NINH-HA-LONG")
    term_url = live_url + reverse("term_detail", args=[term.pk])

    login(page, "halong.ksv")
    page.goto(live_url + reverse("term_list"))
    page.get_by_role("link", name=re.compile("Cụm thi đua số 1")).click()
    assert _ranking(page)[0].startswith(f"1 {CAM_PHA} 22")
    page.locator("table.ranking").get_by_role("link", name=HA_LONG).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Bảng điểm thi đua năm 2024: {HA_LONG}"
    )
    page.get_by_label("Điểm 2").fill("25")
    page.get_by_label("Minh chứng 2").fill("Báo cáo tổng kết năm 2024 của đơn vị")
    page.get_by_role("button", name="Ghi điểm tự chấm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi điểm tự chấm")
    page.goto(term_url)
    assert _ranking(page)[0].startswith(f"1 {HA_LONG} 25")
    _logout(page)

    login(page, "campha.vt")
    page.goto(live_url + reverse("term_member", args=[term.pk, halong.pk]))
    page.get_by_label("Tiêu chí").select_option("2")
    page.get_by_label("Điểm cụm trưởng chấm").fill("20")
    page.get_by_label("Lý do điều chỉnh").fill("Thiếu quyết định khen thưởng làm minh chứng")
    shot(page, "emulation_adjust")
    page.get_by_role("button", name="Điều chỉnh").click()
    expect(page.get_by_role("status")).to_contain_text("Đã điều chỉnh điểm tiêu chí 2")
    expect(page.locator("table.score-sheet")).to_contain_text("Thiếu quyết định khen thưởng")
    _logout(page)

    login(page, "qn.vientruong")
    page.goto(term_url)
    page.get_by_role("button", name="Duyệt và khóa điểm").click()
    expect(page.get_by_role("status")).to_contain_text("Đã duyệt và khóa điểm thi đua năm 2024")
    expect(page.locator("dl.facts")).to_contain_text("Đã duyệt và khóa")
    ranking = _ranking(page)
    assert ranking[0].startswith(f"1 {CAM_PHA} 22")
    assert ranking[1].startswith(f"2 {UONG_BI} 21")
    assert ranking[2].startswith(f"3 {HA_LONG} 20")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "emulation_ranking_phone")
