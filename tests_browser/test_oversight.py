"""The register end to end: record a recommendation, answer it, see KN-01 move."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from kiemsat.org.models import Unit

HA_LONG = "VKSND thành phố Hạ Long"
MARCH = "?from=2025-03&to=2025-03"
TTLT_RULE = (
    "Trả lời kháng nghị, kiến nghị về giải quyết khiếu nại, tố cáo trong hoạt động tư pháp: "
    "15 ngày (Thông tư liên tịch số 02/2018/TTLT-VKSNDTC-TANDTC-BCA-BQP-BTC)"
)


def _field(page: Page, label: str):  # type: ignore[no-untyped-def]
    """The input labelled exactly ``label`` (required fields carry a visual "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _kn01(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("table.results tbody tr").filter(
        has=page.get_by_role("link", name="KN-01", exact=True)
    )


def test_recommendation_answered_moves_kn01(page: Page, live_url: str, login, shot) -> None:
    halong = Unit.objects.get(code="QUANG-NINH-HA-LONG")
    dashboard = live_url + reverse("indicator_unit", args=[halong.pk]) + MARCH
    # Hạ Long ended on 30/06/2025: its past recommendation is recorded by the province's
    # leader, who picks the unit marked as ended.
    login(page, "qn.vientruong")

    page.goto(dashboard)
    expect(_kn01(page)).to_contain_text("Chưa báo cáo")

    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Kháng nghị, kiến nghị").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sổ theo dõi")
    page.get_by_role("link", name="Vào sổ văn bản mới").click()

    _field(page, "Đơn vị ban hành").select_option(label=f"{HA_LONG} (đã kết thúc 30/06/2025)")
    _field(page, "Loại").select_option(label="Kiến nghị")
    _field(page, "Lĩnh vực").select_option(
        label="Tiếp nhận, giải quyết tố giác, tin báo về tội phạm"
    )
    _field(page, "Số").fill("15")
    _field(page, "Ký hiệu").fill("KN-VKS")
    _field(page, "Ngày ban hành").fill("05/03/2025")
    _field(page, "Cơ quan nhận").select_option(label="Công an thành phố Hạ Long")
    _field(page, "Trích yếu").fill("Kiến nghị khắc phục vi phạm trong tiếp nhận nguồn tin")
    _field(page, "Thời hạn trả lời (căn cứ pháp lý)").select_option(label=TTLT_RULE)
    _field(page, "Ngày cơ quan nhận").fill("06/03/2025")
    shot(page, "oversight_form")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kiến nghị số 15/KN-VKS")
    # 06/03 + 15 days = 21/03/2025 (a Friday, a working day).
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("21/03/2025")

    page.goto(dashboard)
    expect(_kn01(page).locator("td.value")).to_have_text("0,0%")

    page.go_back()
    _field(page, "Ngày trả lời / ngày Tòa án quyết định").fill("18/03/2025")
    _field(page, "Kết quả").select_option(label="Chấp nhận")
    page.get_by_role("button", name="Ghi kết quả").click()
    expect(page.get_by_role("status")).to_contain_text("Đã ghi kết quả trả lời")
    expect(facts).to_contain_text("Chấp nhận – ngày 18/03/2025")
    shot(page, "oversight_detail_answered")

    page.goto(dashboard)
    row = _kn01(page)
    expect(row.locator("td.value")).to_have_text("100,0%")
    expect(row.locator("td.num").nth(0)).to_have_text("1")
    expect(row.locator("td.num").nth(1)).to_have_text("1")
    shot(page, "oversight_dashboard_kn01")


def test_list_is_keyboard_usable_and_responsive(page: Page, live_url: str, login, shot) -> None:
    login(page, "qn.xem")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_url + reverse("intervention_list"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sổ theo dõi")
    expect(page.get_by_role("link", name="Vào sổ văn bản mới")).to_have_count(0)  # a viewer
    search = _field(page, "Tìm")
    search.focus()
    page.keyboard.type("khong co van ban nao")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Không có văn bản nào.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=khong"))
    shot(page, "oversight_list_mobile")
