"""The main pages fit the screen at 1366 and 390 px: no sideways scrolling of the page, for a
procurator and for a leader; every list page fits a phone for each demo user; dashboards
print without the site's navigation. Screenshots are kept under artifacts/screenshots/."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect

from kiemsat.agreements.tests.conftest import register
from kiemsat.demo.builder import seed_demo_records
from kiemsat.org.models import Unit

WIDTHS = (1366, 390)
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


def _pages(live_url: str) -> dict[str, str]:
    with time_machine.travel("2025-03-10 09:00 +0700", tick=False):
        instrument = register()
    halong = Unit.objects.get(code="QUANG-NINH-HA-LONG")
    return {
        "today": reverse("home"),
        "unit_dashboard": reverse("indicator_unit", args=[halong.pk]) + "?from=2024-12&to=2025-05",
        "register": reverse("intervention_list"),
        "instrument": reverse("instrument_detail", args=[instrument.pk]),
    }


@pytest.mark.parametrize("username", ["halong.ksv", "qn.vientruong"])
def test_main_pages_fit_the_screen(page: Page, live_url: str, login, shot, username) -> None:  # type: ignore[no-untyped-def]
    pages = _pages(live_url)
    login(page, username)
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_url + path)
            assert page.locator("h1").first.is_visible(), (name, width)
            shot(page, f"face_{name}_{width}_{username.replace('.', '_')}")
            if not page.evaluate(NO_SIDEWAYS):
                too_wide.append(
                    (name, width, page.evaluate("document.documentElement.scrollWidth"))
                )
    assert too_wide == []


# Every list page, for everyone; then the pages of each person's own units.
LISTS = [
    ("today", "home", ()),
    ("instruments", "instrument_list", ()),
    ("register", "intervention_list", ()),
    ("register_summary", "intervention_summary", ()),
    ("conferences", "conference_list", ()),
    ("calendar", "conference_calendar", ()),
    ("tasks", "task_list", ()),
    ("press", "press_list", ()),
    ("articles", "article_list", ()),
    ("emulation_terms", "term_list", ()),
    ("units", "unit_tree", ()),
    ("partners", "partner_list", ()),
    ("clusters", "cluster_list", ()),
    ("indicators", "indicator_list", ()),
    ("completeness", "indicator_completeness", ()),
    ("account", "account", ()),
]
QN, HA_LONG, HA_GIANG = "QUANG-NINH", "QUANG-NINH-HA-LONG", "HA-GIANG"
OWN = {
    "admin": [("nation", "indicator_nation", ()), ("admin", "admin:index", ())],
    "qn.vientruong": [
        ("dashboard", "indicator_unit", (QN,)),
        ("province", "indicator_province", (QN,)),
        ("figures", "indicator_figures", (QN,)),
        ("quotas", "quota_year", (QN,)),
        ("register_import", "intervention_import", ()),
        ("instrument_import", "instrument_import", ()),
    ],
    "qn.xem": [("province", "indicator_province", (QN,)), ("figures", "indicator_figures", (QN,))],
    "halong.ksv": [
        ("dashboard", "indicator_unit", (HA_LONG,)),
        ("entry", "figures_entry", (HA_LONG,)),
        ("figures_upload", "figures_upload", ()),
    ],
    "hagiang.ksv": [
        ("dashboard", "indicator_unit", (HA_GIANG,)),
        ("entry", "figures_entry", (HA_GIANG,)),
    ],
}


# How far apart the tops of the header's items are: side by side on one row, a few pixels.
HEADER_SPREAD = """(() => {
  const tops = [...document.querySelector('.topbar').children].map(
    e => e.getBoundingClientRect().top);
  return Math.max(...tops) - Math.min(...tops);
})()"""


@pytest.mark.parametrize("username", ["admin", "qn.vientruong", "halong.ksv"])
def test_the_header_is_one_row_at_1366(page: Page, live_url: str, login, username) -> None:  # type: ignore[no-untyped-def]
    """Brand, menu (the admin's longest, with "Quản trị"), search and account side by side."""
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, username)
    page.goto(live_url + reverse("home"))
    assert page.evaluate(HEADER_SPREAD) < 20


def _path(name: str, codes: tuple[str, ...]) -> str:
    return reverse(name, args=[Unit.objects.get(code=code).pk for code in codes])


def test_every_list_fits_a_phone_for_each_demo_user(  # type: ignore[no-untyped-def]
    page: Page, live_url: str, login, shot
) -> None:
    seed_demo_records(stdout=io.StringIO())
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide, refused = [], []
    for username, own in OWN.items():
        page.context.clear_cookies()
        login(page, username)
        for name, url_name, codes in [*LISTS, *own]:
            response = page.goto(live_url + _path(url_name, codes))
            assert response is not None
            if response.status != 200:
                refused.append((username, name, response.status))
                continue
            expect(page.locator("h1").first).to_be_visible()
            shot(page, f"face_390_{username.replace('.', '_')}_{name}")
            width = page.evaluate("document.documentElement.scrollWidth")
            if not page.evaluate(NO_SIDEWAYS):
                too_wide.append((username, name, width))
    assert (refused, too_wide) == ([], [])


PRINTED_PAGE_PX = 1032  # A4 landscape less the 12 mm margins of @page, at 96 px an inch
OUTSIDE_MAIN = """() => {
  const right = document.querySelector("main").getBoundingClientRect().right + 1;
  return [...document.querySelectorAll("main table, main svg")]
    .filter(e => e.getBoundingClientRect().right > right)
    .map(e => e.className.baseVal ?? e.className);
}"""
VISIBLE_BUTTONS = (
    "[...document.querySelectorAll('button, .button')].filter(b => b.offsetParent).length"
)


def test_a_dashboard_prints_without_the_site_around_it(
    page: Page, live_url: str, login, shot
) -> None:  # type: ignore[no-untyped-def]
    from kiemsat.indicators.tests.test_views import RANGE, TB_GOOD, TT_SHORT, put

    qn = Unit.objects.get(code=QN)
    put(Unit.objects.get(code=HA_LONG), {**TB_GOOD, **TT_SHORT})
    put(qn, TB_GOOD)
    login(page, "qn.vientruong")
    page.set_viewport_size({"width": PRINTED_PAGE_PX, "height": 900})
    query = f"?from={RANGE['from']}&to={RANGE['to']}"
    page.goto(live_url + reverse("indicator_province", args=[qn.pk]) + query)
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav).to_be_visible()  # on screen, before printing

    page.context.new_cdp_session(page).send("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.evaluate("matchMedia('print').matches")
    expect(nav).to_be_hidden()
    expect(page.get_by_role("search")).to_be_hidden()
    expect(page.locator(".period-form")).to_be_hidden()
    assert page.evaluate(VISIBLE_BUTTONS) == 0
    expect(page.locator("table.matrix")).to_be_visible()
    expect(page.locator("table.results")).to_be_visible()
    expect(page.locator("table.results .screen-only").first).to_be_hidden()  # "Xem" links
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator(".unit-bars svg.share-bar").first).to_be_visible()
    assert page.evaluate(OUTSIDE_MAIN) == []  # no table or chart cut at the page's edge
    shot(page, "face_print_province_dashboard")
