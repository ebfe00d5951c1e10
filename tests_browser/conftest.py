"""Browser fixtures: Playwright's sync API drives Debian's chromium against live_server.

Every test under this directory is marked ``browser`` and leaves a screenshot in
``artifacts/screenshots/<test name>.png``; a failed test also leaves the page's HTML.
"""

from __future__ import annotations

import re
from binascii import unhexlify
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.oath import TOTP
from playwright.sync_api import Browser, Page, expect, sync_playwright

from conftest import _ensure_reference
from kiemsat.accounts.policy import second_factor_enrolled

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
TIMEOUT_MS = 5_000

Login = Callable[[Page, str], None]


def is_browser_test(item: pytest.Item) -> bool:
    # Collection and run-loop hooks in a conftest see every item, not only this folder's.
    return HERE in item.path.parents


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if is_browser_test(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):  # type: ignore[no-untyped-def]
    """Let Django use the ORM on the main thread while a browser test runs.

    Playwright's sync API keeps its asyncio loop registered as running on the main
    thread, so Django takes the test for async code and refuses ORM calls (seeding, the
    flush). The variable is set only around browser tests: set for the whole session it
    leaks into subprocesses, where `manage.py check --deploy` rightly warns about it.
    """
    if not is_browser_test(item):
        return (yield)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def screenshot_dir(config: pytest.Config) -> Path:
    path = config.rootpath / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """shot(page, "foundation_home") -> artifacts/screenshots/foundation_home.png."""

    def take(page: Page, name: str) -> Path:
        path = screenshot_dir(request.config) / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, shot) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    try:
        png = shot(page, re.sub(r"[^\w.-]+", "_", request.node.name))
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            png.with_suffix(".html").write_text(page.content(), encoding="utf-8")
    finally:
        context.close()


@pytest.fixture
def live_url(live_server, settings) -> str:  # type: ignore[no-untyped-def]
    """The live server's address, with the organisation and cast in place.

    live_server flushes the database after each test, so the reference data is seeded
    again here. DEBUG is on because the demo password is refused without it.
    """
    settings.DEBUG = True
    _ensure_reference()
    return str(live_server.url)


@pytest.fixture
def login(live_url: str, settings) -> Login:  # type: ignore[no-untyped-def]
    """login(page, "halong.ksv") signs in through the real form with the demo password,
    then, for an enrolled account, the code of the moment from the demo key."""

    def sign_in(page: Page, username: str) -> None:
        page.goto(live_url + reverse("login"))
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(settings.DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        if second_factor_enrolled(get_user_model().objects.get(username=username)):
            # Leaders and the admin of the cast are enrolled with the demo key.
            code = TOTP(unhexlify(settings.DEMO_TOTP_KEY)).token()
            page.get_by_label("Mã xác thực").fill(f"{code:06d}")
            page.get_by_role("button", name="Xác nhận").click()
        expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()

    return sign_in
