"""Excel: the list exported as filtered; an existing register imported all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kiemsat.audit.models import AuditEntry
from kiemsat.lib.excel import first_body_row
from kiemsat.lib.tests.pending import confirm
from kiemsat.lib.tests.test_bad_files import cp1258
from kiemsat.org.models import PartnerKind
from kiemsat.org.services import partner_register
from kiemsat.oversight.excel import IMPORT_COLUMNS
from kiemsat.oversight.models import Intervention, Outcome, Source

pytestmark = pytest.mark.django_db

HEADER = [code for code, _, _ in IMPORT_COLUMNS]
GOOD = [
    # unit, kind, field, number, symbol, issued, recipient, subject, rule, received,
    # extended_to, answered, outcome, court_decision
    [
        "QUANG-NINH-HA-LONG",
        "Kiến nghị",
        "Tiếp nhận, giải quyết tố giác, tin báo về tội phạm",
        21,
        "KN-VKS",
        "05/03/2025",
        "CA-HA-LONG",
        "Kiến nghị khắc phục vi phạm",
        "tra-loi-khieu-nai-ttlt-02-2018",
        "06/03/2025",
        None,
        "20/03/2025",
        "Chấp nhận",
        None,
    ],
    [
        "QUANG-NINH-HA-LONG",
        "kien_nghi_phong_ngua",
        "khac",
        22,
        "KNPN-VKS",
        datetime(2025, 3, 7),
        "UBND-HA-LONG",
        "Kiến nghị phòng ngừa vi phạm về đất đai",
        None,
        None,
        None,
        None,
        None,
        None,
    ],
    [
        "QUANG-NINH-HA-LONG",
        "Kháng nghị phúc thẩm",
        "Hình sự",
        23,
        "QĐ-VKS-HS",
        "2025-03-10",
        "TAND-QUANG-NINH",
        "Kháng nghị phúc thẩm bản án số 5/2025/HS-ST",
        None,
        "2025-03-11",
        None,
        "2025-04-20",
        "chap_nhan_mot_phan",
        "Bản án hình sự phúc thẩm số 9/2025/HS-PT",
    ],
]


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Imports are made by halong.ksv while VKSND thành phố Hạ Long still existed.
BEFORE_END = "2025-06-16 09:00 +0700"


def _upload(client, content: bytes, name: str = "so-theo-doi.xlsx"):  # type: ignore[no-untyped-def]
    """Upload, then confirm the preview: the response of the step that ended it."""
    file = SimpleUploadedFile(name, content)
    preview = client.post(reverse("intervention_import"), {"file": file})
    return confirm(client, preview) if preview.status_code == 200 else preview


@time_machine.travel(BEFORE_END, tick=False)
def test_import_a_register(client_for) -> None:
    response = _upload(client_for("halong.ksv"), _xlsx(GOOD))
    assert response.status_code == 302
    rows = {iv.number: iv for iv in Intervention.objects.all()}
    assert set(rows) == {21, 22, 23}
    assert rows[21].due_on == date(2025, 3, 21)  # 06/03 + 15
    assert rows[21].outcome == Outcome.ACCEPTED
    assert rows[22].received_on is None and rows[22].due_on is None
    assert rows[23].court_decision.endswith("HS-PT")
    assert all(iv.source == Source.IMPORT for iv in rows.values())
    assert AuditEntry.objects.filter(action="oversight.intervention_import").count() == 3


@time_machine.travel(BEFORE_END, tick=False)
def test_bad_rows_are_named_and_nothing_is_written(client_for, make) -> None:
    make(number=30, issued_on=date(2025, 3, 1), received_on=None)
    bad = [list(row) for row in GOOD]
    bad[0][9] = "01/03/2025"  # received before issued
    bad[1][6] = "KHONG-CO"  # unknown recipient
    bad[2][12] = "chua_tra_loi"  # answered on a date with "no answer"
    bad.append([*GOOD[0][:3], 30, *GOOD[0][4:]])  # number 30 already in the register
    bad.append([*GOOD[0][:5], "32/13/2025", *GOOD[0][6:]])  # not a date
    bad.append(["HA-GIANG", *GOOD[0][1:]])  # not the user's unit
    bad.append([*GOOD[0][:3], 40, *GOOD[0][4:]])
    bad.append([*GOOD[0][:3], 40, *GOOD[0][4:]])  # number 40 twice in the file
    before = (Intervention.objects.count(), AuditEntry.objects.count())
    response = _upload(client_for("halong.ksv"), _xlsx(bad))
    assert response.status_code == 400
    errors = response.context["errors"]
    text = "\n".join(errors)
    assert "dòng 2, cột received_on: Ngày cơ quan nhận không được trước ngày ban hành." in text
    assert "dòng 3, cột recipient_code: không có cơ quan nhận mã hoặc tên 'KHONG-CO'" in text
    assert "dòng 4, cột" in text and "Ngày trả lời và kết quả phải được nhập cùng nhau" in text
    assert "dòng 5, cột number: Số 30 năm 2025 đã được dùng" in text
    assert "dòng 6, cột issued_on: ngày '32/13/2025' không hợp lệ" in text
    assert "dòng 7, cột unit_code: bạn không có quyền nhập văn bản của VKSND tỉnh Hà Giang" in text
    assert "dòng 9, cột number: số 40 năm 2025" in text and "hai lần trong tệp" in text
    assert len(errors) == 7
    assert (Intervention.objects.count(), AuditEntry.objects.count()) == before


@time_machine.travel(BEFORE_END, tick=False)
def test_csv_and_missing_columns(client_for) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerow(["" if v is None else v for v in GOOD[0]])
    response = _upload(client_for("halong.ksv"), out.getvalue().encode(), "so.csv")
    assert response.status_code == 302
    assert Intervention.objects.get().number == 21
    response = _upload(client_for("halong.ksv"), b"unit_code,kind\nX,Y\n", "so.csv")
    assert response.status_code == 400
    assert "dòng 1: thiếu cột field, number" in response.context["errors"][0]


def test_import_command(tmp_path) -> None:
    path = tmp_path / "so.xlsx"
    path.write_bytes(_xlsx(GOOD))
    out = io.StringIO()
    call_command("import_interventions", str(path), "--dry-run", stdout=out)
    assert "3 dòng hợp lệ" in out.getvalue()
    assert not Intervention.objects.exists()
    call_command("import_interventions", str(path), stdout=out)
    assert Intervention.objects.count() == 3
    with pytest.raises(SystemExit) as exited:
        call_command("import_interventions", str(path), stdout=out, stderr=io.StringIO())
    assert exited.value.code == 1
    assert Intervention.objects.count() == 3


@time_machine.travel("2025-03-10 09:00 +0700", tick=False)
def test_export_as_filtered(client_for, make, partners) -> None:
    make(1)  # overdue since 03/02
    make(2, answer=(date(2025, 1, 20), Outcome.ACCEPTED))
    make(1, unit="HA-GIANG", recipient=partners["TAND-HA-GIANG"])
    response = client_for("qn.xem").get(
        reverse("intervention_list"), {"status": "qua_han", "format": "xlsx"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    head = [sheet.cell(row=r, column=1).value for r in range(1, 4)]
    assert head == [
        "Sổ theo dõi kháng nghị, kiến nghị, yêu cầu",
        "Tình trạng: Quá hạn",
        "Xuất lúc: 10/03/2025 09:00",
    ]
    assert sheet.freeze_panes == "A6" and sheet.cell(row=5, column=1).value == "Đơn vị ban hành"
    rows = list(sheet.iter_rows(min_row=first_body_row(sheet), values_only=True))
    assert len(rows) == 1
    row = rows[0]
    assert row[0] == "VKSND thành phố Hạ Long"
    assert row[3] == "01/KN-VKS"
    assert row[9] == datetime(2025, 2, 3)
    assert sheet.cell(row=6, column=10).number_format == "DD/MM/YYYY"
    assert row[14] == "Quá hạn"
    everything = client_for("hagiang.ksv").get(reverse("intervention_list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(everything.content)).active
    rows = list(sheet.iter_rows(min_row=first_body_row(sheet)))
    assert len(rows) == 1  # only Hà Giang's own entry


@time_machine.travel(BEFORE_END, tick=False)
def test_a_windows_1258_csv_is_read_as_typed(client_for) -> None:
    """Offices still save CSV in Windows-1258, tone marks apart: the subject reads as typed."""
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, ["" if v is None else v for v in GOOD[0]]])
    response = _upload(client_for("halong.ksv"), cp1258(out.getvalue()), "so-1258.csv")
    assert response.status_code == 302
    iv = Intervention.objects.get()
    assert (iv.number, iv.subject) == (21, "Kiến nghị khắc phục vi phạm")
    assert iv.get_field_display() == "Tiếp nhận, giải quyết tố giác, tin báo về tội phạm"


@pytest.mark.parametrize(
    "subject", ['=HYPERLINK("http://x.example","Bấm vào")', "+84 Kiến nghị", "-Kiến nghị", "@A1"]
)
def test_a_subject_that_looks_like_a_formula_is_exported_as_text(client_for, make, subject) -> None:  # type: ignore[no-untyped-def]
    make(1, subject=subject)
    response = client_for("halong.ksv").get(reverse("intervention_list"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=first_body_row(sheet), column=7)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (subject, "s", True)


def _semicolon_csv(rows: list[list[object]]) -> bytes:
    """As Excel saves "CSV UTF-8" on a Vietnamese Windows: a BOM, semicolons, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows([HEADER, *[["" if v is None else v for v in row] for row in rows]])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


