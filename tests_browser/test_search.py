"""Search as people type: the header box suggests records of the user's units only, and a
partner beyond the short dropdown is found by name and saved."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from playwright.sync_api import Page, expect

from kiemsat.org.models import Partner, Unit
from kiemsat.oversight import services
from kiemsat.oversight.models import Field, Intervention, Kind


def _register(unit: str, recipient: str, subject: str) -> Intervention:
    data = services.Registration(
        kind=Kind.RECOMMENDATION,
        field=Field.CRIME_REPORTS,
        number=33,
        symbol="KN-VKS",
        issued_on=date(2025, 1, 14),
        recipient=Partner.objects.get(code=recipient),
        subject=subject,
    )
    return services.intervention_register(actor=None, unit=Unit.objects.get(code=unit), data=data)


def _no_sideways_scroll(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, (page.url, width, scroll)


def test_header_suggests_within_scope_and_falls_back_to_the_page(
    page: Page, live_url: str, login, shot
) -> None:  # type: ignore[no-untyped-def]
    mine = _register("QUANG-NINH-HA-LONG", "CA-HA-LONG", "Khắc phục vi phạm tin báo")
    _register("HA-GIANG", "TAND-HA-GIANG", "Khắc phục vi phạm xét xử Hà Giang")
    login(page, "halong.ksv")
    box = page.get_by_role("combobox", name="Tìm kiếm")
    box.press_sequentially("33/kn")
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Kiến nghị số 33/KN-VKS: Khắc phục vi phạm tin báo")
    expect(page.get_by_role("listbox")).not_to_contain_text("Hà Giang")
    shot(page, "search_suggestions")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(live_url + reverse("intervention_detail", args=[mine.pk]))

    box = page.get_by_role("combobox", name="Tìm kiếm")
    box.fill("khac phuc vi pham")
    box.press("Enter")  # nothing picked: the results page, as without JavaScript
    expect(page.get_by_role("heading", level=2, name="Kháng nghị, kiến nghị")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Khắc phục vi phạm tin báo")
    expect(page.get_by_role("main")).not_to_contain_text("Hà Giang")
    shot(page, "search_results")
    _no_sideways_scroll(page, 390)
    _no_sideways_scroll(page, 1366)


def test_a_far_recipient_is_found_by_name_and_saved(page: Page, live_url: str, login, shot) -> None:  # type: ignore[no-untyped-def]
    login(page, "qn.vientruong")
    page.goto(live_url + reverse("intervention_create"))
    recipient = page.locator("select[name=recipient]")
    expect(recipient.locator("option", has_text="Tòa án nhân dân tỉnh Quảng Ninh")).to_have_count(1)
    expect(recipient.locator("option", has_text="Đắk Lắk")).to_have_count(0)
    page.locator("select[name=unit]").select_option(label="VKSND tỉnh Quảng Ninh")
    page.locator("input[name=number]").fill("41")
    page.locator("input[name=symbol]").fill("KN-VKS")
    page.locator("input[name=issued_on]").fill("10/03/2025")
    page.locator("input[name=subject]").fill("Kiến nghị phối hợp ủy thác tư pháp")
    page.get_by_label("Cơ quan khác: tìm theo tên").press_sequentially("toa an dak lak")
    page.get_by_role("option", name="Tòa án nhân dân tỉnh Đắk Lắk").click()
    expect(recipient).to_have_value(str(Partner.objects.get(code="TAND-DAK-LAK").pk))
    shot(page, "search_partner_picked")
    _no_sideways_scroll(page, 390)
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("main")).to_contain_text("Tòa án nhân dân tỉnh Đắk Lắk")
    assert Intervention.objects.get(number=41).recipient.code == "TAND-DAK-LAK"
