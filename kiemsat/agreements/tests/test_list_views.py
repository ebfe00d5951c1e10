"""The instrument list through HTTP: its filters and the export exactly as filtered, the
import (all rows or none, only the user's units) and its template, the cascade coverage."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kiemsat.agreements.models import Instrument
from kiemsat.agreements.tests.conftest import HA_LONG, register
from kiemsat.agreements.tests.test_services import snapshot
from kiemsat.lib.excel import first_body_row
from kiemsat.lib.tests.pending import confirm
from kiemsat.org.models import Partner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reorganisation")]


def xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=first_body_row(sheet), values_only=True))
    return [r for r in rows if r[0] is not None and isinstance(r[0], int)]


@pytest.mark.parametrize("username", ["halong.ksv", "qn.vientruong", "qn.xem", "nguoingoai"])
def test_list_and_export_are_scoped(client_for, full_instrument, username):
    other = register("HA-GIANG", ("TAND-HA-GIANG",), title="Quy chế Hà Giang")
    client = client_for(username)
    body = client.get(reverse("instrument_list")).content.decode()
    assert other.title not in body
    assert (full_instrument.title in body) == (username != "nguoingoai")
    export = client.get(reverse("instrument_export"))
    assert export.status_code == 200
    assert [row[4] for row in xlsx_rows(export.content)] == (
        [] if username == "nguoingoai" else [full_instrument.title]
    )


def test_filters_and_export_exactly_as_filtered(client_for, units):
    regulation = register(kind="regulation", title="Quy chế năm 2022", valid_to=date(2022, 12, 31))
    plan = register(
        partners=("CA-HA-LONG",), kind="plan", title="Kế hoạch 2023", signed_on=date(2023, 2, 1)
    )
    draft = register(kind="plan", title="Kế hoạch dự thảo", signed_on=None)
    client = client_for("halong.ksv")
    police = Partner.objects.get(code="CA-HA-LONG").pk
    cases = [
        ({"kind": "plan"}, {plan.title, draft.title}),
        ({"partner": police}, {plan.title}),
        ({"status": "expired"}, {regulation.title}),
        ({"status": "draft"}, {draft.title}),
        ({"tu_ngay": "2023-01-01", "den_ngay": "2023-12-31"}, {plan.title}),
        ({"q": "ke hoach", "status": "in_force"}, {plan.title}),
    ]
    for params, titles in cases:
        page = client.get(reverse("instrument_list"), params)
        shown = {i.title for i in page.context["page"]}
        assert shown == titles, params
        export = client.get(reverse("instrument_export"), params)
        assert {row[4] for row in xlsx_rows(export.content)} == titles, params
    bad = client.get(
        reverse("instrument_list"), {"tu_ngay": "2023-12-31", "den_ngay": "2023-01-01"}
    )
    assert bad.context["form"].errors["den_ngay"]


def test_export_uses_vietnamese_dates(client_for, full_instrument):
    content = client_for("halong.ksv").get(reverse("instrument_export")).content
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    first = first_body_row(sheet)
    assert sheet[f"F{first}"].number_format == "DD/MM/YYYY"
    assert sheet[f"F{first}"].value.date() == date(2022, 1, 18)
    assert sheet[f"G{first}"].value == "VKSND thành phố Hạ Long; UBND thành phố Hạ Long"
    assert sheet["A1"].value == "Danh sách văn bản phối hợp"
    assert sheet["A2"].value == "Số văn bản: 1"


def workbook(rows: list[list[Any]]) -> SimpleUploadedFile:
    import io

    from openpyxl import Workbook

    from kiemsat.agreements.excel import IMPORT_COLUMNS

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([code for code, _ in IMPORT_COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("van-ban.xlsx", out.getvalue())


GOOD_ROW = [
    "Chương trình phối hợp",
    "03/CTrPH-VKS-UBND",
    "Chương trình phối hợp công tác năm 2020",
    "",
    "15/01/2020",
    "Hạ Long",
    "",
    "31/12/2020",
    "",
    HA_LONG,
    "Vũ Thị Đoan",
    "Viện trưởng",
    "UBND-HA-LONG",
    "Nguyễn Tiến Dũng",
    "Chủ tịch",
    HA_LONG,
]


def test_import_all_rows_or_none(client_for, units):
    client = client_for("halong.ksv")
    bad_rows = [
        GOOD_ROW,
        [*GOOD_ROW[:4], "15/01/2020", "", "", "01/01/2019", *GOOD_ROW[8:]],  # end before start
        [*GOOD_ROW[:12], "KHONG-CO", *GOOD_ROW[13:]],  # unknown partner
        ["Thông tư", *GOOD_ROW[1:]],  # unknown kind
        GOOD_ROW,  # same number again
    ]
    before = snapshot()
    refused = client.post(reverse("instrument_import"), {"file": workbook(bad_rows)})
    assert refused.status_code == 400
    errors = refused.context["errors"]
    text = "\n".join(errors)
    assert "dòng 3: Ngày hết hiệu lực" in text
    assert "dòng 4: cột co_quan: không có cơ quan phối hợp mã hoặc tên 'KHONG-CO'" in text
    assert "dòng 5: loại văn bản 'Thông tư'" in text
    assert "dòng 6: Số 03/CTrPH-VKS-UBND năm 2020 đã được dùng" in text
    assert snapshot() == before
    ok = confirm(client, client.post(reverse("instrument_import"), {"file": workbook([GOOD_ROW])}))
    assert ok.status_code == 302
    imported = Instrument.objects.get(title="Chương trình phối hợp công tác năm 2020")
    assert imported.parties.count() == 2 and imported.number == 3


def test_import_refuses_rows_of_other_units_and_other_files(client_for, units):
    client = client_for("hagiang.ksv")
    response = client.post(reverse("instrument_import"), {"file": workbook([GOOD_ROW])})
    assert response.status_code == 400
    assert (
        "dòng 2: VKSND thành phố Hạ Long ngoài phạm vi đơn vị của bạn: không thể ghi là bên ký."
        in "\n".join(response.context["errors"])
    )
    csv = client.post(
        reverse("instrument_import"), {"file": SimpleUploadedFile("a.csv", b"loai;ten\n")}
    )
    assert csv.status_code == 400 and "dòng 1: thiếu cột" in csv.context["errors"][0]
    pdf = client.post(
        reverse("instrument_import"), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}
    )
    assert (
        pdf.status_code == 400 and "không phải Excel (.xlsx) hoặc CSV" in pdf.context["errors"][0]
    )


def semicolon_csv(rows: list[list[Any]]) -> SimpleUploadedFile:
    """As Excel saves CSV on a Vietnamese Windows: a BOM, then semicolons."""
    import csv
    import io

    from kiemsat.agreements.excel import IMPORT_COLUMNS

    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([[c for c, _ in IMPORT_COLUMNS], *rows])
    return SimpleUploadedFile("van-ban.csv", b"\xef\xbb\xbf" + out.getvalue().encode())


def test_a_semicolon_csv_names_the_parties_by_name(client_for, units):
    row = list(GOOD_ROW)
    row[9] = "VKSND thành phố Hạ Long"
    row[12] = "ubnd thanh pho ha long"
    row[15] = "UBND thành phố Hạ Long"  # the host, by name too
    client = client_for("halong.ksv")
    response = confirm(
        client, client.post(reverse("instrument_import"), {"file": semicolon_csv([row])})
    )
    assert response.status_code == 302
    imported = Instrument.objects.get(title="Chương trình phối hợp công tác năm 2020")
    parties = {
        (p.unit.code if p.unit else p.partner.code, p.is_host) for p in imported.parties.all()
    }
    assert parties == {(HA_LONG, False), ("UBND-HA-LONG", True)}


def test_a_name_shared_by_two_partners_is_refused_with_both(client_for, units):
    from kiemsat.org.models import PartnerKind
    from kiemsat.org.services import partner_register

    for name in ("Hội Luật gia thành phố Hạ Long", "Hội Luật gia tỉnh Quảng Ninh"):
        partner_register(actor=None, name=name, kind=PartnerKind.OTHER, short_name="Hội Luật gia")
    row = list(GOOD_ROW)
    row[12] = "hoi luat gia"
    before = snapshot()
    response = client_for("halong.ksv").post(
        reverse("instrument_import"), {"file": semicolon_csv([row])}
    )
    assert response.status_code == 400
    assert response.context["errors"] == [
        'dòng 2: cột co_quan: "hoi luat gia" khớp nhiều cơ quan phối hợp: '
        "Hội Luật gia thành phố Hạ Long (HOI-LUAT-GIA-THANH-PHO-HA-LONG), "
        "Hội Luật gia tỉnh Quảng Ninh (HOI-LUAT-GIA-TINH-QUANG-NINH); hãy ghi mã"
    ]
    assert snapshot() == before


def test_the_template_lists_the_users_units_and_the_partners(client_for, units):
    import io

    from openpyxl import load_workbook

    def listed(username: str) -> list[tuple[str, str, str]]:
        content = client_for(username).get(reverse("instrument_import_template")).content
        sheet = load_workbook(io.BytesIO(content))["Danh mục"]
        return list(sheet.iter_rows(min_row=2, values_only=True))

    rows = listed("halong.ksv")
    assert [(code, name) for column, code, name in rows if column == "don_vi"] == [
        (HA_LONG, "VKSND thành phố Hạ Long")
    ]
    assert ("co_quan", "UBND-HA-LONG", "UBND thành phố Hạ Long") in rows
    assert [code for column, code, _ in listed("hagiang.ksv") if column == "don_vi"] == ["HA-GIANG"]


def test_import_template_round_trips(client_for, units):
    client = client_for("qn.vientruong")  # the example row names VKSND tỉnh Quảng Ninh
    template = client.get(reverse("instrument_import_template")).content
    upload = SimpleUploadedFile("mau.xlsx", template)
    preview = client.post(reverse("instrument_import"), {"file": upload})
    assert confirm(client, preview).status_code == 302
    assert Instrument.objects.filter(title="Chương trình phối hợp công tác năm 2022").exists()


def test_cascade_coverage_page(client_for, units):
    from kiemsat.agreements.selectors import CoverageState, cascade_coverage

    parent = register(
        "QUANG-NINH",
        ("UBND-QUANG-NINH",),
        signed_on=date(2022, 1, 10),
        cascade_due=date(2022, 3, 31),
        title="Chương trình cấp tỉnh",
    )
    on_time = register(parent=parent, title="Hạ Long 2022")
    late = register(
        "QUANG-NINH-CAM-PHA",
        ("UBND-HA-LONG",),
        parent=parent,
        signed_on=date(2022, 4, 15),
        title="Cẩm Phả 2022",
    )
    rows = {r.unit.code: r for r in cascade_coverage(parent, date(2022, 5, 1))}
    assert rows[HA_LONG].state == CoverageState.SIGNED and rows[HA_LONG].instrument == on_time
    assert rows["QUANG-NINH-CAM-PHA"].state == CoverageState.SIGNED_LATE
    assert rows["QUANG-NINH-CAM-PHA"].instrument == late
    assert rows["QUANG-NINH-UONG-BI"].state == CoverageState.LATE
    early = {r.unit.code: r.state for r in cascade_coverage(parent, date(2022, 2, 1))}
    assert early["QUANG-NINH-UONG-BI"] == CoverageState.PENDING
    assert "QUANG-NINH-KV3" not in rows  # regional units did not exist on the due date
    page = client_for("qn.xem").get(reverse("cascade_coverage", args=[parent.pk]))
    text = page.content.decode()
    assert "Đã ký đúng hạn" in text and "Đã ký, trễ hạn" in text and "Chưa ký – quá hạn" in text
    assert (
        client_for("halong.ksv").get(reverse("cascade_coverage", args=[parent.pk])).status_code
        == 404
    )
    no_cascade = reverse("cascade_coverage", args=[on_time.pk])
    assert client_for("halong.ksv").get(no_cascade).status_code == 404


def test_derived_instrument_must_sit_below_the_directing_one(client_for, units):
    parent = register(
        "QUANG-NINH", ("UBND-QUANG-NINH",), cascade_due=date(2022, 3, 31), title="Tỉnh"
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        register("HA-GIANG", ("TAND-HA-GIANG",), parent=parent, title="Không trực thuộc")
    assert "không trực thuộc" in info.value.message_dict["parent"][0]
    # Hạ Long's staff may pick it in the form although they cannot open it
    page = client_for("halong.ksv").get(reverse("instrument_create"), {"cap_tren": parent.pk})
    assert f'<option value="{parent.pk}" selected>' in page.content.decode()


def test_import_command_all_or_nothing(units, tmp_path):
    import io

    from django.core.management import call_command

    path = tmp_path / "van-ban.xlsx"
    path.write_bytes(workbook([GOOD_ROW, [*GOOD_ROW[:12], "KHONG-CO", *GOOD_ROW[13:]]]).read())
    errors = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import_instruments", str(path), stdout=io.StringIO(), stderr=errors)
    assert exited.value.code == 1
    assert "Không nhập: 1 lỗi" in errors.getvalue()
    assert "dòng 3: cột co_quan: không có cơ quan phối hợp mã hoặc tên 'KHONG-CO'" in (
        errors.getvalue()
    )
    assert not Instrument.objects.exists()
    path.write_bytes(workbook([GOOD_ROW]).read())
    out = io.StringIO()
    call_command("import_instruments", str(path), "--dry-run", stdout=out)
    assert "có thể nhập 1" in out.getvalue() and not Instrument.objects.exists()
    call_command("import_instruments", str(path), stdout=out)
    assert Instrument.objects.count() == 1
