"""Django's own words that reach a user are Vietnamese (the project's locale fills what
Django's catalogue lacks)."""

import pytest
from django.db.models.fields import BLANK_CHOICE_LABEL
from django.urls import reverse
from django.utils import translation


def test_an_empty_choice_reads_chon_in_vietnamese():
    with translation.override("vi"):
        assert str(BLANK_CHOICE_LABEL) == "– Chọn –"
    with translation.override("en"):
        assert str(BLANK_CHOICE_LABEL) == "- Select an option -"


ENGLISH_LEFT_BY_DJANGO = (
    "Filter by",
    "Show counts",
    "Skip to main content",
    "Toggle theme",
    "Sidebar",
)


@pytest.mark.django_db
def test_the_admin_reads_vietnamese(client_for) -> None:  # type: ignore[no-untyped-def]
    admin = client_for("admin")
    # Sign-in attempts have a date hierarchy and filters with counts.
    text = admin.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "Lọc theo Thời điểm" in text
    assert "Hiện số lượng" in text
    assert "Bỏ qua, tới nội dung chính" in text
    assert [words for words in ENGLISH_LEFT_BY_DJANGO if words in text] == []
    with_counts = admin.get(reverse("admin:axes_accessattempt_changelist"), {"_facets": "True"})
    assert "Ẩn số lượng" in with_counts.content.decode()


@pytest.mark.django_db
def test_the_login_page_refuses_in_vietnamese(client, cast) -> None:  # type: ignore[no-untyped-def]
    page = client.get(reverse("login")).content.decode()
    assert "Tên đăng nhập" in page and "Mật khẩu" in page and ">Đăng nhập</button>" in page
    wrong = client.post(reverse("login"), {"username": "halong.ksv", "password": "sai-mat-khau"})
    text = wrong.content.decode()
    assert wrong.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text
    assert "Please enter" not in text
