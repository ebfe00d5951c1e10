"""Hôm nay leads the day: the province's chief follows the "Chờ duyệt" count to a month a
district sent, returns it with a reason, and Hôm nay then counts it as returned."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from kiemsat.indicators.models import Figure, Metric, Submission, SubmissionStatus
from kiemsat.lib.periods import Month
from kiemsat.org.models import Unit

REASON = "Số thụ lý mới lệch với sổ thụ lý, đề nghị kiểm tra lại."


def _no_sideways_scroll(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, (page.url, width, scroll)


def _tile(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.locator(".tiles > li", has=page.locator(".tile__label", has_text=label))


def test_chief_returns_a_month_from_hom_nay(page: Page, live_url: str, login, shot) -> None:  # type: ignore[no-untyped-def]
    district = Unit.objects.get(code="QUANG-NINH-KV3")
    month = Month.of(timezone.localdate()).shift(-1)
    metric = Metric.objects.order_by("code").first()
    assert metric is not None
    Figure.objects.create(unit=district, metric=metric, period=month.index, value=7)
    Submission.objects.create(
        unit=district,
        period=month.index,
        status=SubmissionStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "qn.vientruong")
    page.goto(live_url + reverse("home"))
    expect(_tile(page, "Chờ duyệt").locator(".tile__count")).to_have_text("1")
    shot(page, "today_chief_1366")
    _no_sideways_scroll(page, 390)
    shot(page, "today_chief_390")
    page.set_viewport_size({"width": 1366, "height": 900})

    _tile(page, "Chờ duyệt").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chờ duyệt")
    page.get_by_role("link", name=f"Tháng {month.label} · {district.name}").click()
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.get_by_text("Cần ghi lý do trả lại")).to_be_visible()
    page.get_by_label("Lý do trả lại").fill(REASON)
    page.get_by_role("button", name="Trả lại để sửa").click()
    expect(page.get_by_text(f"Bị trả lại: {REASON}")).to_be_visible()
    _no_sideways_scroll(page, 390)
    shot(page, "today_month_returned_390")

    page.goto(live_url + reverse("home"))
    expect(_tile(page, "Chờ duyệt").locator(".tile__count")).to_have_text("0")
    expect(_tile(page, "Bị trả lại").locator(".tile__count")).to_have_text("1")
    expect(page.get_by_text(f"Bị trả lại: {REASON}")).to_be_visible()
    assert Submission.objects.get(unit=district).status == SubmissionStatus.RETURNED