@time_machine.travel(BEFORE_END, tick=False)
def test_a_semicolon_csv_naming_unit_recipient_and_rule_by_name_is_imported(
    client_for, rules
) -> None:
    row = list(GOOD[0])
    row[0] = "vksnd thanh pho ha long"  # the unit by its name, folded
    row[6] = "Công an  thành phố HẠ LONG"  # the recipient by its name, spaced and cased
    row[8] = rules["tra-loi-khieu-nai-ttlt-02-2018"].name
    response = _upload(client_for("halong.ksv"), _semicolon_csv([row]), "so.csv")
    assert response.status_code == 302
    iv = Intervention.objects.select_related("unit", "recipient", "rule").get()
    assert (iv.unit.code, iv.recipient.code, iv.rule.code) == (
        "QUANG-NINH-HA-LONG",
        "CA-HA-LONG",
        "tra-loi-khieu-nai-ttlt-02-2018",
    )
    assert iv.due_on == date(2025, 3, 21)


@time_machine.travel(BEFORE_END, tick=False)
def test_an_ambiguous_recipient_name_is_refused_with_the_candidates(client_for) -> None:
    for name in ("Công an huyện Vân Đồn", "Công an huyện Cô Tô"):
        partner_register(actor=None, name=name, kind=PartnerKind.POLICE, short_name="CA huyện")
    row = list(GOOD[0])
    row[6] = "ca huyen"
    response = _upload(client_for("halong.ksv"), _semicolon_csv([row]), "so.csv")
    assert response.status_code == 400
    assert response.context["errors"] == [
        'dòng 2, cột recipient_code: "ca huyen" khớp nhiều cơ quan nhận: '
        "Công an huyện Cô Tô (CONG-AN-HUYEN-CO-TO), "
        "Công an huyện Vân Đồn (CONG-AN-HUYEN-VAN-DON); hãy ghi mã"
    ]
    assert not Intervention.objects.exists()


@time_machine.travel(BEFORE_END, tick=False)
def test_the_template_lists_the_users_units_recipients_and_rules(client_for, rules) -> None:
    response = client_for("halong.ksv").get(reverse("intervention_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:2] == ["So theo doi", "Danh mục"]
    listed = list(book["Danh mục"].iter_rows(min_row=2, values_only=True))
    units = [(code, name) for column, code, name in listed if column == "unit_code"]
    assert units == [("QUANG-NINH-HA-LONG", "VKSND thành phố Hạ Long")]
    recipients = {code for column, code, _ in listed if column == "recipient_code"}
    assert {"CA-HA-LONG", "TAND-QUANG-NINH"} <= recipients
    codes = {code for column, code, _ in listed if column == "rule_code"}
    assert "tra-loi-khieu-nai-ttlt-02-2018" in codes and codes <= set(rules)
    other = load_workbook(
        io.BytesIO(client_for("hagiang.ksv").get(response.request["PATH_INFO"]).content)
    )
    other_units = [
        r[1]
        for r in other["Danh mục"].iter_rows(min_row=2, values_only=True)
        if r[0] == "unit_code"
    ]
    assert other_units == ["HA-GIANG"]
