"""Quotas a leader assigns to the units below: the grid, Excel, the lock, the command, the API.

The cast: qn.vientruong (leader of Quảng Ninh) assigns the quotas of its local units,
qn.xem only reads, halong.ksv, hagiang.ksv and nguoingoai are outsiders to the grid. The
clock stands in work year 2025 (1/12/2024 – 30/11/2025): Hạ Long ends on 30/6/2025, so it
has a quota in work year 2025 and none after; the starter catalogue (the only one the
tests load) gives the quota indicators until 30/9/2025.
"""

from __future__ import annotations

import html
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.engine import AggregatedInput
from kiemsat.indicators.evaluation import evaluate_unit, indicators_in_force, member_inputs
from kiemsat.indicators.imports import ImportRefused, RawRow
from kiemsat.indicators.models import Quota, QuotaLock, Source, SubmissionStatus
from kiemsat.indicators.quota_forms import cell_name
from kiemsat.indicators.quota_services import quota_set, quotas_approve
from kiemsat.indicators.services import figures_import
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.tests.pending import confirm
from kiemsat.org.models import Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2025
QN, KV3, HA_LONG, HA_GIANG = "QUANG-NINH", "QUANG-NINH-KV3", "QUANG-NINH-HA-LONG", "HA-GIANG"
CAM_PHA = "QUANG-NINH-CAM-PHA"
QUOTA_CODES = ["KN-02", "TB-03", "TG-02", "XX-03"]
HEADER = "unit_code,unit_name,work_year,indicator_code,value"


@pytest.fixture(autouse=True)
def _frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime(2025, 3, 17, 10, 0, tzinfo=VN), tick=False):
        yield


def page_url(unit, year: int = YEAR, name: str = "quota_grid") -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[unit.pk, year])


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def quotas() -> list[tuple[str, str, int, int]]:
    rows = Quota.objects.values_list("unit__code", "indicator_code", "work_year", "value")
    return sorted(rows)


def state() -> tuple[list[tuple[str, str, int, int]], list[tuple[int, int, str]], int]:
    locks = sorted(QuotaLock.objects.values_list("unit_id", "work_year", "status"))
    return quotas(), locks, AuditEntry.objects.count()


def csv_file(*lines: str, name: str = "chi-tieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([HEADER, *lines]) + "\n").encode())


def upload(client, unit, file, year: int = YEAR):  # type: ignore[no-untyped-def]
    """Upload, then confirm the preview: the response of the step that ended it."""
    preview = client.post(page_url(unit, year, "quota_upload"), {"file": file})
    return confirm(client, preview) if preview.status_code == 200 else preview


def tb03_status(unit) -> str:  # type: ignore[no-untyped-def]
    """TB-03 (kiểm sát trực tiếp tin báo ≥ quota) of ``unit`` over work year 2025 so far."""
    table = evaluate_unit(unit, MonthRange.parse("2024-12", "2025-02"))
    return str(table.by_code()["TB-03"].evaluation.status)


@pytest.fixture
def ha_long_reported(units):  # type: ignore[no-untyped-def]
    """Hạ Long did 2 + 1 direct inspections of crime reports in 12/2024 and 1/2025."""
    rows = [
        RawRow(1, HA_LONG, "2024-12", "TB_KSTT", 2),
        RawRow(2, HA_LONG, "2025-01", "TB_KSTT", 1),
        RawRow(3, HA_LONG, "2025-02", "TB_KSTT", 0),
    ]
    figures_import(actor=None, rows=rows, source=Source.ENTRY)
    return units[HA_LONG]


def grid_post(client, qn, values: dict[tuple[object, str], object]):  # type: ignore[no-untyped-def]
    data = {cell_name(unit, code): value for (unit, code), value in values.items()}
    return client.post(page_url(qn), data)


# --- the page ------------------------------------------------------------------------------


def test_leader_sees_the_units_below_and_the_quota_indicators(client_for, units):  # type: ignore[no-untyped-def]
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="TB-03", work_year=YEAR, value=4)
    response = client_for("qn.vientruong").get(page_url(units[QN]))
    assert response.status_code == 200
    grid = response.context["grid"]
    codes = [u.code for u in grid.units]
    # The districts that end on 30/6/2025 and khu vực 3 that starts on 1/7/2025.
    assert HA_LONG in codes and KV3 in codes and HA_GIANG not in codes
    assert set(codes) == set(units[QN].children.values_list("code", flat=True))
    assert [i.code for i in grid.indicators] == QUOTA_CODES
    assert response.context["can_write"] is True
    assert response.context["form"][cell_name(units[HA_LONG], "TB-03")].value() == 4
    page = text(response)
    assert "Giao chỉ tiêu năm công tác 2025 – VKSND tỉnh Quảng Ninh" in page
    assert '<option value="2025" selected>2025</option>' in page
    assert "2.025" not in page
    # Work year 2026: Hạ Long has ended; the starter catalogue gives no quota indicator.
    grid = client_for("qn.vientruong").get(page_url(units[QN], 2026)).context["grid"]
    assert [u.code for u in grid.units] == [KV3]
    assert grid.indicators == []


