"""403, 404, 500 and a stale form: Vietnamese pages with the navigation and a way back."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from kiemsat.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_a_missing_page_says_so_in_vietnamese(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("halong.ksv").get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = _page(response)
    assert "Không tìm thấy trang" in page
    assert 'href="/"' in page and "Về trang Hôm nay" in page
    assert "Kháng nghị, kiến nghị" in page  # the navigation is there
    assert "Not Found" not in page


def test_a_refused_write_names_the_reason(client_for, units) -> None:  # type: ignore[no-untyped-def]
    """qn.xem only reads Quảng Ninh: registering an instrument is refused in Vietnamese."""
    before = AuditEntry.objects.count()
    response = client_for("qn.xem").get(reverse("instrument_import"))
    assert response.status_code == 403
    page = _page(response)
    assert "Bạn không có quyền thực hiện thao tác này" in page
    assert "Bạn không có quyền đăng ký văn bản phối hợp." in page  # the view's own reason
    assert "403 Forbidden" not in page
    assert AuditEntry.objects.count() == before


def test_a_stale_form_is_explained_and_nothing_is_written(cast) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["halong.ksv"])
    before = AuditEntry.objects.count()
    response = client.post(reverse("intervention_create"), {"subject": "x"})
    assert response.status_code == 403
    page = _page(response)
    assert "Biểu mẫu đã cũ" in page and "Không có gì được ghi." in page
    assert "CSRF" not in page
    assert AuditEntry.objects.count() == before


def test_a_server_error_page_needs_nothing_but_the_template() -> None:
    """Rendered without a request context (the database may be what failed)."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = _page(response)
    assert "Đã có lỗi trong hệ thống" in page and "không có gì được ghi dở dang" in page
    assert "Server Error" not in page
