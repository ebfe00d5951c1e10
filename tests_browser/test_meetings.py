"""A conference end to end: recorded by the province, a task for a district, reported done
by the district's staff from Hôm nay, confirmed by the province's leader."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from kiemsat.meetings.models import Task, TaskStatus

TITLE = "Hội nghị triển khai công tác năm 2025"
HA_LONG_ENDED = "VKSND thành phố Hạ Long (đã kết thúc 30/06/2025)"  # past work is recorded
TASK = "Rà soát kiến nghị phòng ngừa chưa được trả lời"


def _field(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _no_sideways_scroll(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, (page.url, width, scroll)


def test_conference_task_reported_and_confirmed(
    page: Page, browser: Browser, live_url: str, login, shot
) -> None:  # type: ignore[no-untyped-def]
    login(page, "qn.vientruong")
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Hội nghị").click()
    page.get_by_role("link", name="Ghi hội nghị mới").click()
    _field(page, "Đơn vị chủ trì").select_option(label="VKSND tỉnh Quảng Ninh")
    _field(page, "Loại hội nghị").select_option(label="Hội nghị triển khai công tác năm")
    _field(page, "Tên hội nghị").fill(TITLE)
    _field(page, "Ngày tổ chức").fill("10/03/2025")
    _field(page, "Địa điểm").fill("Hội trường VKSND tỉnh Quảng Ninh")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)

    _field(page, "Nội dung kết luận, chỉ đạo").fill("Nâng cao chất lượng kiến nghị phòng ngừa.")
    page.get_by_role("button", name="Ghi kết luận").click()
    expect(page.get_by_text("Kết luận 1.")).to_be_visible()
    page.get_by_text("Giao nhiệm vụ theo kết luận 1").click()
    _field(page, "Nhiệm vụ").fill(TASK)
    _field(page, "Đơn vị chủ trì thực hiện").select_option(label=HA_LONG_ENDED)
    _field(page, "hoặc số ngày làm việc kể từ hội nghị").fill("5")
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    row = page.locator("tr").filter(has=page.get_by_role("link", name=TASK))
    expect(row).to_contain_text("17/03/2025")  # Mon 10/03 + 5 working days
    shot(page, "meetings_conference")
    _no_sideways_scroll(page, 390)
    _no_sideways_scroll(page, 1366)

    # The district's staff, in a browser of their own (the leader stays signed in: a second
    # sign-in within the same 30 seconds would need the same one-time code again).
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    staff = context.new_page()
    login(staff, "halong.ksv")
    staff.goto(live_url + reverse("home"))
    # Overdue since 2025: on Hôm nay it is counted in its section, listed behind "xem tất cả".
    staff.locator("#nhiem-vu-duoc-giao").get_by_role("link", name=re.compile("^xem tất cả")).click()
    staff.get_by_role("link", name=re.compile(re.escape(TASK))).first.click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(TASK)
    _field(staff, "Tình trạng").select_option(label="Đã hoàn thành")
    _field(staff, "Kết quả thực hiện").fill("Đã rà soát và đôn đốc 4 kiến nghị.")
    staff.get_by_role("button", name="Gửi báo cáo").click()
    expect(staff.get_by_text("Đã ghi báo cáo tiến độ.")).to_be_visible()
    expect(staff.locator(".lead")).to_contain_text("Hoàn thành, chờ xác nhận")
    context.close()
    task = Task.objects.get(title=TASK)
    assert task.status == TaskStatus.DONE and task.confirmed_on is None

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_url + reverse("task_detail", args=[task.pk]))
    page.get_by_role("button", name="Xác nhận hoàn thành").click()
    expect(page.get_by_text("Đã xác nhận hoàn thành nhiệm vụ.")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Hoàn thành quá hạn")
    task.refresh_from_db()
    assert task.confirmed_on is not None
    shot(page, "meetings_task_confirmed")
    _no_sideways_scroll(page, 390)
    for name, query in (
        ("task_list", ""),
        ("conference_list", ""),
        ("conference_calendar", "?thang=03/2025"),
    ):
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(live_url + reverse(name) + query)
        _no_sideways_scroll(page, 390)
    expect(page.locator("li", has_text="10/03/2025")).to_contain_text(TITLE)  # the month view
