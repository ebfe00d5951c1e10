"""Reading seed 002 end to end: upload, correct one field, confirm, open the draft instrument."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

SEEDS = Path("/work/shared/seeds")
SEED_002 = next(SEEDS.glob("002_*.txt"), None) if SEEDS.is_dir() else None
# What sticks out past the window's right edge (named in the failure message).
WIDE = (
    "[...document.querySelectorAll('body *')]"
    ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
    ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
)
CORRECTED = "Quy chế phối hợp giữa Ban cán sự Đảng VKSND và Ban cán sự Đảng TAND tỉnh Hà Giang"


def _no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.skipif(SEED_002 is None, reason="the founding articles are outside the project")
def test_upload_correct_confirm_open(page: Page, live_url: str, login, shot) -> None:  # type: ignore[no-untyped-def]
    assert SEED_002 is not None
    login(page, "hagiang.ksv")
    page.goto(live_url + reverse("article_create"))
    page.get_by_label(re.compile(r"^Tệp tin bài")).set_input_files(str(SEED_002))
    page.get_by_role("button", name="Đọc tin bài").click()

    expect(page.locator("mark[data-label='Bên tham gia']").first).to_contain_text("Hà Giang")
    expect(page.get_by_label(re.compile(r"^Tên văn bản"))).to_have_value(
        re.compile(r"^Quy chế phối hợp với Ban cán sự Đảng")
    )
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(WIDE)
        assert _no_sideways_scroll(page), (width, wide)
    shot(page, "ingest_reading_390")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_label(re.compile(r"^Tên văn bản")).fill(CORRECTED)
    page.get_by_role("button", name="Xác nhận").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(CORRECTED)
    expect(page.get_by_text("Ban cán sự Đảng Tòa án nhân dân tỉnh Hà Giang").first).to_be_visible()
    expect(page.get_by_text("Thân Quốc Hùng").first).to_be_visible()
