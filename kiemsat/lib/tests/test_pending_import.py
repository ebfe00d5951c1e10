"""Every web import previews its rows, writes nothing until confirmed, and then writes
exactly the previewed file — only for the person who uploaded it, only while it is the
file they saw (``kiemsat.lib.pending_import``)."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import sign_in
from kiemsat.agreements.excel import IMPORT_COLUMNS as INSTRUMENT_COLUMNS
from kiemsat.agreements.models import Instrument, Party
from kiemsat.audit.models import AuditEntry
from kiemsat.indicators import quota_services, services
from kiemsat.indicators.imports import RawRow
from kiemsat.indicators.models import Figure, Quota
from kiemsat.lib import pending_import
from kiemsat.lib.tests.pending import cancel, confirm, pending_file, token_of, xlsx
from kiemsat.org.models import Membership, Unit
from kiemsat.oversight.excel import IMPORT_COLUMNS as INTERVENTION_COLUMNS
from kiemsat.oversight.models import Intervention

# VKSND thành phố Hạ Long still exists (to 30/06/2025); work year 2025 may be given quotas.
NOW = "2025-06-16 09:00 +0700"
HA_LONG, HA_GIANG, QN = "QUANG-NINH-HA-LONG", "HA-GIANG", "QUANG-NINH"


def _instrument(unit: str, n: int) -> dict[str, Any]:
    return {
        "loai": "Kế hoạch phối hợp",
        "so_ky_hieu": f"{n}/KH-VKS-UBND",
        "ten": f"Kế hoạch phối hợp số {n}",
        "ngay_ky": "05/01/2025",
        "don_vi": unit,
        "nguoi_ky_don_vi": "Vũ Thị Đoan",
        "co_quan": "UBND-HA-LONG",
        "nguoi_ky_co_quan": "Nguyễn Tiến Dũng",
    }


def _instruments(unit: str, count: int, *extra: dict[str, Any]) -> bytes:
    rows = [_instrument(unit, n) for n in range(1, count + 1)]
    return xlsx([code for code, _ in INSTRUMENT_COLUMNS], [*rows, *extra])


def _interventions(unit: str, count: int) -> bytes:
    rows = [
        {
            "unit_code": unit,
            "kind": "Kiến nghị",
            "field": "Hình sự",
            "number": 100 + n,
            "symbol": "KN-VKS",
            "issued_on": "10/01/2025",
            "recipient_code": "CA-HA-LONG",
            "subject": f"Kiến nghị số {100 + n}",
        }
        for n in range(1, count + 1)
    ]
    return xlsx([code for code, _, _ in INTERVENTION_COLUMNS], rows)


def _figures(unit: str, count: int) -> bytes:
    lines = [f"{unit},2025-{month:02d},TB_MOI,{month}" for month in range(1, count + 1)]
    return ("unit_code,period,metric_code,value\n" + "\n".join(lines) + "\n").encode()


def _quotas(unit: str, count: int) -> bytes:
    codes = ["TB-03", "KN-02"][:count]
    lines = [f"{unit},2025,{code},{7 + i}" for i, code in enumerate(codes)]
    return ("unit_code,work_year,indicator_code,value\n" + "\n".join(lines) + "\n").encode()


def _instrument_rows() -> list[Any]:
    return sorted(Instrument.objects.values_list("title", "number"))


def _intervention_rows() -> list[Any]:
    return sorted(Intervention.objects.values_list("unit__code", "number", "subject"))


def _figure_rows() -> list[Any]:
    return sorted(Figure.objects.values_list("unit__code", "period", "metric__code", "value"))


def _quota_rows() -> list[Any]:
    return sorted(Quota.objects.values_list("unit__code", "work_year", "indicator_code", "value"))


@dataclass(frozen=True)
class Import:
    username: str
    url_name: str
    file_name: str
    build: Callable[[str, int], bytes]  # (unit code, rows) -> the file
    rows: Callable[[], list[Any]]  # what the import writes, in order
    parent: str | None = None  # quotas: the page is the parent unit's

    def url(self, name: str | None = None) -> str:
        name = name or self.url_name
        if self.parent is None:
            return reverse(name)
        return reverse(name, args=[Unit.objects.get(code=self.parent).pk, 2025])


IMPORTS = {
    "instruments": Import(
        "halong.ksv", "instrument_import", "vb.xlsx", _instruments, _instrument_rows
    ),
    "register": Import(
        "halong.ksv", "intervention_import", "so.xlsx", _interventions, _intervention_rows
    ),
    "figures": Import("halong.ksv", "figures_upload", "so-lieu.csv", _figures, _figure_rows),
    "quotas": Import("qn.vientruong", "quota_upload", "chi-tieu.csv", _quotas, _quota_rows, QN),
}
TWO = 2  # the rows of the good file every test uploads
KINDS = list(IMPORTS)


def state(imp: Import) -> tuple[list[Any], int, int]:
    return imp.rows(), Party.objects.count(), AuditEntry.objects.count()


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def _now_and_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def preview(client: Any, imp: Import, content: bytes | None = None) -> Any:
    content = imp.build(HA_LONG, 2) if content is None else content
    return client.post(imp.url(), {"file": SimpleUploadedFile(imp.file_name, content)})


def previewed_by_owner(client_for: Any, kind: str) -> tuple[Import, Any, Any, Any]:
    """The person who imports ``kind``, signed in, the state before, the good file's preview."""
    imp = IMPORTS[kind]
    client = client_for(imp.username)
    before = state(imp)
    return imp, client, before, preview(client, imp)


