"""Figure files as people make them: semicolons and a BOM from Excel on a Vietnamese Windows,
months as MM/YYYY, units and metrics by name; the preview's rows with old → new values; the
template's "Danh mục". The clock stands in March 2025, while Hạ Long still existed."""

from __future__ import annotations

import html
import io
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from kiemsat.indicators import services
from kiemsat.indicators.entry_selectors import typed_metrics
from kiemsat.indicators.imports import RawRow
from kiemsat.indicators.models import Figure
from kiemsat.lib.pending_import import PREVIEW_ROWS
from kiemsat.lib.periods import Month

pytestmark = pytest.mark.django_db

HA_LONG = "QUANG-NINH-HA-LONG"
TB_MOI = "Số tố giác, tin báo, kiến nghị khởi tố mới thụ lý trong kỳ"


@pytest.fixture(autouse=True)
def _frozen_with_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel("2025-03-17 10:00 +0700", tick=False):
        yield


def excel_csv(*rows: str) -> bytes:
    """As Excel saves "CSV UTF-8" on a Vietnamese Windows: a BOM, semicolons, CRLF."""
    return ("\ufeff" + "\r\n".join(["unit_code;period;metric_code;value", *rows])).encode()


def values() -> dict[tuple[str, str, str], int]:
    rows = Figure.objects.values_list("unit__code", "period", "metric__code", "value")
    return {(u, Month.from_index(p).label, m): v for u, p, m, v in rows}


def store(**figures: int) -> None:
    rows = [RawRow(2, HA_LONG, "2025-01", code, v) for code, v in figures.items()]
    services.figures_import(actor=None, rows=rows)


def upload(client, content: bytes, name: str = "so-lieu.csv"):  # type: ignore[no-untyped-def]
    return client.post(reverse("figures_upload"), {"file": SimpleUploadedFile(name, content)})


def test_a_semicolon_file_with_names_and_mm_yyyy_is_previewed_then_written(client_for) -> None:
    store(TB_MOI=12, TB_DA_GQ=4)
    client = client_for("halong.ksv")
    content = excel_csv(
        f"vksnd thanh pho ha long;01/2025;{TB_MOI};15",  # changed: 12 → 15
        "VKSND thành phố Hạ Long;1/2025;TB_DA_GQ;4",  # unchanged
        f"{HA_LONG};02/2025;tb_chuyen;3",  # new, the metric's code in lower case
    )
    response = upload(client, content)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.rows, preview.created, preview.updated, preview.unchanged) == (3, 1, 1, 1)
    shown = [(r.line, r.unit, r.month, r.old, r.new) for r in response.context["sample"]]
    assert shown == [
        (2, "VKSND thành phố Hạ Long", "01/2025", 12, 15),
        (3, "VKSND thành phố Hạ Long", "01/2025", 4, 4),
        (4, "VKSND thành phố Hạ Long", "02/2025", None, 3),
    ]
    page = html.unescape(response.content.decode())
    assert "12 → <strong>15</strong>" in page
    assert '3 <span class="badge ok">mới</span>' in page
    assert '4 <span class="muted">(giữ nguyên)</span>' in page
    assert TB_MOI in page and "dòng khác" not in page
    assert values()[(HA_LONG, "01/2025", "TB_MOI")] == 12  # nothing written before confirming
    token = {"token": response.context["pending"].token}
    assert client.post(reverse("figures_upload_confirm"), token).status_code == 302
    assert values() == {
        (HA_LONG, "01/2025", "TB_MOI"): 15,
        (HA_LONG, "01/2025", "TB_DA_GQ"): 4,
        (HA_LONG, "02/2025", "TB_CHUYEN"): 3,
    }


MONTHS = [(2024, 11), (2024, 12), (2025, 1), (2025, 2)]


def test_the_preview_shows_the_first_rows_and_counts_the_rest(client_for) -> None:
    codes = [m.code for m in typed_metrics()]
    rows = [f"{HA_LONG};{month}/{year};{code};1" for year, month in MONTHS for code in codes]
    assert len(rows) > PREVIEW_ROWS
    response = upload(client_for("halong.ksv"), excel_csv(*rows))
    assert response.status_code == 200
    assert [r.line for r in response.context["sample"]] == list(range(2, PREVIEW_ROWS + 2))
    assert response.context["rest"] == len(rows) - PREVIEW_ROWS
    assert f"… và {len(rows) - PREVIEW_ROWS} dòng khác." in html.unescape(response.content.decode())


def test_a_unit_name_shared_across_history_is_refused_with_both_codes(tmp_path: Path) -> None:
    path = tmp_path / "so-lieu.csv"
    path.write_bytes(excel_csv("VKSND tỉnh Bắc Ninh;01/2025;TB_MOI;5"))
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_figures", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines()[0] == (
        'dòng 2: "VKSND tỉnh Bắc Ninh" khớp nhiều đơn vị: VKSND tỉnh Bắc Ninh (BAC-NINH), '
        "VKSND tỉnh Bắc Ninh (BAC-NINH-2025); hãy ghi mã"
    )
    assert not Figure.objects.exists()


def test_an_unknown_name_names_its_column(client_for) -> None:
    response = upload(client_for("halong.ksv"), excel_csv(f"{HA_LONG};01/2025;Số vụ án lạ;5"))
    assert response.status_code == 400
    assert response.context["errors"] == [
        "dòng 2: không có số liệu mã hoặc tên 'Số vụ án lạ' (cột metric_code)"
    ]


def test_a_month_excel_made_a_date_and_a_typed_mm_yyyy_are_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["unit_code", "period", "metric_code", "value"])
    sheet.append([HA_LONG, datetime(2025, 1, 1), "TB_MOI", 7])
    sheet.append([HA_LONG, "02/2025", "TB_MOI", 8])
    path = tmp_path / "so-lieu.xlsx"
    book.save(path)
    call_command("import_figures", str(path), stdout=io.StringIO())
    assert values() == {(HA_LONG, "01/2025", "TB_MOI"): 7, (HA_LONG, "02/2025", "TB_MOI"): 8}


def test_the_template_lists_the_users_units_and_the_typed_metrics(client_for, units) -> None:  # type: ignore[no-untyped-def]
    def listed(username: str) -> list[tuple[str, str, str]]:
        url = reverse("figures_template", args=[units[HA_LONG].pk]) + "?start=2025-01&end=2025-01"
        book = load_workbook(io.BytesIO(client_for(username).get(url).content))
        assert book.sheetnames[1] == "Danh mục"
        return list(book["Danh mục"].iter_rows(min_row=2, values_only=True))

    rows = listed("halong.ksv")
    assert [(c, n) for col, c, n in rows if col == "unit_code"] == [
        (HA_LONG, "VKSND thành phố Hạ Long")
    ]
    metrics = [(c, n) for col, c, n in rows if col == "metric_code"]
    assert metrics == [(m.code, m.name) for m in typed_metrics()]
    assert ("TB_MOI", TB_MOI) in metrics
    leader = {c for col, c, _ in listed("qn.vientruong") if col == "unit_code"}
    assert {"QUANG-NINH", HA_LONG} <= leader and "HA-GIANG" not in leader
