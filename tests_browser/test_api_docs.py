"""The API docs page works offline: Swagger UI from the app's own files, under its CSP."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, Route, expect


def test_api_docs_work_without_internet(page: Page, live_url: str, login, shot) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    refused: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(live_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def csp(message: ConsoleMessage) -> None:
        # Swagger UI also probes an inline style once (refused, no visible effect): only a
        # refused script, stylesheet, fetch or image would break the page.
        if "Content Security Policy" in message.text and "inline style" not in message.text:
            refused.append(message.text)

    page.route("**/*", offline)
    page.on("console", csp)
    login(page, "qn.xem")
    page.goto(live_url + "/api/docs")

    expect(page.get_by_role("heading", name="Kháng nghị, kiến nghị")).to_be_visible()
    page.get_by_text("Danh sách kháng nghị, kiến nghị, yêu cầu").click()
    expect(page.get_by_text("tối đa 500 dòng một trang", exact=False)).to_be_visible()
    shot(page, "api_docs")
    assert outside == []
    assert refused == []
