"""Exports of the dashboards: Excel equals the evaluation, Word and PDF follow Nghị định 30."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kiemsat.indicators.evaluation import evaluate_unit
from kiemsat.indicators.tests.test_views import MONTHS, RANGE, TB_GOOD, TT_SHORT, put
from kiemsat.lib.excel import first_body_row
from kiemsat.lib.vn import formal_date

pytestmark = pytest.mark.django_db

NOW = datetime(2022, 1, 5, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def halong(units):  # type: ignore[no-untyped-def]
    unit = units["QUANG-NINH-HA-LONG"]
    put(unit, {**TB_GOOD, **TT_SHORT, "TG_SO_NGUOI": 3, "TG_QUA_HAN": 0})
    return unit


def export(client, unit, fmt: str, **extra: str):  # type: ignore[no-untyped-def]
    page = reverse("indicator_unit", args=[unit.pk])
    with time_machine.travel(NOW, tick=False):
        return client.get(page, {**RANGE, "format": fmt, **extra})


def test_excel_cells_equal_the_evaluation(client_for, halong):
    response = export(client_for("halong.ksv"), halong, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    expected = "chi-tieu-QUANG-NINH-HA-LONG-2020-12-2021-11.xlsx"
    assert expected in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Kết quả"]
    body = first_body_row(sheet)
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=body)}
    table = evaluate_unit(halong, MONTHS)
    head = [c.value for c in sheet["A"][: body - 3]]
    summary = f"Kết quả: {table.summary.headline()}; {table.summary.exceeded_line()}"
    assert head == [
        "KẾT QUẢ THỰC HIỆN CHỈ TIÊU",
        "Đơn vị: VKSND thành phố Hạ Long (riêng đơn vị)",
        "Kỳ: 12/2020 – 11/2021",
        summary,
        "Xuất lúc: 05/01/2022 10:00",
    ]
    assert f"; {table.summary.unreported} chỉ tiêu chưa báo cáo" in table.summary.headline()
    assert sheet.freeze_panes == f"B{body}" and sheet.cell(body - 1, 1).value == "Chỉ tiêu"
    for line in table.lines:
        row = rows[line.indicator.code]
        ev = line.evaluation
        assert row[0].value == line.indicator.name  # the name before the code
        assert row[2].value == ev.numerator
        assert row[3].value == ev.denominator
        assert row[5].value  # the target in words
        assert row[6].value == ev.status.label
    tb01 = rows["TB-01"]
    assert isinstance(tb01[2].value, int) and tb01[2].number_format == "#,##0"
    assert tb01[4].number_format == "0.0%"
    assert tb01[4].value == pytest.approx(216 / 238)  # a fraction: 90,8%
    assert rows["TT-01"][7].value == 12 and rows["TT-01"][7].number_format == "#,##0"


def test_word_report_follows_decree_30(client_for, halong):
    response = export(client_for("qn.vientruong"), halong, "docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    text = "\n".join(texts).replace("\u00a0", " ")  # names in the letterhead do not break
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Số:" in text and "/BC-VKS" in text
    assert f"Hạ Long, {formal_date(date(2022, 1, 5))}" in text
    assert "ngày 05 tháng 01 năm 2022" in text
    assert "VIỆN KIỂM SÁT NHÂN DÂN TỈNH QUẢNG NINH" in text
    assert "VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẠ LONG" in text
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN CHỈ TIÊU" in text
    assert "Từ tháng 12/2020 đến tháng 11/2021" in text
    assert "2/3 chỉ tiêu đạt (66,7%); " in text  # TB-01 vượt, TG-01 đạt, TT-01 không đạt
    assert "chỉ tiêu chưa báo cáo" in text
    assert "90,8%" in text
    assert "Nơi nhận:" in text and "- Lưu: VT, VP." in text
    assert "VIỆN TRƯỞNG" in text
    section = doc.sections[0]
    assert round(section.page_width.cm) == 21 and round(section.page_height.cm, 1) == 29.7
    assert doc.styles["Normal"].font.name == "Times New Roman"


def test_word_report_carries_the_chart_as_a_picture(client_for, halong):
    response = export(client_for("halong.ksv"), halong, "docx", chart="TB-01")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    assert len(doc.inline_shapes) == 1
    shape = doc.inline_shapes[0]
    assert round(shape.width.cm) == 16
    image = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed]
    png = image.blob
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1600 and 300 < height < width
    texts = [p.text for p in doc.paragraphs]
    caption = texts.index(next(t for t in texts if t.startswith("Diễn biến theo tháng")))
    assert texts[caption].startswith("Diễn biến theo tháng của chỉ tiêu TB-01 – ")
    assert "mức chỉ tiêu" in texts[caption]
    assert any(p.runs and p.runs[0].element.xpath(".//a:blip") for p in doc.paragraphs[:caption])


def test_pdf_report(client_for, halong):
    response = export(client_for("halong.ksv"), halong, "pdf", chart="TB-01")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "chi-tieu-QUANG-NINH-HA-LONG-2020-12-2021-11.pdf" in response["Content-Disposition"]


def test_pdf_template_holds_the_chart_and_letterhead(halong, rf):
    from django.template.loader import render_to_string

    from kiemsat.indicators import exports, selectors
    from kiemsat.indicators.exports import TITLE

    dash = selectors.unit_dashboard(halong, MONTHS, with_subordinates=False, chart_code="TB-01")
    report = exports.unit_report(dash)
    html = render_to_string(
        "documents/indicators_report.html",
        {"report": report, "title": TITLE, "date_line": exports.date_line(report.place)},
    )
    assert "<svg" in html and "Chỉ tiêu: trên 90%" in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Nơi nhận:" in html
    assert "Liberation Serif" in html


def test_group_excel_has_matrix_and_ranking(client_for, units, halong):
    page = reverse("indicator_province", args=[units["QUANG-NINH"].pk])
    response = client_for("qn.vientruong").get(page, {**RANGE, "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Kết quả", "Thành viên", "Xếp hạng"]
    sheet = book["Thành viên"]
    body = first_body_row(sheet)
    names = [c.value for c in sheet[body - 1]]
    column = next(i for i, name in enumerate(names) if name and name.endswith("(TB-01)"))
    members = {row[0].value: row for row in sheet.iter_rows(min_row=body)}
    halong_tb01 = members["VKSND thành phố Hạ Long"][column]
    assert halong_tb01.value == pytest.approx(216 / 238) and halong_tb01.number_format == "0.0%"
    assert members["VKSND tỉnh Quảng Ninh"][column].value == "Chưa báo cáo"
    ranks = book["Xếp hạng"]
    ranking = list(ranks.iter_rows(min_row=first_body_row(ranks)))
    assert (ranking[0][0].value, ranking[0][1].value) == (1, "VKSND thành phố Hạ Long")
    assert ranking[0][0].number_format == "#,##0" and ranking[0][4].number_format == "0.0%"
    assert 0 <= ranking[0][4].value <= 1