def test_the_year_link_opens_the_current_work_year(client_for, units):  # type: ignore[no-untyped-def]
    response = client_for("qn.vientruong").get(reverse("quota_year", args=[units[QN].pk]))
    assert response.status_code == 302
    assert response["Location"] == page_url(units[QN], 2025)
    response = client_for("qn.vientruong").get(
        reverse("quota_year", args=[units[QN].pk]), {"year": "2021"}
    )
    assert response["Location"] == page_url(units[QN], 2021)
    assert client_for("qn.vientruong").get(page_url(units[QN], 2027)).status_code == 404


def test_leader_sets_a_quota_on_the_page_and_the_status_follows(  # type: ignore[no-untyped-def]
    client_for, units, ha_long_reported
):
    client = client_for("qn.vientruong")
    qn = units[QN]
    assert tb03_status(ha_long_reported) == "KHONG_CO_CHI_TIEU"

    response = grid_post(
        client, qn, {(ha_long_reported, "TB-03"): "3", (ha_long_reported, "KN-02"): ""}
    )
    assert response.status_code == 302
    assert quotas() == [(HA_LONG, "TB-03", YEAR, 3)]
    entry = AuditEntry.objects.get(action="indicators.quota_set")
    assert entry.actor.username == "qn.vientruong"
    assert entry.changes == {"value": [None, 3], "work_year": YEAR}
    assert tb03_status(ha_long_reported) == "DAT"  # 3 done ≥ 3 given

    grid_post(client, qn, {(ha_long_reported, "TB-03"): "5"})
    assert quotas() == [(HA_LONG, "TB-03", YEAR, 5)]
    assert tb03_status(ha_long_reported) == "KHONG_DAT"  # 3 done < 5 given

    before = AuditEntry.objects.count()
    grid_post(client, qn, {(ha_long_reported, "TB-03"): "5"})  # nothing changed, nothing audited
    assert AuditEntry.objects.count() == before

    grid_post(client, qn, {(ha_long_reported, "TB-03"): ""})  # emptied: no quota any more
    assert quotas() == []
    assert AuditEntry.objects.filter(action="indicators.quota_clear").count() == 1
    assert tb03_status(ha_long_reported) == "KHONG_CO_CHI_TIEU"


@pytest.mark.parametrize("value", ["-1", "2,5", "abc", "100001"])
def test_bad_grid_values_are_refused(client_for, units, value):  # type: ignore[no-untyped-def]
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="TB-03", work_year=YEAR, value=4)
    before = state()
    response = grid_post(client_for("qn.vientruong"), units[QN], {(units[HA_LONG], "TB-03"): value})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert state() == before


