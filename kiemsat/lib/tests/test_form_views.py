"""The one form-view plumbing every app's create, edit and small forms go through."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.test import RequestFactory

from kiemsat.lib.http import act_and_redirect, changes_saved, form_page, form_saved


class NumberForm(forms.Form):
    number = forms.IntegerField()


def _request(method: str = "post", data: dict[str, Any] | None = None) -> HttpRequest:
    request = getattr(RequestFactory(), method)("/", data or {})
    request._messages = CookieStorage(request)
    return request


def _said(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def _refuse() -> int:
    raise ValidationError({"number": ["Số đã dùng."], "other": ["Chưa mở kỳ."]})


def test_saved_form_redirects_with_a_message_made_from_the_result() -> None:
    request, calls = _request(), []
    form = NumberForm({"number": "7"})

    def save() -> int:
        calls.append(form.cleaned_data["number"])
        return 42

    response = form_saved(request, form, save, lambda n: f"Đã ghi {n}.", lambda n: f"/ban/{n}/")
    assert response is not None and response["Location"] == "/ban/42/"
    assert (calls, _said(request)) == ([7], ["Đã ghi 42."])


def test_invalid_form_never_reaches_the_service() -> None:
    request, calls = _request(), []
    form = NumberForm({"number": "bảy"})
    assert form_saved(request, form, lambda: calls.append(1), "x", "/") is None
    assert calls == [] and "number" in form.errors and _said(request) == []


def test_refusal_lands_on_the_form_renamed() -> None:
    request = _request()
    form = NumberForm({"number": "7"})
    assert form_saved(request, form, _refuse, "x", "/", renamed={"other": "number"}) is None
    assert form.errors["number"] == ["Số đã dùng.", "Chưa mở kỳ."]
    assert _said(request) == []


def test_form_page_shows_a_get_and_refuses_a_bad_post_with_400(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "f.html").write_text("{{ form.errors }}|{{ extra }}")
    settings.TEMPLATES = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [tmp_path]}
    ]
    shown = form_page(
        _request("get"),
        NumberForm(None),
        _refuse,
        "x",
        "/",
        template="f.html",
        context={"extra": "thêm"},
    )
    assert (shown.status_code, shown.content.decode().endswith("|thêm")) == (200, True)
    refused = form_page(
        _request(), NumberForm({"number": "7"}), _refuse, "x", "/", template="f.html"
    )
    assert refused.status_code == 400 and "Số đã dùng." in refused.content.decode()
    saved = form_page(
        _request(), NumberForm({"number": "7"}), lambda: 1, "x", "/ok/", template="f.html"
    )
    assert (saved.status_code, saved["Location"]) == (302, "/ok/")


def test_action_refused_goes_where_asked_with_the_reason() -> None:
    request = _request()

    def refuse() -> None:
        raise ValidationError("Đã khóa.")

    response = act_and_redirect(request, refuse, "x", lambda _: "/moi/", refused_url="/cu/")
    assert (response["Location"], _said(request)) == ("/cu/", ["Đã khóa."])
    done = act_and_redirect(_request(), lambda: 5, lambda n: f"Mở {n}.", lambda n: f"/{n}/")
    assert done["Location"] == "/5/"


def test_an_edit_says_whether_anything_changed() -> None:
    assert (changes_saved(2), changes_saved(0)) == ("Đã lưu thay đổi.", "Không có gì thay đổi.")
