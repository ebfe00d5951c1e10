"""The instrument and its review report in the Nghị định 30 layout: Word and PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from kiemsat.agreements.documents import summary_after_type
from kiemsat.agreements.services import parties as parties_services
from kiemsat.agreements.services.instruments import PartyData
from kiemsat.org.models import Partner

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "documents"


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts).replace("\u00a0", " ")  # names in the letterhead do not break


@pytest.fixture
def joint(full_instrument):  # type: ignore[no-untyped-def]
    """Three parties: the unit, the People's Committee and the city court."""
    parties_services.party_add(
        actor=None,
        instrument=full_instrument,
        data=PartyData(
            partner=Partner.objects.get(code="TAND-HA-LONG"),
            signatory_name="Trần Thị Bình",
            signatory_title="Chánh án",
        ),
    )
    return full_instrument


def test_instrument_word_file(client_for, joint):
    response = client_for("qn.xem").get(reverse("instrument_docx", args=[joint.pk]))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    text = docx_text(response.content)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 56/CTrPH-VKS-UBND",
        "Hạ Long, ngày 18 tháng 01 năm 2022",
        "VIỆN KIỂM SÁT NHÂN DÂN TỈNH QUẢNG NINH",  # the unit's parent above it
        "VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẠ LONG",
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG",
        "TÒA ÁN NHÂN DÂN THÀNH PHỐ HẠ LONG",
        "CHƯƠNG TRÌNH PHỐI HỢP",
        "Công tác năm 2022",
        "Căn cứ Luật Tổ chức Viện kiểm sát nhân dân năm 2014;",
        "Chương I",
        "QUY ĐỊNH CHUNG",
        "Điều 1. Phạm vi",
        "Phối hợp giải quyết các vụ án hành chính.",
        "TM. VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẠ LONG",
        "VIỆN TRƯỞNG",
        "Vũ Thị Đoan",
        "TM. ỦY BAN NHÂN DÂN THÀNH PHỐ HẠ LONG",
        "Nguyễn Tiến Dũng",
        "CHÁNH ÁN",
        "Trần Thị Bình",
        "Nơi nhận:",
        "- VKSND tỉnh Quảng Ninh (để báo cáo);",
        "- Lưu: VT.",
    ):
        assert expected in text, expected
    # one signature block per party, side by side in one row
    document = Document(io.BytesIO(response.content))
    signature_row = document.tables[-1].rows[0].cells
    assert len(signature_row) == 3


def test_review_report_word_file(client_for, full_instrument):
    review = full_instrument.reviews.get()
    url = reverse("review_docx", args=[full_instrument.pk, review.pk])
    text = docx_text(client_for("halong.ksv").get(url).content)
    for expected in (
        "BÁO CÁO",
        "Sơ kết việc thực hiện Chương trình phối hợp công tác năm 2022",
        "từ 18/01/2022 đến 30/06/2022",
        "Hạ Long, ngày 01 tháng 7 năm 2022",
        "II. KẾT QUẢ ĐẠT ĐƯỢC",
        "Đã phối hợp giải quyết 12 vụ án hành chính.",
        "Tổng hợp vi phạm, kiến nghị phòng ngừa",  # the duties table
        "Quyết định: Tiếp tục thực hiện.",
        "Nơi nhận:",
        "- UBND thành phố Hạ Long;",
        "VIỆN TRƯỞNG",
        "Vũ Thị Đoan",
    ):
        assert expected in text, expected


def pdf_to_png(pdf: bytes, name: str) -> Path:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        [
            pdftoppm,
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(ARTIFACTS / name),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return ARTIFACTS / f"{name}.png"


def pdf_text(pdf: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(  # noqa: S603
        [pdftotext, str(pdf), "-"], check=True, capture_output=True, timeout=60
    )
    return " ".join(result.stdout.decode().split())  # lines wrap inside the header cells


def test_instrument_and_review_pdf_render_vietnamese(client_for, joint):
    client = client_for("qn.vientruong")
    response = client.get(reverse("instrument_pdf", args=[joint.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    png = pdf_to_png(response.content, "agreements_instrument")
    assert png.exists() and png.stat().st_size > 10_000
    text = pdf_text(png.with_suffix(".pdf"))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 56/CTrPH-VKS-UBND",
        "ngày 18 tháng 01 năm 2022",
        "Nơi nhận:",
        "Vũ Thị Đoan",
        "Điều 1. Phạm vi",
    ):
        assert expected in text, expected
    review = joint.reviews.get()
    report = client.get(reverse("review_pdf", args=[joint.pk, review.pk]))
    assert report.status_code == 200
    report_png = pdf_to_png(report.content, "agreements_review")
    assert "Sơ kết việc thực hiện" in pdf_text(report_png.with_suffix(".pdf"))


@pytest.mark.parametrize(
    ("kind", "title", "expected"),
    [
        ("Quy chế phối hợp", "Quy chế phối hợp về việc tăng cường", "Về việc tăng cường"),
        (
            "Chương trình phối hợp",
            "Chương trình phối hợp giai đoạn 2022 - 2025",
            "Giai đoạn 2022 - 2025",
        ),
        ("Kế hoạch phối hợp", "Phối hợp kiểm sát", "Phối hợp kiểm sát"),
        ("Quy chế phối hợp", "Quy chế phối hợp", "Quy chế phối hợp"),
    ],
)
def test_summary_after_type_name(kind, title, expected):
    assert summary_after_type(kind, title) == expected
