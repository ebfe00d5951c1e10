"""Every paged list reads ?trang=N and links its pages with the filters kept."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from kiemsat.lib.http import page_of, query_string

ROWS = list(range(1, 121))


def _get(query: str):  # type: ignore[no-untyped-def]
    return RequestFactory().get(f"/danh-sach?{query}")


def test_the_page_comes_from_trang_and_bad_numbers_fall_back() -> None:
    assert list(page_of(_get("trang=2"), ROWS))[:2] == [51, 52]
    assert page_of(_get("trang=99"), ROWS).number == 3
    assert page_of(_get("trang=abc"), ROWS).number == 1
    assert page_of(_get("page=2"), ROWS).number == 1


def test_query_keeps_filters_drops_page_and_export_and_adds_overrides() -> None:
    request = _get("unit=5&trang=3&format=xlsx&kind=a&kind=b&q=&q2=Hạ+Long")
    assert query_string(request) == "unit=5&kind=a&kind=b&q2=H%E1%BA%A1+Long"
    assert (
        query_string(request, format="xlsx")
        == "unit=5&kind=a&kind=b&q2=H%E1%BA%A1+Long&format=xlsx"
    )


def test_pager_links_with_trang_and_the_filters() -> None:
    request = _get("unit=5&trang=2")
    page = page_of(request, ROWS)
    html = render_to_string("_pager.html", {"page": page, "query": query_string(request)})
    assert 'href="?unit=5&amp;trang=1"' in html
    assert 'href="?unit=5&amp;trang=3"' in html
    assert "Trang 2/3" in html
    alone = render_to_string("_pager.html", {"page": page_of(_get(""), ROWS), "query": ""})
    assert 'href="?trang=2"' in alone
