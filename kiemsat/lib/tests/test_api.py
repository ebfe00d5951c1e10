"""The API as a whole: its docs work offline behind sign-in, every operation is described in
Vietnamese, bounds and unreadable bodies are refused (never a 500), errors are Vietnamese."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from ninja.errors import HttpError

from kiemsat.indicators.models import Figure
from kiemsat.lib.api import (
    FORBIDDEN,
    NOT_FOUND,
    NOT_SIGNED_IN,
    UNREADABLE,
    _ninja_message,
    validation_message,
)
from kiemsat.lib.tests.html import links

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
LIST = "/api/interventions"


# --- docs -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_docs_and_schema_need_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


def test_docs_load_swagger_from_the_app_itself(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("nguoingoai").get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert all(s.startswith("/static/") for s in sources), sources  # no CDN
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
    # the CSP allows only same-origin scripts: no inline script may carry the page
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in inline), inline
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert '"validatorUrl": null' in html  # no badge fetched from the internet
    assert links(html) == []


def test_every_operation_is_described_in_vietnamese(client_for) -> None:  # type: ignore[no-untyped-def]
    schema = client_for("nguoingoai").get("/api/openapi.json").json()
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert len(operations) >= 6
    for op in operations:
        assert VIETNAMESE.search(op["summary"]), op["operationId"]
        assert VIETNAMESE.search(op["description"]), op["operationId"]
        assert op["tags"] and all(VIETNAMESE.search(tag) for tag in op["tags"]), op["tags"]
        assert {"401", "404", "422"} <= set(op["responses"]), op["operationId"]


# --- bounds -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("offset=38113981269137714881495040", "offset"),
        ("limit=62089759820676030464", "limit"),
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("offset=1000000001", "offset"),
    ],
)
def test_list_bounds_are_refused_in_vietnamese(client_for, query: str, field: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for("halong.ksv").get(f"{LIST}?{query}")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("Dữ liệu không hợp lệ: " + field + " ")
    assert VIETNAMESE.search(detail.split(field, 1)[1])


def test_list_serves_up_to_the_cap(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("halong.ksv").get(f"{LIST}?limit=500&offset=1000000000")
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_huge_ids_are_not_found(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    for url in (f"{LIST}/99999999999999999999999", "/api/instruments/99999999999999999999999"):
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, {"detail": NOT_FOUND}), url


# --- error bodies -----------------------------------------------------------------------


def test_not_found_and_not_signed_in_are_vietnamese(client: Client, client_for) -> None:  # type: ignore[no-untyped-def]
    assert client.get(LIST).json() == {"detail": NOT_SIGNED_IN}
    assert client.get(LIST).status_code == 401
    response = client_for("halong.ksv").get(f"{LIST}/99999999")
    assert (response.status_code, response.json()) == (404, {"detail": NOT_FOUND})


def test_a_bad_path_parameter_names_the_field(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("halong.ksv").get("/api/instruments/abc")
    assert response.status_code == 422
    assert response.json() == {"detail": "Dữ liệu không hợp lệ: instrument_id phải là số nguyên."}


def test_a_bad_body_names_the_row_field(client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for("halong.ksv").post(
        "/api/figures", {"rows": [{"unit_code": "X"}]}, content_type="application/json"
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "rows.0.period thiếu (bắt buộc)" in detail
    assert "rows.0.metric_code thiếu (bắt buộc)" in detail


def test_ninja_messages_are_translated() -> None:
    assert _ninja_message(HttpError(403, "Forbidden")) == FORBIDDEN
    assert _ninja_message(HttpError(400, "Cannot parse request body (x)")) == UNREADABLE
    assert _ninja_message(HttpError(400, "Kỳ không hợp lệ")) == "Kỳ không hợp lệ"
    assert validation_message(
        [{"type": "less_than_equal", "loc": ["query", "offset"], "ctx": {"le": 1000000}}]
    ) == ("Dữ liệu không hợp lệ: offset không được lớn hơn 1.000.000.")


# --- unreadable bodies ------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["multipart/form-data", "multipart/form-data; boundary=x", "text/plain", "application/json"],
)
def test_an_unreadable_body_is_a_400_and_writes_nothing(cast, content_type: str) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check reads the body
    client.force_login(cast["halong.ksv"])
    client.get("/")
    token = client.cookies["csrftoken"].value
    before = Figure.objects.count()
    response = client.generic(
        "POST", "/api/figures", b"--x\r\nabc", content_type=content_type,
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert (response.status_code, response.json()) == (400, {"detail": UNREADABLE})
    assert Figure.objects.count() == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/interventions?unti=HA-GIANG", "Dữ liệu không hợp lệ: unti không phải tham số"),
        ("/api/instruments?to=0", "Dữ liệu không hợp lệ: to phải là ngày dạng YYYY-MM-DD."),
        ("/api/instruments?from=1700000000", "from phải là ngày dạng YYYY-MM-DD."),
    ],
)
def test_a_parameter_the_operation_does_not_take_is_refused(client_for, url, message) -> None:  # type: ignore[no-untyped-def]
    """A mistyped filter is named, never ignored (it would return the unfiltered list)."""
    response = client_for("halong.ksv").get(url)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_declared_parameters_still_pass(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    assert client.get("/api/interventions?limit=5&offset=0&kind=kien_nghi").status_code == 200
    assert client.get("/api/instruments?from=2024-01-01&to=2024-12-31").status_code == 200
