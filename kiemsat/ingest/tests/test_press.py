"""The information register: due dates in working days (Tết, work-year edge), status, Hôm
nay and reminders, list, Excel as filtered, the API, scope and bad input."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from kiemsat.audit.models import AuditEntry
from kiemsat.ingest import services
from kiemsat.ingest.models import Action, PressItem, PressKind
from kiemsat.ingest.services import PressData
from kiemsat.lib.excel import first_body_row

pytestmark = pytest.mark.django_db

NOW = "2025-02-10 09:00 +0700"  # Monday after Tết 2025


def _make(units: Any, code: str = "QUANG-NINH-HA-LONG", **fields: Any) -> PressItem:
    values = {
        "kind": PressKind.REQUEST,
        "subject": "Vụ án cố ý gây thương tích tại phường Hồng Gai",
        "responsible_unit": units[code],
        "received_on": date(2025, 1, 24),
        "working_days": 5,
        **fields,
    }
    return services.press_item_register(actor=None, unit=units[code], data=PressData(**values))


def _form(units: Any, code: str = "QUANG-NINH-HA-LONG", **overrides: Any) -> dict[str, Any]:
    return {
        "unit": units[code].pk,
        "kind": "false_info",
        "subject": "Bài viết xuyên tạc về việc truy tố",
        "outlet": "Trang mạng xã hội",
        "link": "https://example.vn/bai-viet",
        "sensitivity": "sensitive",
        "responsible_unit": units[code].pk,
        "responsible_person": "Phạm Đức Minh",
        "received_on": "28/11/2025",
        "working_days": "3",
        **overrides,
    }


@time_machine.travel(NOW, tick=False)
def test_due_date_skips_tet(units) -> None:  # type: ignore[no-untyped-def]
    item = _make(units)  # Friday 24/01/2025; Tết days off 25/01–02/02
    assert item.due_on == date(2025, 2, 7)
    assert AuditEntry.objects.filter(
        action="ingest.press_item_register", object_id=str(item.pk)
    ).exists()


@time_machine.travel("2025-12-01 08:00 +0700", tick=False)  # first day of work year 2026
def test_create_through_the_page_across_the_work_year_edge(client_for, units) -> None:  # type: ignore[no-untyped-def]
    client = client_for("qn.vientruong")  # Hạ Long's unit ended on 30/06/2025
    response = client.post(reverse("press_create"), _form(units, "QUANG-NINH"))
    assert response.status_code == 302, response.content.decode()[-2000:]
    item = PressItem.objects.get(subject="Bài viết xuyên tạc về việc truy tố")
    assert item.due_on == date(2025, 12, 3)  # Fri 28/11 → Mon 1/12, Tue 2/12, Wed 3/12
    page = client.get(reverse("press_detail", args=[item.pk])).content.decode()
    assert "03/12/2025" in page and "Nhạy cảm" in page


@time_machine.travel("2025-11-30 10:00 +0700", tick=False)  # a Sunday
def test_bad_input_is_refused_and_nothing_is_written(client_for, units) -> None:  # type: ignore[no-untyped-def]
    client = client_for("qn.vientruong")
    before = (PressItem.objects.count(), AuditEntry.objects.count())
    for overrides, message in [
        ({"received_on": "01/12/2025"}, "Ngày nhận 01/12/2025 chưa tới (hôm nay 30/11/2025)."),
        ({"working_days": "0"}, "Thời hạn từ 1 ngày làm việc trở lên."),
        ({"link": "khong-phai-duong-dan"}, "Đường dẫn không hợp lệ"),
        (
            {"responsible_unit": str(units["HA-GIANG"].pk)},
            "Đơn vị chủ trì ngoài phạm vi đơn vị của bạn.",
        ),
        ({"unit": str(units["HA-GIANG"].pk)}, "Bạn không có quyền nhập cho đơn vị này."),
    ]:
        response = client.post(reverse("press_create"), _form(units, "QUANG-NINH", **overrides))
        assert response.status_code == 400, overrides
        assert message in response.content.decode(), overrides
    assert (PressItem.objects.count(), AuditEntry.objects.count()) == before


@time_machine.travel(NOW, tick=False)
def test_done_is_recorded_and_bad_dates_refused(client_for, units) -> None:  # type: ignore[no-untyped-def]
    item = _make(units)
    client = client_for("halong.ksv")
    url = reverse("press_done", args=[item.pk])
    before = AuditEntry.objects.count()
    bad = client.post(url, {"action": "provided", "done_on": "20/01/2025"})
    assert bad.status_code == 400
    assert "Ngày xử lý trước ngày nhận (24/01/2025)." in bad.content.decode()
    assert AuditEntry.objects.count() == before
    assert PressItem.objects.get(pk=item.pk).done_on is None
    ok = client.post(
        url, {"action": "rebutted", "done_on": "05/02/2025", "link": "https://example.vn/cai-chinh"}
    )
    assert ok.status_code == 302
    item.refresh_from_db()
    assert (item.action, item.done_on, item.done_link) == (
        Action.REBUTTED,
        date(2025, 2, 5),
        "https://example.vn/cai-chinh",
    )
    assert (
        AuditEntry.objects.filter(action="ingest.press_item_done", object_id=str(item.pk)).count()
        == 1
    )


@time_machine.travel(NOW, tick=False)
def test_overdue_items_are_chased_on_today_and_by_email(client_for, units, cast) -> None:  # type: ignore[no-untyped-def]
    overdue = _make(
        units, received_on=date(2025, 1, 20), subject="Tin sai về phiên tòa DAUVETQN"
    )  # due 03/02
    _make(units, subject="Đã cung cấp xong DAUVETDONE", received_on=date(2025, 1, 20))
    done = PressItem.objects.get(subject__startswith="Đã cung cấp")
    services.press_item_done(
        actor=None, item=done, action=Action.PROVIDED, done_on=date(2025, 2, 3)
    )
    _make(
        units, code="HA-GIANG", subject="Việc của Hà Giang DAUVETHG", received_on=date(2025, 1, 20)
    )
    home = client_for("halong.ksv").get(reverse("home")).content.decode()
    assert (
        "Tin sai về phiên tòa DAUVETQN" in home
        and reverse("press_detail", args=[overdue.pk]) in home
    )
    assert "DAUVETDONE" not in home and "DAUVETHG" not in home
    assert "DAUVETQN" in client_for("qn.vientruong").get(reverse("home")).content.decode()
    user = cast["halong.ksv"]
    user.email = "halong@example.vn"
    user.save(update_fields=["email"])
    call_command("send_reminders", stdout=io.StringIO())
    call_command("send_reminders", stdout=io.StringIO())
    sent = [m for m in mail.outbox if m.to == ["halong@example.vn"]]
    assert len(sent) == 1 and "[QUÁ HẠN] Yêu cầu cung cấp thông tin" in sent[0].body
    assert "DAUVETHG" not in sent[0].body


@time_machine.travel(NOW, tick=False)
def test_list_filters_and_excel_as_filtered(client_for, units) -> None:  # type: ignore[no-untyped-def]
    _make(units, received_on=date(2025, 1, 20), subject="Quá hạn DAUVETA")
    _make(
        units, received_on=date(2025, 2, 7), subject="Chưa đến hạn DAUVETB", kind=PressKind.PUBLISH
    )
    _make(units, code="HA-GIANG", subject="Của Hà Giang DAUVETHG")
    client = client_for("halong.ksv")
    page = client.get(reverse("press_list")).content.decode()
    assert "DAUVETA" in page and "DAUVETB" in page and "DAUVETHG" not in page
    overdue = client.get(reverse("press_list") + "?status=qua_han").content.decode()
    assert "DAUVETA" in overdue and "DAUVETB" not in overdue
    export = client.get(reverse("press_list") + "?kind=publish&format=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(min_row=first_body_row(sheet), values_only=True))  # type: ignore[union-attr]
    assert [r[2] for r in rows] == ["Chưa đến hạn DAUVETB"]
    assert rows[0][11].date() == date(2025, 2, 14) and rows[0][15] == "Sắp đến hạn"
    refused = client.get(reverse("press_list") + f"?unit={units['HA-GIANG'].pk}")
    assert refused.status_code == 400 and "DAUVETA" not in refused.content.decode()


@time_machine.travel(NOW, tick=False)
def test_api_is_scoped_paginated_and_strict(client_for, units) -> None:  # type: ignore[no-untyped-def]
    mine = _make(units, received_on=date(2025, 1, 20))
    theirs = _make(units, code="HA-GIANG")
    client = client_for("halong.ksv")
    body = client.get("/api/press-items?limit=1").json()
    assert body["count"] == 1 and body["items"][0]["id"] == mine.pk
    assert body["items"][0]["status"] == "qua_han" and body["items"][0]["due_on"] == "2025-02-03"
    assert client.get("/api/press-items?overdue=true").json()["count"] == 1
    assert client.get("/api/press-items?kind=publish").json()["count"] == 0
    assert client.get("/api/press-items?unti=X").status_code == 422
    assert client.get("/api/press-items?kind=x").status_code == 400
    leader = client_for("qn.vientruong").get("/api/press-items").json()
    assert {row["id"] for row in leader["items"]} == {mine.pk}
    assert theirs.pk in {
        row["id"] for row in client_for("hagiang.ksv").get("/api/press-items").json()["items"]
    }
    assert client_for("nguoingoai").get("/api/press-items").json()["count"] == 0


@time_machine.travel(NOW, tick=False)
def test_scope_outsider_viewer_and_leader_above(client_for, units) -> None:  # type: ignore[no-untyped-def]
    item = _make(units)
    detail = reverse("press_detail", args=[item.pk])
    assert client_for("qn.vientruong").get(detail).status_code == 200
    for outsider in ("hagiang.ksv", "nguoingoai"):
        assert client_for(outsider).get(detail).status_code == 404
    before = AuditEntry.objects.count()
    for name in ("press_edit", "press_done"):
        assert client_for("qn.xem").post(reverse(name, args=[item.pk]), {}).status_code == 403
        assert client_for("hagiang.ksv").post(reverse(name, args=[item.pk]), {}).status_code == 404
    assert AuditEntry.objects.count() == before
    edit = client_for("halong.ksv").post(
        reverse("press_edit", args=[item.pk]),
        {**_form(units), "received_on": "03/02/2025", "working_days": "2"},
    )
    assert edit.status_code == 302
    item.refresh_from_db()
    assert item.due_on == date(2025, 2, 5) and item.unit == units["QUANG-NINH-HA-LONG"]