@pytest.mark.parametrize("kind", KINDS)
def test_the_preview_shows_the_rows_and_writes_nothing(client_for, kind) -> None:  # type: ignore[no-untyped-def]
    imp = IMPORTS[kind]
    client = client_for(imp.username)
    before = state(imp)
    content = imp.build(HA_LONG, 2)
    response = preview(client, imp, content)
    assert response.status_code == 200
    text = page(response)
    assert "Xác nhận nhập" in text and "Hủy" in text
    assert len(response.context["sample"]) == TWO
    assert not response.context["rest"] and "dòng khác" not in text
    assert state(imp) == before
    assert pending_file(response).read_bytes() == content


@pytest.mark.parametrize("kind", KINDS)
def test_confirm_writes_exactly_the_previewed_rows(client_for, kind) -> None:  # type: ignore[no-untyped-def]
    imp, client, (rows, _, audits), previewed = previewed_by_owner(client_for, kind)
    response = confirm(client, previewed)
    assert response.status_code == 302
    written = [row for row in imp.rows() if row not in rows]
    assert len(written) == TWO
    assert AuditEntry.objects.count() > audits
    assert not pending_file(previewed).exists()
    again = confirm(client, previewed)  # a second press writes nothing more
    assert again.status_code == 302
    assert pending_import.NOTHING_WAITING in messages_of(again)
    assert len(imp.rows()) == len(rows) + TWO


@pytest.mark.parametrize("kind", KINDS)
def test_another_person_cannot_confirm(client_for, cast, kind) -> None:  # type: ignore[no-untyped-def]
    imp, owner, before, previewed = previewed_by_owner(client_for, kind)
    other = sign_in(Client(), cast["qn.vientruong" if imp.username != "qn.vientruong" else "admin"])
    response = other.post(imp.url(f"{imp.url_name}_confirm"), token_of(previewed))
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert pending_import.NOTHING_WAITING in messages_of(response)
    assert state(imp) == before
    assert pending_file(previewed).exists()  # still the owner's to confirm
    assert confirm(owner, previewed).status_code == 302
    assert len(imp.rows()) == len(before[0]) + TWO


@pytest.mark.parametrize("kind", KINDS)
def test_cancel_removes_the_pending_file(client_for, kind) -> None:  # type: ignore[no-untyped-def]
    imp, client, before, previewed = previewed_by_owner(client_for, kind)
    response = cancel(client, previewed)
    assert response.status_code == 302
    assert pending_import.CANCELLED.format(name=imp.file_name) in messages_of(response)
    assert not pending_file(previewed).exists()
    refused = confirm(client, previewed)
    assert pending_import.NOTHING_WAITING in messages_of(refused)
    assert state(imp) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_changed_after_the_preview_is_refused(client_for, kind) -> None:  # type: ignore[no-untyped-def]
    imp, client, before, previewed = previewed_by_owner(client_for, kind)
    pending_file(previewed).write_bytes(imp.build(HA_LONG, 1))  # one row fewer on disk
    response = confirm(client, previewed)
    assert response.status_code == 302
    assert pending_import.CHANGED in messages_of(response)
    assert state(imp) == before
    assert not pending_file(previewed).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_preview_replaced_by_a_newer_file_is_refused(client_for, kind) -> None:  # type: ignore[no-untyped-def]
    """Another tab checked another file: the older page's button writes nothing, and the
    newer file still waits for its own page."""
    imp = IMPORTS[kind]
    client = client_for(imp.username)
    before = state(imp)
    older = preview(client, imp)
    newer = preview(client, imp, imp.build(HA_LONG, 1))
    assert not pending_file(older).exists()
    response = confirm(client, older)
    assert pending_import.OTHER_FILE in messages_of(response)
    assert state(imp) == before
    assert confirm(client, newer).status_code == 302
    assert len(imp.rows()) == len(before[0]) + 1


