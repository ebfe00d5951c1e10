"""The invitation, minutes and notice of conclusions: Word files and PDFs in the NĐ30 layout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from kiemsat.agreements.tests.test_documents import docx_text
from kiemsat.meetings import services
from kiemsat.meetings.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(make_task, units):  # type: ignore[no-untyped-def]
    task = make_task(person="Phạm Đức Minh")
    conference = task.conclusion.conference
    services.participant_add(
        actor=None,
        conference=conference,
        role="chu_tri",
        name="Trần Văn Hùng",
        title="Viện trưởng VKSND tỉnh Quảng Ninh",
    )
    services.result_add(
        actor=None,
        conference=conference,
        data=services.ResultData(
            measure=Measure.MET, part=127, whole=129, printed_percent=Decimal("98.5")
        ),
    )
    return conference


def _get(client, conference, name: str, fmt: str):  # type: ignore[no-untyped-def]
    return client.get(reverse("conference_paper", args=[conference.pk, name, fmt]))


def test_notice_lists_tasks_owners_and_deadlines(client_for, full) -> None:
    response = _get(client_for("qn.xem"), full, "thong-bao-ket-luan", "docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số:",
        "/TB-VKS",
        "THÔNG BÁO",
        "Nơi nhận",
        "Rà soát kiến nghị phòng ngừa năm 2024",
        "VKSND thành phố Hạ Long (Phạm Đức Minh)",
        "06/02/2025",
        "Trần Văn Hùng",
    ):
        assert expected in text, expected


def test_invitation_and_minutes(client_for, full) -> None:
    client = client_for("qn.vientruong")
    with time_machine.travel("2025-01-10 09:00 +0700", tick=False):
        text = docx_text(_get(client, full, "giay-moi", "docx").content)
    assert "GIẤY MỜI" in text and "Quảng Ninh, ngày 10 tháng 01 năm 2025" in text
    assert "ngày 23 tháng 01 năm 2025" in text
    client = client_for("qn.vientruong")  # signed in again: the session aged in 2025
    text = docx_text(_get(client, full, "bien-ban", "docx").content)
    assert "BIÊN BẢN" in text and "Quảng Ninh, ngày 23 tháng 01 năm 2025" in text
    assert "tính lại từ số đếm 98,4%" in text


@pytest.mark.parametrize("name", ["giay-moi", "bien-ban", "thong-bao-ket-luan"])
def test_pdfs_render(client_for, full, name) -> None:
    response = _get(client_for("qn.vientruong"), full, name, "pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_papers_are_gated(client_for, full) -> None:
    assert _get(client_for("hagiang.ksv"), full, "bien-ban", "docx").status_code == 404
    assert _get(client_for("qn.xem"), full, "khac", "docx").status_code == 404
    assert _get(client_for("qn.xem"), full, "bien-ban", "odt").status_code == 404
    assert date(2025, 1, 23) == full.held_on
