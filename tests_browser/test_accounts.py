"""Two-factor journeys: a leader gives the code; a procurator turns it on from the account page."""

from __future__ import annotations

import re
from base64 import b32decode

from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_leader_signs_in_with_password_then_code(page: Page, login, shot) -> None:
    login(page, "qn.vientruong")  # the fixture fills the code page for enrolled accounts
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Hôm nay"))
    page.get_by_role("link", name="Trần Văn Hùng").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản")
    expect(page.get_by_text("Còn 10 mã dự phòng")).to_be_visible()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 844})
        assert no_sideways_scroll(page), width
    shot(page, "accounts_page_mobile")


def test_a_procurator_turns_on_two_factor(page: Page, login, live_url: str, shot) -> None:
    login(page, "halong.ksv")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_url + reverse("account"))
    page.get_by_role("link", name="Bật xác thực hai lớp").click()
    expect(page.locator(".qr svg")).to_be_visible()
    assert no_sideways_scroll(page)
    shot(page, "accounts_enrol_mobile")

    page.get_by_label("Mã xác thực").fill("000000")
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.get_by_role("alert")).to_contain_text("Mã xác thực không đúng")

    secret = page.locator("code.secret").inner_text().replace(" ", "")
    code = TOTP(b32decode(secret)).token()
    page.get_by_label("Mã xác thực").fill(f"{code:06d}")
    page.get_by_role("button", name="Xác nhận và bật").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mã dự phòng")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert no_sideways_scroll(page)
    shot(page, "accounts_recovery_codes_mobile")
