"""The main pages fit the screen at 1366 and 390 px: no sideways scrolling of the page, for a
procurator and for a leader; screenshots of each are kept under artifacts/screenshots/."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page

from kiemsat.agreements.tests.conftest import register
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