def test_leader_imports_quotas_from_the_excel_template(client_for, units, ha_long_reported):  # type: ignore[no-untyped-def]
    client = client_for("qn.vientruong")
    quota_set(actor=None, unit=ha_long_reported, indicator_code="KN-02", work_year=YEAR, value=2)
    response = client.get(page_url(units[QN], name="quota_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "unit_code", "unit_name", "work_year", "indicator_code", "indicator_name", "value"
    )  # fmt: skip
    cells = {(r[0], r[3]): (r[2], r[5]) for r in rows[1:]}
    assert len(rows) - 1 == len(cells) == 4 * units[QN].children.count()
    assert cells[(HA_LONG, "KN-02")] == (YEAR, 2)
    assert cells[(HA_LONG, "TB-03")] == (YEAR, None)
    line = next(i for i, r in enumerate(rows, 1) if (r[0], r[3]) == (HA_LONG, "TB-03"))
    sheet.cell(row=line, column=6, value=3)
    book = sheet.parent
    out = io.BytesIO()
    book.save(out)

    file = SimpleUploadedFile("chi-tieu.xlsx", out.getvalue())
    audited = AuditEntry.objects.count()
    response = upload(client, units[QN], file)
    assert response.status_code == 302
    assert quotas() == [(HA_LONG, "KN-02", YEAR, 2), (HA_LONG, "TB-03", YEAR, 3)]
    assert AuditEntry.objects.count() == audited + 1  # one row changed, one audit row
    assert tb03_status(ha_long_reported) == "DAT"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Đã nhập tệp chi-tieu.xlsx: 2 dòng – thêm 1, sửa 0, giữ nguyên 1."]


def test_the_template_lists_its_units_and_indicators_in_a_danh_muc_sheet(client_for, units):  # type: ignore[no-untyped-def]
    response = client_for("qn.vientruong").get(page_url(units[QN], name="quota_template"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1] == "Danh mục"
    listed = list(book["Danh mục"].iter_rows(min_row=2, values_only=True))
    unit_codes = {code for column, code, _ in listed if column == "unit_code"}
    assert unit_codes == set(units[QN].children.values_list("code", flat=True))
    assert HA_GIANG not in unit_codes
    indicators = [code for column, code, _ in listed if column == "indicator_code"]
    assert indicators == QUOTA_CODES


def test_a_semicolon_csv_may_name_units_and_indicators(client_for, units):  # type: ignore[no-untyped-def]
    """As Excel writes it on a Vietnamese Windows: BOM, semicolons; names instead of codes."""
    content = (
        "\ufeffunit_code;work_year;indicator_code;value\r\n"
        "vksnd thanh pho ha long;2025;"
        "Số cuộc kiểm sát trực tiếp việc giải quyết tố giác, tin báo về tội phạm;3\r\n"
    )
    file = SimpleUploadedFile("chi-tieu.csv", content.encode())
    response = upload(client_for("qn.vientruong"), units[QN], file)
    assert response.status_code == 302
    assert quotas() == [(HA_LONG, "TB-03", YEAR, 3)]


# --- who may --------------------------------------------------------------------------------


def test_viewer_reads_but_gets_403_on_every_write(client_for, units):  # type: ignore[no-untyped-def]
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="TB-03", work_year=YEAR, value=4)
    client = client_for("qn.xem")
    response = client.get(page_url(units[QN]))
    assert response.status_code == 200
    assert response.context["can_write"] is False
    assert "Lưu chỉ tiêu giao" not in text(response)
    before = state()
    assert grid_post(client, units[QN], {(units[HA_LONG], "TB-03"): "9"}).status_code == 403
    file = csv_file(f"{HA_LONG},,2025,TB-03,9")
    assert upload(client, units[QN], file).status_code == 403
    assert client.post(page_url(units[QN], name="quota_approve")).status_code == 403
    assert state() == before


@pytest.mark.parametrize("username", ["hagiang.ksv", "nguoingoai", "halong.ksv"])
def test_outsiders_get_404(client_for, units, username):  # type: ignore[no-untyped-def]
    client = client_for(username)
    qn = units[QN]
    before = state()
    assert client.get(page_url(qn)).status_code == 404
    assert client.get(page_url(qn, name="quota_template")).status_code == 404
    assert client.get(reverse("quota_year", args=[qn.pk])).status_code == 404
    assert grid_post(client, qn, {(units[HA_LONG], "TB-03"): "9"}).status_code == 404
    assert upload(client, qn, csv_file(f"{HA_LONG},,2025,TB-03,9")).status_code == 404
    assert client.post(page_url(qn, name="quota_approve")).status_code == 404
    assert state() == before


def test_links_show_only_to_the_leader(client_for, units):  # type: ignore[no-untyped-def]
    url = reverse("quota_year", args=[units[QN].pk])
    entry = reverse("figures_entry", args=[units[QN].pk])
    assert url in text(client_for("qn.vientruong").get(entry))
    assert url not in text(client_for("qn.xem").get(entry))
    dashboard = reverse("indicator_unit", args=[units[QN].pk])
    assert url in text(client_for("qn.vientruong").get(dashboard))
    assert url not in text(client_for("qn.xem").get(dashboard))


# --- bad files ------------------------------------------------------------------------------


BAD_FILES = [
    ("KHONG-CO,,2026,TB-03,3", "dòng 2: không có đơn vị mã hoặc tên 'KHONG-CO' (cột unit_code)"),
    (
        f"{HA_LONG},,2026,TB-03,3",
        f"dòng 2: đơn vị '{HA_LONG}' đã kết thúc ngày 30/06/2025, trước năm công tác 2026",
    ),
    (
        f"{HA_GIANG},,2025,TB-03,3",
        f"dòng 2: bạn không có quyền giao chỉ tiêu cho đơn vị '{HA_GIANG}'",
    ),
    (f"{HA_LONG},,2025,TB-03,-2", "dòng 2: giá trị âm (-2)"),
    (f"{HA_LONG},,2025,TB-03,2.5", "dòng 2: giá trị '2.5' không phải số nguyên không âm"),
    (f"{HA_LONG},,2025,KHONG-CO,3", "dòng 2: không có chỉ tiêu mã 'KHONG-CO'"),
    (
        f"{HA_LONG},,2025,TB-01,3",
        "dòng 2: chỉ tiêu 'TB-01' không phải chỉ tiêu được giao (loại quota)",
    ),
    (f"{HA_LONG},,26,TB-03,3", "dòng 2: năm công tác '26' không hợp lệ (4 chữ số, ví dụ 2026)"),
    (f"{HA_LONG},,2027,TB-03,3", "dòng 2: năm công tác 2027 chưa tới: chỉ giao được đến năm 2026"),
]


@pytest.mark.parametrize(("line", "message"), BAD_FILES)
def test_bad_files_are_refused_with_their_row(client_for, units, line, message):  # type: ignore[no-untyped-def]
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="KN-02", work_year=YEAR, value=2)
    before = state()
    # The good first row is not written either: all or nothing.
    file = csv_file(line, f"{HA_LONG},,2025,KN-02,7")
    response = upload(client_for("qn.vientruong"), units[QN], file)
    assert response.status_code == 400
    assert response.context["errors"] == [message]
    assert message in text(response)
    assert state() == before


