"""First journeys: signing in, the Hôm nay page, the unit tree, lockout, keyboard use."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

HA_LONG = "VKSND thành phố Hạ Long"
HA_LONG_LAST_DAY = "2025-06-30"


def test_procurator_sees_today_and_unit_tree(page: Page, login, shot) -> None:
    login(page, "halong.ksv")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hôm nay"))
    my_units = page.locator("section").filter(
        has=page.get_by_role("heading", name="Đơn vị của tôi")
    )
    expect(my_units.get_by_role("link", name=HA_LONG)).to_be_visible()
    shot(page, "foundation_home")

    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Đơn vị", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Cây đơn vị"))
    # Hạ Long was merged into a regional procuracy on 1/7/2025: look on its last day.
    page.get_by_label("Tại ngày").fill(HA_LONG_LAST_DAY)
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cây đơn vị tại ngày 30/06/2025")
    expect(page.locator("ul.tree").get_by_role("link", name=HA_LONG)).to_be_visible()
    shot(page, "foundation_tree")


def test_repeated_wrong_passwords_lock_the_account(page: Page, live_url: str, settings) -> None:
    def attempt(password: str) -> None:
        page.goto(live_url + reverse("login"))
        page.get_by_label("Tên đăng nhập").fill("qn.xem")
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()

    attempt("sai-mat-khau")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt("sai-mat-khau")
    attempt(settings.DEMO_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_contain_text("tạm bị khóa")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_keyboard_submits_login_and_reaches_skip_link(page: Page, live_url: str, settings) -> None:
    page.goto(live_url + reverse("login"))

    # The username field has autofocus, so the form is usable without the mouse at once.
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    page.keyboard.type("halong.ksv")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mật khẩu")).to_be_focused()
    page.keyboard.type(settings.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hôm nay"))

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Bỏ qua thanh điều hướng")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    # Hạ Long ended on 30/06/2025: the note saying so is the first thing in the page.
    ended = page.get_by_role("note", name="Đơn vị đã kết thúc hoạt động")
    expect(ended.get_by_role("link", name=HA_LONG)).to_be_focused()
