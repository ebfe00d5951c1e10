"""Coordination instruments end to end: register with two parties, add a chapter, an article
and a duty, download the Word file, record a review, see the next one on Hôm nay."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from pathlib import Path

from django.urls import reverse
from docx import Document
from playwright.sync_api import Page, expect

from kiemsat.org.selectors import work_calendar

TITLE = "Chương trình phối hợp công tác kiểm sát thi hành án"
PARTNER = "Tòa án nhân dân tỉnh Quảng Ninh"
UNIT = "VKSND tỉnh Quảng Ninh"


def vn_date(day: date) -> str:
    """As staff type it: dd/mm/yyyy."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def register(page: Page, live_url: str, signed: date, ends: date) -> None:
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Văn bản phối hợp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản phối hợp")
    page.get_by_role("link", name="Đăng ký văn bản").click()
    page.get_by_label("Đơn vị Viện kiểm sát ký kết").select_option(label=UNIT)
    page.get_by_label("Người ký của đơn vị", exact=True).fill("Trần Văn Hùng")
    page.get_by_label("Chức vụ người ký của đơn vị").fill("Viện trưởng")
    page.get_by_label("Cơ quan phối hợp ký kết").select_option(label=PARTNER)
    page.get_by_label("Người ký của cơ quan", exact=True).fill("Nguyễn Văn Nam")
    page.get_by_label("Chức vụ người ký của cơ quan").fill("Chánh án")
    page.get_by_label("Bên chủ trì").select_option(label="Đơn vị Viện kiểm sát")
    page.get_by_label("Loại văn bản", exact=True).select_option(label="Chương trình phối hợp")
    page.get_by_label("Số, ký hiệu", exact=True).fill("07/CTrPH-VKS-TA")
    page.get_by_label("Tên văn bản", exact=True).fill(TITLE)
    page.get_by_label("Ngày ký", exact=True).fill(vn_date(signed))
    page.get_by_label("Địa danh").fill("Quảng Ninh")
    page.get_by_label("Hiệu lực đến ngày").fill(vn_date(ends))
    page.get_by_label("Sơ kết, tổng kết", exact=True).select_option(label="6 tháng một lần")
    page.get_by_role("button", name="Đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"07/CTrPH-VKS-TA – {TITLE}")


def add_clauses_and_duty(page: Page, due: date) -> None:
    clauses = page.locator("#dieu-khoan")
    clauses.locator("summary", has_text="Thêm chương hoặc điều").click()
    clauses.get_by_label("Loại").select_option(label="Chương")
    clauses.get_by_label("Số").fill("1")
    clauses.get_by_label("Tên", exact=True).fill("Quy định chung")
    clauses.get_by_role("button", name="Thêm").click()
    expect(page.locator("#dieu-khoan h3")).to_contain_text("Chương I. Quy định chung")

    clauses = page.locator("#dieu-khoan")
    clauses.locator("summary", has_text="Thêm chương hoặc điều").click()
    clauses.get_by_label("Loại").select_option(label="Điều")
    clauses.get_by_label("Số").fill("1")
    clauses.get_by_label("Tên", exact=True).fill("Phạm vi phối hợp")
    clauses.get_by_label("Thuộc chương").select_option(label="Chương I. Quy định chung")
    clauses.get_by_label("Nội dung").fill("Phối hợp kiểm sát việc thi hành án hình sự.")
    clauses.get_by_role("button", name="Thêm").click()
    expect(page.locator("#dieu-khoan article")).to_contain_text("Điều 1. Phạm vi phối hợp")

    duties = page.locator("#nhiem-vu")
    duties.locator("summary", has_text="Thêm nhiệm vụ").click()
    duties.get_by_label("Nhiệm vụ", exact=True).fill("Trao đổi số liệu thi hành án hằng quý")
    duties.get_by_label("Theo điều").select_option(label="Điều 1. Phạm vi phối hợp")
    duties.get_by_label(UNIT).check()
    duties.get_by_label(PARTNER).check()
    duties.get_by_label("Định kỳ").select_option(label="Hằng quý")
    duties.get_by_label("Hạn tiếp theo").fill(vn_date(due))
    duties.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(page.locator("#nhiem-vu tbody")).to_contain_text("Trao đổi số liệu thi hành án")


def download_word(page: Page, tmp_path: Path) -> str:
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải văn bản Word").click()
    target = tmp_path / "van-ban.docx"
    info.value.save_as(target)
    document = Document(io.BytesIO(target.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    texts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(texts)


def record_review(page: Page, today: date, signed: date) -> None:
    page.get_by_role("link", name="Ghi nhận sơ kết, tổng kết").click()
    page.get_by_label("Hình thức").select_option(label="Sơ kết")
    page.get_by_label("Ngày tổ chức").fill(vn_date(today))
    page.get_by_label("Kỳ đánh giá từ ngày").fill(vn_date(signed))
    page.get_by_label("Kỳ đánh giá đến ngày").fill(vn_date(today))
    page.get_by_label("Kết quả đạt được").fill("Đã trao đổi số liệu đầy đủ, đúng hạn.")
    page.get_by_label("Quyết định").select_option(label="Tiếp tục thực hiện")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator("#so-ket-tong-ket")).to_contain_text("Sơ kết ngày")


def test_register_instrument_to_review_on_today(page: Page, live_url: str, login, shot, tmp_path):
    today = date.today()
    calendar = work_calendar()
    signed = today - timedelta(days=300)
    ends = calendar.add_working_days(today, 3)  # the tổng kết at the end is then due soon
    login(page, "qn.vientruong")

    register(page, live_url, signed, ends)
    add_clauses_and_duty(page, calendar.add_working_days(today, 20))
    shot(page, "agreements_instrument")

    word = download_word(page, tmp_path)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 07/CTrPH-VKS-TA",
        "Điều 1. Phạm vi phối hợp",
        "TM. TÒA ÁN NHÂN DÂN TỈNH QUẢNG NINH",
        "Nguyễn Văn Nam",
        "Nơi nhận:",
    ):
        assert expected in word, expected

    record_review(page, today, signed)
    due_text = f"{ends.day:02d}/{ends.month:02d}/{ends.year}"
    expect(page.locator("dl.facts").first).to_contain_text(f"kỳ tới: {due_text}")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Hôm nay"
    ).click()
    item = page.locator("li").filter(has_text=re.compile(f"Tổng kết 07/CTrPH-VKS-TA {TITLE}"))
    # Hôm nay leaves out the year of a date in the current one.
    shown = f"{ends.day:02d}/{ends.month:02d}" if ends.year == today.year else due_text
    expect(item).to_contain_text(f"hạn {shown}")
    expect(item.locator(".badge.bad")).to_have_count(0)
    shot(page, "agreements_today")

    item.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)


def test_bad_input_is_shown_next_to_the_field(page: Page, live_url: str, login, shot):
    login(page, "qn.vientruong")
    page.goto(live_url + reverse("instrument_create"))
    page.get_by_label("Đơn vị Viện kiểm sát ký kết").select_option(label=UNIT)
    page.get_by_label("Người ký của đơn vị", exact=True).fill("Trần Văn Hùng")
    page.get_by_label("Cơ quan phối hợp ký kết").select_option(label=PARTNER)
    page.get_by_label("Người ký của cơ quan", exact=True).fill("Nguyễn Văn Nam")
    page.get_by_label("Tên văn bản", exact=True).fill(TITLE)
    page.get_by_label("Hiệu lực từ ngày").fill("01/06/2024")
    page.get_by_label("Hiệu lực đến ngày").fill("01/05/2024")
    page.get_by_label("Tên văn bản", exact=True).press("Enter")  # keyboard submit
    field = page.locator(".field").filter(has=page.get_by_label("Hiệu lực đến ngày"))
    expect(field.get_by_role("alert")).to_contain_text("phải sau ngày bắt đầu hiệu lực")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "agreements_form_error_mobile")
