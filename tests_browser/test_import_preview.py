"""An import is checked and shown before it is written: upload an instruments file, read
the preview at 1366 and 390 px (no sideways scrolling), confirm, find the instrument in the
list; a register file's preview fits both screens too, and "Hủy" writes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from kiemsat.agreements.excel import IMPORT_COLUMNS
from kiemsat.agreements.models import Instrument
from kiemsat.lib.tests.pending import xlsx
from kiemsat.oversight.excel import IMPORT_COLUMNS as INTERVENTION_COLUMNS
from kiemsat.oversight.models import Intervention

TITLES = [
    "Kế hoạch phối hợp kiểm sát thi hành án năm 2025",
    "Quy chế phối hợp trong giải quyết tin báo về tội phạm",
]
NO_SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook() -> bytes:
    rows = [
        {
            "loai": kind,
            "so_ky_hieu": f"{number}/{kind}PH-VKS-TA",
            "ten": title,
            "ngay_ky": "05/01/2025",
            "don_vi": "QUANG-NINH",
            "nguoi_ky_don_vi": "Trần Văn Hùng",
            "co_quan": "Tòa án nhân dân tỉnh Quảng Ninh",
            "nguoi_ky_co_quan": "Nguyễn Văn Nam",
        }
        for number, (kind, title) in enumerate(zip(("KH", "QC"), TITLES, strict=True), start=11)
    ]
    return xlsx([code for code, _ in IMPORT_COLUMNS], rows)


def test_an_instruments_file_is_previewed_then_confirmed(  # type: ignore[no-untyped-def]
    page: Page, live_url: str, login, shot
) -> None:
    login(page, "qn.vientruong")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_url + reverse("instrument_import"))
    page.get_by_label("Tệp Excel (.xlsx) hoặc CSV theo mẫu").set_input_files(
        files=[{"name": "van-ban.xlsx", "mimeType": XLSX, "buffer": _workbook()}]
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    rows = page.locator("table.import-preview tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(TITLES[0])
    expect(rows.first).to_contain_text("11/KHPH-VKS-TA")
    expect(rows.nth(1)).to_contain_text("Tòa án nhân dân tỉnh Quảng Ninh")
    expect(page.get_by_text("Sẽ thêm mới 2 văn bản phối hợp")).to_be_visible()
    assert not Instrument.objects.filter(title__in=TITLES).exists()  # nothing written yet
    assert page.evaluate(NO_SIDEWAYS)
    shot(page, "import_preview_instruments_1366")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS), page.evaluate("document.documentElement.scrollWidth")
    shot(page, "import_preview_instruments_390")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhập 2 văn bản phối hợp.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Văn bản phối hợp")
    expect(page.get_by_role("link", name=TITLES[1])).to_be_visible()
    assert Instrument.objects.filter(title__in=TITLES).count() == 2
    shot(page, "import_preview_instruments_done")


def _register_file() -> bytes:
    issued = timezone.localdate() - timedelta(days=30)
    row = {
        "unit_code": "QUANG-NINH",
        "kind": "Kiến nghị",
        "field": "Hình sự",
        "number": 41,
        "symbol": "KN-VKS-P7",
        "issued_on": f"{issued.day:02d}/{issued.month:02d}/{issued.year}",
        "recipient_code": "TAND-QUANG-NINH",
        "subject": "Kiến nghị khắc phục vi phạm trong việc gửi bản án cho Viện kiểm sát",
    }
    return xlsx([code for code, _, _ in INTERVENTION_COLUMNS], [row])


def test_the_register_preview_fits_both_screens(  # type: ignore[no-untyped-def]
    page: Page, live_url: str, login, shot
) -> None:
    login(page, "qn.vientruong")
    page.goto(live_url + reverse("intervention_import"))
    page.get_by_label("Tệp sổ theo dõi (XLSX hoặc CSV)").set_input_files(
        files=[{"name": "so.xlsx", "mimeType": XLSX, "buffer": _register_file()}]
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator("table.import-preview tbody tr")).to_contain_text("41/KN-VKS-P7")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        expect(page.get_by_role("button", name="Hủy")).to_be_visible()
        assert page.evaluate(NO_SIDEWAYS), (width, page.evaluate("document.body.scrollWidth"))
        shot(page, f"import_preview_register_{width}")
    page.get_by_role("button", name="Hủy").click()
    expect(page.get_by_role("status")).to_contain_text("Đã hủy nhập tệp so.xlsx")
    assert not Intervention.objects.filter(number=41, symbol="KN-VKS-P7").exists()