def test_duplicate_rows_and_empty_files_are_refused(client_for, units):  # type: ignore[no-untyped-def]
    client = client_for("qn.vientruong")
    file = csv_file(f"{HA_LONG},,2025,TB-03,3", f"{HA_LONG},,2025,TB-03,4")
    response = upload(client, units[QN], file)
    assert response.context["errors"] == [f"dòng 3: trùng với dòng 2 ({HA_LONG}, 2025, TB-03)"]
    response = upload(client, units[QN], csv_file(f"{HA_LONG},,2025,TB-03,"))
    assert response.context["errors"] == ["Tệp rỗng: không có dòng chỉ tiêu giao nào."]
    file = SimpleUploadedFile("x.csv", b"unit_code,value\nA,1\n")
    response = upload(client, units[QN], file)
    assert response.status_code == 400
    assert response.context["errors"][0].startswith("dòng 1: tiêu đề không đúng")
    assert quotas() == []


# --- the lock -------------------------------------------------------------------------------


def test_approved_year_is_locked_until_reopened_with_a_reason(client_for, units):  # type: ignore[no-untyped-def]
    client = client_for("qn.vientruong")
    qn, ha_long = units[QN], units[HA_LONG]
    response = client.post(page_url(qn, name="quota_approve"))
    assert response.status_code == 302
    assert not QuotaLock.objects.exists()  # nothing given yet, nothing to approve

    grid_post(client, qn, {(ha_long, "TB-03"): "3"})
    assert client.post(page_url(qn, name="quota_approve")).status_code == 302
    lock = QuotaLock.objects.get(unit=qn, work_year=YEAR)
    assert lock.status == SubmissionStatus.APPROVED
    assert lock.decided_by.username == "qn.vientruong"
    assert AuditEntry.objects.filter(action="indicators.quotas_approve").count() == 1

    page = client.get(page_url(qn))
    assert page.context["can_write"] is False
    assert "đã được duyệt và khóa" in text(page)
    before = state()
    response = grid_post(client, qn, {(ha_long, "TB-03"): "9"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"chỉ tiêu giao năm công tác 2025 của các đơn vị trực thuộc '{QN}' đã được duyệt và "
        "khóa; cần lãnh đạo mở lại trước khi sửa"
    ]
    response = upload(client, qn, csv_file(f"{HA_LONG},,2025,TB-03,9"))
    assert response.context["errors"] == [
        f"dòng 2: chỉ tiêu giao năm công tác 2025 của các đơn vị trực thuộc '{QN}' đã được "
        "duyệt và khóa; cần lãnh đạo mở lại trước khi sửa"
    ]
    response = client.post(page_url(qn, name="quota_reopen"), {"reason": "  "})
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Cần ghi lý do mở lại (tối đa 500 ký tự)."
    ]
    assert state() == before

    client.post(page_url(qn, name="quota_reopen"), {"reason": "Điều chỉnh theo kế hoạch mới"})
    lock.refresh_from_db()
    assert lock.status == SubmissionStatus.REOPENED
    assert lock.reopen_reason == "Điều chỉnh theo kế hoạch mới"
    entry = AuditEntry.objects.get(action="indicators.quotas_reopen")
    assert entry.changes == {"reason": "Điều chỉnh theo kế hoạch mới"}
    assert grid_post(client, qn, {(ha_long, "TB-03"): "9"}).status_code == 302
    assert quotas() == [(HA_LONG, "TB-03", YEAR, 9)]


