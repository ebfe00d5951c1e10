"""The year-end cluster report and the proposal to the sector's council, in Word and PDF,
served through the term's gate."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from kiemsat.agreements.tests.test_documents import docx_text, pdf_text, pdf_to_png
from kiemsat.emulation import proposal_services, services
from kiemsat.emulation.models import Exclusion
from kiemsat.emulation.services import SelfEntry
from kiemsat.emulation.tests.conftest import CAM_PHA, HA_LONG, MONG_CAI, UONG_BI

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_end(term, units):  # type: ignore[no-untyped-def]
    for code, points in ((CAM_PHA, "30"), (HA_LONG, "25,5"), (UONG_BI, "12")):
        services.scores_self_assess(
            actor=None, term=term, unit=units[code], entries={"2": SelfEntry(points)}
        )
    Exclusion.objects.create(term=term, unit=units[MONG_CAI], reason="Vụ án tham nhũng")
    proposal_services.proposals_derive(actor=None, term=term)
    return term


@time_machine.travel("2024-11-29 09:00 +0700", tick=False)
def test_report_docx_holds_the_year(year_end, client_for):
    response = client_for("halong.ksv").get(reverse("term_report_docx", args=[year_end.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('bao-cao-tong-ket-thi-dua-cum-qn-1-2024.docx"')
    text = docx_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số:       /BC-VKS",
        "Cẩm Phả, ngày 29 tháng 11 năm 2024",
        "Nơi nhận:",
        "VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ CẨM PHẢ",
        "Tổng kết công tác thi đua năm 2024",
        "Số chỉ tiêu đạt chung của cả cụm:",
        "Cụm trưởng: VKSND thành phố Cẩm Phả",
        "25,5",
        "Không xét thi đua: Vụ án tham nhũng",
        "Tập thể lao động tiên tiến",
        "Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân",
    ):
        assert expected in text, expected


@time_machine.travel("2024-11-29 09:00 +0700", tick=False)
def test_proposal_docx_lists_the_proposals(year_end, client_for):
    response = client_for("qn.vientruong").get(reverse("term_proposal_docx", args=[year_end.pk]))
    assert response.status_code == 200
    text = docx_text(response.content)
    for expected in (
        "TỜ TRÌNH",
        "Số:       /TTr-VKS",
        "Kính gửi: Hội đồng Thi đua - Khen thưởng ngành Kiểm sát nhân dân",
        "VKSND thành phố Cẩm Phả",
        "Hạng 1, Hoàn thành tốt nhiệm vụ",
        "Nơi nhận:",
        "ngày 29 tháng 11 năm 2024",
    ):
        assert expected in text, expected
    assert "Móng Cái\nTập thể" not in text


def test_pdfs_render(year_end, client_for):
    client = client_for("halong.ksv")
    for name in ("term_report_pdf", "term_proposal_pdf"):
        response = client.get(reverse(name, args=[year_end.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), name
        png = pdf_to_png(response.content, f"emulation_{name}")
        assert png.exists()
        text = pdf_text(png.with_suffix(".pdf"))
        assert "Cụm thi đua số 1" in text and "Nơi nhận" in text, name


def test_documents_are_served_only_through_the_gate(year_end, client_for):
    for username, status in (
        ("hagiang.ksv", 404),
        ("nguoingoai", 404),
        ("qn.xem", 200),
        ("qn.vientruong", 200),
    ):
        client = client_for(username)
        for name in ("term_report_docx", "term_proposal_docx"):
            assert client.get(reverse(name, args=[year_end.pk])).status_code == status