@pytest.mark.parametrize("kind", KINDS)
def test_an_expired_preview_is_refused(client_for, kind, _now_and_media) -> None:  # type: ignore[no-untyped-def]
    imp, client, before, previewed = previewed_by_owner(client_for, kind)
    _now_and_media.shift(timedelta(seconds=pending_import.KEEP_SECONDS + 60))
    response = confirm(client, previewed)
    assert pending_import.EXPIRED in messages_of(response)
    assert state(imp) == before
    assert not pending_file(previewed).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_a_foreign_unit_is_refused_with_its_row_and_nothing_waits(client_for, kind) -> None:  # type: ignore[no-untyped-def]
    imp = IMPORTS[kind]
    client = client_for(imp.username)
    before = state(imp)
    response = preview(client, imp, imp.build(HA_GIANG, 1))
    assert response.status_code == 400
    assert any(e.startswith("dòng 2") for e in response.context["errors"])
    assert "pending" not in response.context
    refused = client.post(imp.url(f"{imp.url_name}_confirm"), {"token": "x.csv"})
    assert pending_import.NOTHING_WAITING in messages_of(refused)
    assert state(imp) == before


@pytest.mark.parametrize("kind", KINDS)
def test_confirm_holds_the_import_gate(client_for, cast, kind) -> None:  # type: ignore[no-untyped-def]
    """The unit is checked again at the confirmation: a person who lost it meanwhile is
    refused and nothing is written."""
    imp, client, before, previewed = previewed_by_owner(client_for, kind)
    Membership.objects.filter(user=cast[imp.username]).delete()
    response = confirm(client, previewed)
    assert response.status_code in (400, 403, 404), response.status_code
    assert state(imp) == before


def test_the_preview_shows_50_rows_and_counts_the_rest(client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    imp = IMPORTS["register"]
    response = preview(client, imp, _interventions(HA_LONG, 53))
    assert response.status_code == 200
    assert len(response.context["sample"]) == pending_import.PREVIEW_ROWS
    assert response.context["rest"] == 3
    text = page(response)
    assert "Sẽ thêm mới 53 văn bản vào sổ" in text.replace("<strong>", "").replace("</strong>", "")
    assert "… và 3 dòng khác." in text
    assert "Kiến nghị số 150" in text and "Kiến nghị số 151" not in text
    assert Intervention.objects.filter(number__gt=100).count() == 0


def test_the_instrument_preview_names_each_row(client_for) -> None:  # type: ignore[no-untyped-def]
    response = preview(client_for("halong.ksv"), IMPORTS["instruments"])
    text = page(response)
    assert "Sẽ thêm mới <strong>2</strong> văn bản phối hợp" in text
    for needle in (
        "Kế hoạch phối hợp số 2",
        "02/KH-VKS-UBND",
        "05/01/2025",
        "UBND thành phố Hạ Long",
    ):
        assert needle in text, needle
    assert [line for line, _, _ in response.context["sample"]] == [2, 3]


def test_the_instrument_preview_sees_a_number_used_twice_in_the_file(client_for) -> None:  # type: ignore[no-untyped-def]
    """The import would meet the first row once saved; the preview says so already."""
    twice = _instruments(HA_LONG, 1, {**_instrument(HA_LONG, 1), "ten": "Kế hoạch khác"})
    before = state(IMPORTS["instruments"])
    response = preview(client_for("halong.ksv"), IMPORTS["instruments"], twice)
    assert response.status_code == 400
    assert response.context["errors"] == [
        "dòng 3: Số 01/KH-VKS-UBND năm 2025 đã được dùng cho văn bản “Kế hoạch phối hợp số 1” "
        "của đơn vị."
    ]
    assert state(IMPORTS["instruments"]) == before


def test_the_quota_preview_shows_old_and_new_targets(client_for, units) -> None:  # type: ignore[no-untyped-def]
    quota_services.quota_set(
        actor=None, unit=units[HA_LONG], indicator_code="TB-03", work_year=2025, value=4
    )
    quota_services.quota_set(
        actor=None, unit=units[HA_LONG], indicator_code="KN-02", work_year=2025, value=8
    )
    before = state(IMPORTS["quotas"])
    response = preview(client_for("qn.vientruong"), IMPORTS["quotas"])  # TB-03 7, KN-02 8
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.rows, result.created, result.updated, result.unchanged) == (2, 0, 1, 1)
    text = page(response)
    assert "4 → <strong>7</strong>" in text
    assert '8 <span class="muted">(giữ nguyên)</span>' in text
    assert [(c.line, c.old, c.quota.value) for c, _ in response.context["sample"]] == [
        (2, 4, 7),
        (3, 8, 8),
    ]
    assert state(IMPORTS["quotas"]) == before


def test_the_figures_preview_shows_old_and_new_values(client_for, units) -> None:  # type: ignore[no-untyped-def]
    services.figures_import(actor=None, rows=[RawRow(1, HA_LONG, "2025-01", "TB_MOI", 9)])
    before = state(IMPORTS["figures"])
    response = preview(client_for("halong.ksv"), IMPORTS["figures"])  # 01: 1, 02: 2
    assert response.status_code == 200
    assert "9 → <strong>1</strong>" in page(response)
    assert state(IMPORTS["figures"]) == before