def test_a_lock_covers_only_its_parent_and_year(cast, units):  # type: ignore[no-untyped-def]
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="TB-03", work_year=YEAR, value=3)
    quotas_approve(actor=cast["qn.vientruong"], parent=units[QN], work_year=YEAR)
    with pytest.raises(ImportRefused):
        quota_set(actor=None, unit=units[KV3], indicator_code="TB-03", work_year=YEAR, value=4)
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="TB-03", work_year=2024, value=1)
    quota_set(actor=None, unit=units[HA_GIANG], indicator_code="TB-03", work_year=YEAR, value=2)
    assert quotas() == [
        (HA_GIANG, "TB-03", 2025, 2),
        (HA_LONG, "TB-03", 2024, 1),
        (HA_LONG, "TB-03", 2025, 3),
    ]


# --- the command ----------------------------------------------------------------------------


def _workbook(path: Path, *rows: tuple[object, ...]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["unit_code", "work_year", "indicator_code", "value"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def test_import_quotas_command(units, tmp_path):  # type: ignore[no-untyped-def]
    good = _workbook(tmp_path / "good.xlsx", (KV3, 2025, "TB-03", 3), (HA_LONG, 2024, "TG-02", 8))
    out = io.StringIO()
    call_command("import_quotas", str(good), "--dry-run", stdout=out)
    assert "Kiểm tra (không ghi): 2 dòng – thêm mới 2" in out.getvalue()
    assert quotas() == []
    call_command("import_quotas", str(good), stdout=io.StringIO())
    assert quotas() == [(HA_LONG, "TG-02", 2024, 8), (KV3, "TB-03", 2025, 3)]

    bad = _workbook(tmp_path / "bad.xlsx", (KV3, 2025, "TB-03", 4), (HA_LONG, 2026, "TB-03", 1))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_quotas", str(bad), stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert f"dòng 3: đơn vị '{HA_LONG}' đã kết thúc ngày 30/06/2025" in err.getvalue()
    assert quotas() == [(HA_LONG, "TG-02", 2024, 8), (KV3, "TB-03", 2025, 3)]


# --- pooled ---------------------------------------------------------------------------------


def test_a_member_of_several_units_pools_the_quotas_of_those_that_reported(  # type: ignore[no-untyped-def]
    units, ha_long_reported
):
    """As ``engine.pool`` does for a group: Cẩm Phả reported other figures but not TB-03's,
    so its quota adds nothing; Hạ Long's counts, and its inspections are the sum."""
    cam_pha = Unit.objects.get(code=CAM_PHA)
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="TB-03", work_year=YEAR, value=4)
    quota_set(actor=None, unit=cam_pha, indicator_code="TB-03", work_year=YEAR, value=3)
    rows = [RawRow(1, CAM_PHA, "2024-12", "TB_MOI", 6)]
    figures_import(actor=None, rows=rows, source=Source.ENTRY)
    months = MonthRange.parse("2024-12", "2025-02")
    members = {"both": {units[HA_LONG].pk, cam_pha.pk}, "cam_pha": {cam_pha.pk}}
    indicators = indicators_in_force(months.last_day(), [cam_pha.level])
    got = member_inputs(members, indicators, months)
    assert got["both"]["TB-03"] == AggregatedInput({"TB_KSTT": 3}, True, 4)
    assert got["cam_pha"]["TB-03"] == AggregatedInput({}, False, None)
    assert got["both"]["TB-01"].reported and got["both"]["TB-01"].quota is None


# --- the API --------------------------------------------------------------------------------


def test_api_lists_only_quotas_in_scope(client_for, cast, units):  # type: ignore[no-untyped-def]
    quota_set(actor=None, unit=units[KV3], indicator_code="TB-03", work_year=YEAR, value=3)
    quota_set(actor=None, unit=units[HA_LONG], indicator_code="TG-02", work_year=2024, value=8)
    quota_set(actor=None, unit=units[HA_GIANG], indicator_code="KN-02", work_year=2024, value=1)
    quotas_approve(actor=cast["qn.vientruong"], parent=units[QN], work_year=YEAR)

    body = client_for("qn.xem").get("/api/quotas").json()
    assert body["count"] == 2
    assert body["items"] == [
        {"unit_code": KV3, "unit_name": units[KV3].name, "work_year": 2025,
         "indicator_code": "TB-03", "value": 3, "locked": True},
        {"unit_code": HA_LONG, "unit_name": units[HA_LONG].name, "work_year": 2024,
         "indicator_code": "TG-02", "value": 8, "locked": False},
    ]  # fmt: skip
    client = client_for("qn.vientruong")
    assert [i["unit_code"] for i in client.get("/api/quotas?year=2024").json()["items"]] == [
        HA_LONG
    ]
    assert client.get(f"/api/quotas?unit={KV3}").json()["count"] == 1
    assert client.get("/api/quotas?limit=1&offset=1").json()["items"][0]["unit_code"] == HA_LONG
    outside = client.get(f"/api/quotas?unit={HA_GIANG}")  # a filter: 400, as on every list
    assert outside.status_code == 400
    assert outside.json() == {"detail": f"Không có đơn vị mã '{HA_GIANG}' trong phạm vi của bạn."}
    hagiang = client_for("hagiang.ksv").get("/api/quotas").json()
    assert [i["unit_code"] for i in hagiang["items"]] == [HA_GIANG]
    assert client_for("nguoingoai").get("/api/quotas").json()["count"] == 0
