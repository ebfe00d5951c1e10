"""Every page of the register through HTTP: it works, the parent sees it, outsiders get 404,
read-only roles get 403, and bad input is refused with nothing saved."""

from __future__ import annotations

import html
import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kiemsat.audit.models import AuditEntry
from kiemsat.oversight.models import Intervention, Kind, Outcome

pytestmark = pytest.mark.django_db

NOW = "2025-03-10 09:00 +0700"  # a Monday; the Tết-shifted due date 03/02/2025 is overdue

READERS = [
    ("halong.ksv", 200),  # staff of the issuing unit
    ("qn.vientruong", 200),  # leader of the parent unit
    ("qn.xem", 200),  # viewer of the parent unit
    ("admin", 200),
    ("hagiang.ksv", 404),  # another province
    ("nguoingoai", 404),  # no unit at all
]
WRITERS = [
    ("halong.ksv", "ok"),
    ("qn.vientruong", "ok"),
    ("qn.xem", 403),
    ("hagiang.ksv", 404),
    ("nguoingoai", 404),
]


@pytest.fixture
def iv(make, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return make()


def _login(client_for, username):  # type: ignore[no-untyped-def]
    return client_for(username)


@pytest.mark.parametrize(("username", "status"), READERS)
@pytest.mark.parametrize(
    "name", ["intervention_detail", "intervention_edit_get", "intervention_chase_docx"]
)
@time_machine.travel(NOW, tick=False)
def test_reading_pages(client_for, iv, name, username, status) -> None:
    if name == "intervention_edit_get":
        url = reverse("intervention_edit", args=[iv.pk])
        status = {"qn.xem": 403, "admin": 200}.get(username, status)
    elif name == "intervention_chase_docx":
        url = reverse("intervention_chase", args=[iv.pk, "docx"])
    else:
        url = reverse(name, args=[iv.pk])
    response = client_for(username).get(url)
    assert response.status_code == status


def test_anonymous_is_sent_to_login(client, iv) -> None:
    for url in (
        reverse("intervention_list"),
        reverse("intervention_detail", args=[iv.pk]),
        reverse("intervention_create"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def _answer(client, iv):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("intervention_answer", args=[iv.pk]),
        {"answered_on": "2025-01-30", "outcome": Outcome.ACCEPTED, "summary": "Đã khắc phục"},
    )


def _extend(client, iv):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("intervention_extend", args=[iv.pk]),
        {"notified_on": "2025-01-30", "extended_to": "2025-02-28", "reason": "Cần xác minh"},
    )


def _attach(client, iv):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("kn-01.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    return client.post(reverse("intervention_attach", args=[iv.pk]), {"document": upload})


def _edit(client, iv):  # type: ignore[no-untyped-def]
    data = {
        "kind": iv.kind,
        "field": iv.field,
        "number": "7",
        "symbol": "KN-VKS",
        "issued_on": "14/01/2025",
        "recipient": iv.recipient_id,
        "subject": "Trích yếu đã sửa",
        "rule": iv.rule_id,
        "received_on": "2025-01-16",
    }
    return client.post(reverse("intervention_edit", args=[iv.pk]), data)


def _delete(client, iv):  # type: ignore[no-untyped-def]
    return client.post(reverse("intervention_delete", args=[iv.pk]))


@pytest.mark.parametrize(("username", "expected"), WRITERS)
@pytest.mark.parametrize("action", [_answer, _extend, _attach, _edit, _delete])
@time_machine.travel(NOW, tick=False)
def test_writing(client_for, iv, action, username, expected) -> None:
    before = AuditEntry.objects.count()
    response = action(client_for(username), iv)
    if expected == "ok":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert AuditEntry.objects.count() == before + 1
    else:
        assert response.status_code == expected
        assert AuditEntry.objects.count() == before
        assert Intervention.objects.filter(pk=iv.pk, outcome=Outcome.PENDING).exists()


def test_writes_are_post_only(client_for, iv) -> None:
    client = client_for("halong.ksv")
    for name in ("intervention_answer", "intervention_extend", "intervention_attach"):
        assert client.get(reverse(name, args=[iv.pk])).status_code == 405
    confirm = client.get(reverse("intervention_delete", args=[iv.pk]))
    assert confirm.status_code == 200 and "Xóa" in confirm.content.decode()
    assert Intervention.objects.filter(pk=iv.pk).exists()
    assert client_for("qn.xem").get(reverse("intervention_delete", args=[iv.pk])).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_create_through_the_form(client_for, units, partners, rules) -> None:
    client = client_for("halong.ksv")
    page = client.get(reverse("intervention_create"))
    assert page.status_code == 200
    assert "Vào sổ" in page.content.decode()
    data = {
        "unit": units["QUANG-NINH-HA-LONG"].pk,
        "kind": Kind.RECOMMENDATION,
        "field": "tin_bao",
        "number": "12",
        "symbol": "KN-VKS",
        "issued_on": "2025-02-20",
        "recipient": partners["CA-HA-LONG"].pk,
        "subject": "Kiến nghị khắc phục vi phạm",
        "rule": rules["tra-loi-khieu-nai-ttlt-02-2018"].pk,
        "received_on": "21/02/2025",
    }
    response = client.post(reverse("intervention_create"), data)
    assert response.status_code == 302
    iv = Intervention.objects.get(number=12)
    assert iv.due_on == date(2025, 3, 10)  # 21/02 + 15 = 08/03 Saturday → Monday 10/03
    detail = client.get(response["Location"]).content.decode()
    assert "10/03/2025" in detail
    assert "Đến hạn hôm nay" in detail


@pytest.mark.parametrize(
    ("change", "field_text"),
    [
        ({"recipient": "999999"}, "Không có cơ quan nhận này"),
        ({"received_on": "2025-02-10"}, "không được trước ngày ban hành"),
        ({"issued_on": "31/02/2025"}, "Ngày không hợp lệ"),
        ({"unit": "HA-GIANG"}, "không có quyền nhập văn bản của đơn vị này"),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_create_refuses_bad_input_and_saves_nothing(
    client_for, units, partners, change, field_text
) -> None:
    data = {
        "unit": units["QUANG-NINH-HA-LONG"].pk,
        "kind": Kind.RECOMMENDATION,
        "field": "tin_bao",
        "number": "12",
        "symbol": "KN-VKS",
        "issued_on": "2025-02-20",
        "recipient": partners["CA-HA-LONG"].pk,
        "subject": "Kiến nghị",
    }
    if change.get("unit") == "HA-GIANG":
        change = {"unit": units["HA-GIANG"].pk}
    data.update(change)
    before = (Intervention.objects.count(), AuditEntry.objects.count())
    response = client_for("halong.ksv").post(reverse("intervention_create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert field_text in body or field_text.lower() in body.lower(), body[:3000]
    assert (Intervention.objects.count(), AuditEntry.objects.count()) == before


@time_machine.travel(NOW, tick=False)
def test_duplicate_number_is_refused_on_the_form(client_for, make, units, partners) -> None:
    make(number=3)
    data = {
        "unit": units["QUANG-NINH-HA-LONG"].pk,
        "kind": Kind.REQUEST,
        "field": "dieu_tra",
        "number": "3",
        "symbol": "YC-VKS",
        "issued_on": "2025-03-01",
        "recipient": partners["CA-HA-LONG"].pk,
        "subject": "Yêu cầu",
    }
    response = client_for("halong.ksv").post(reverse("intervention_create"), data)
    assert response.status_code == 400
    assert "Số 03 năm 2025 đã được dùng" in response.content.decode()
    assert Intervention.objects.count() == 1


def test_viewer_and_outsider_cannot_open_the_entry_form(client_for) -> None:
    assert client_for("qn.xem").get(reverse("intervention_create")).status_code == 403
    assert client_for("nguoingoai").get(reverse("intervention_create")).status_code == 404
    assert client_for("nguoingoai").get(reverse("intervention_import")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_answer_and_extension_errors_rerender_the_page(client_for, iv) -> None:
    client = client_for("halong.ksv")
    response = client.post(
        reverse("intervention_answer", args=[iv.pk]),
        {"answered_on": "2025-01-15", "outcome": Outcome.ACCEPTED},
    )
    assert response.status_code == 400
    assert "không được trước ngày cơ quan nhận" in response.content.decode()
    response = client.post(
        reverse("intervention_extend", args=[iv.pk]),
        {"notified_on": "2025-01-20", "extended_to": "2025-01-31"},
    )
    assert response.status_code == 400
    assert "phải sau hạn trả lời 03/02/2025" in response.content.decode()
    iv.refresh_from_db()
    assert iv.answered_on is None and iv.extended_to is None


@time_machine.travel(NOW, tick=False)
def test_list_is_scoped_and_filtered(client_for, make, partners) -> None:
    make(1)
    make(2, answer=(date(2025, 1, 20), Outcome.REJECTED))
    make(3, issued_on=date(2025, 3, 3), received_on=date(2025, 3, 4))  # due 19/03
    make(4, issued_on=date(2025, 2, 24), received_on=date(2025, 2, 25))  # due Wed 12/03
    make(1, unit="HA-GIANG", recipient=partners["TAND-HA-GIANG"])
    url = reverse("intervention_list")
    mine = client_for("halong.ksv").get(url).content.decode()
    assert mine.count("01/KN-VKS") == 1  # Hà Giang's number 01 is not visible
    assert "Tòa án nhân dân tỉnh Hà Giang" not in mine.split('<table class="stack">')[1]
    overdue = client_for("qn.xem").get(url, {"status": "qua_han"}).content.decode()
    assert "01/KN-VKS" in overdue and "02/KN-VKS" not in overdue and "03/KN-VKS" not in overdue
    week = client_for("qn.xem").get(url, {"due": "tuan-nay"}).content.decode()
    assert "04/KN-VKS" in week
    assert "03/KN-VKS" not in week and "01/KN-VKS" not in week  # next week; overdue
    outcome = client_for("qn.xem").get(url, {"outcome": Outcome.REJECTED}).content.decode()
    assert "02/KN-VKS" in outcome and "01/KN-VKS" not in outcome
    search = client_for("qn.xem").get(url, {"q": "khac phuc vi pham"}).content.decode()
    assert "01/KN-VKS" in search
    assert client_for("nguoingoai").get(url).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_summary_by_recipient_and_outcome(client_for, make, partners) -> None:
    make(1, answer=(date(2025, 1, 20), Outcome.ACCEPTED))
    make(2)
    make(3, recipient=partners["UBND-HA-LONG"], answer=(date(2025, 1, 20), Outcome.PARTLY))
    response = client_for("qn.vientruong").get(reverse("intervention_summary"))
    assert response.status_code == 200
    summary = response.context["by_recipient"]
    police = next(r for r in summary if r["recipient__name"] == "Công an thành phố Hạ Long")
    assert (police["total"], police["accepted"], police["overdue"]) == (2, 1, 1)
    outcomes = {r["outcome"]: r["total"] for r in response.context["by_outcome"]}
    assert outcomes == {
        "chua_tra_loi": 1,
        "chap_nhan": 1,
        "chap_nhan_mot_phan": 1,
        "khong_chap_nhan": 0,
    }
    outsider = client_for("hagiang.ksv").get(reverse("intervention_summary"))
    assert outsider.context["total"] == 0


@time_machine.travel(NOW, tick=False)
def test_chase_letter_only_for_overdue_items(client_for, make) -> None:
    overdue = make(1)
    answered = make(2, answer=(date(2025, 1, 20), Outcome.ACCEPTED))
    client = client_for("halong.ksv")
    docx = client.get(reverse("intervention_chase", args=[overdue.pk, "docx"]))
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("intervention_chase", args=[overdue.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    refused = client.get(reverse("intervention_chase", args=[answered.pk, "docx"]))
    assert refused.status_code == 302
    assert client.get(reverse("intervention_chase", args=[overdue.pk, "odt"])).status_code == 404


def test_document_download_is_gated(client_for, iv) -> None:
    client_for("halong.ksv").post(
        reverse("intervention_attach", args=[iv.pk]),
        {"document": SimpleUploadedFile("kn-01.pdf", b"%PDF-1.4 signed")},
    )
    url = reverse("intervention_document", args=[iv.pk])
    response = client_for("qn.xem").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"
    assert client_for("hagiang.ksv").get(url).status_code == 404


def test_detail_shows_history(client_for, iv) -> None:
    body = client_for("qn.xem").get(reverse("intervention_detail", args=[iv.pk])).content.decode()
    assert "Lịch sử thay đổi" in body
    assert "vào sổ văn bản" in body  # the history in words, not its code
    assert "oversight.intervention_register" not in body
    assert "Ghi kết quả" not in body  # a viewer gets no forms


def test_nav_links_to_the_register(client_for) -> None:
    body = client_for("halong.ksv").get(reverse("home")).content.decode()
    assert f'href="{reverse("intervention_list")}"' in body


def test_template_download(client_for) -> None:
    response = client_for("halong.ksv").get(reverse("intervention_template"))
    assert response.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:4] == ["unit_code", "kind", "field", "number"]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("halong.ksv", {"list": 200, "summary": 200, "create": 200, "import": 200, "tpl": 200}),
        ("qn.vientruong", {"list": 200, "summary": 200, "create": 200, "import": 200, "tpl": 200}),
        ("qn.xem", {"list": 200, "summary": 200, "create": 403, "import": 403, "tpl": 403}),
        ("hagiang.ksv", {"list": 200, "summary": 200, "create": 200, "import": 200, "tpl": 200}),
        ("nguoingoai", {"list": 200, "summary": 200, "create": 404, "import": 404, "tpl": 404}),
    ],
)
@time_machine.travel(NOW, tick=False)  # before Hạ Long and Hà Giang ended (30/06/2025)
def test_pages_without_an_object(client_for, iv, username, expected) -> None:
    names = {
        "list": "intervention_list",
        "summary": "intervention_summary",
        "create": "intervention_create",
        "import": "intervention_import",
        "tpl": "intervention_template",
    }
    client = client_for(username)
    got = {key: client.get(reverse(name)).status_code for key, name in names.items()}
    assert got == expected
    listed = client.get(reverse("intervention_list")).context.get("rows") or []
    sees = any(row.pk == iv.pk for row in listed)
    assert sees is (username in ("halong.ksv", "qn.vientruong", "qn.xem"))


@time_machine.travel(NOW, tick=False)
def test_parent_leader_registers_for_a_child_unit(client_for, units, partners) -> None:
    client = client_for("qn.vientruong")
    form = client.get(reverse("intervention_create")).context["form"]
    choices = {u.code for u in form.fields["unit"].queryset}
    assert {"QUANG-NINH", "QUANG-NINH-HA-LONG"} <= choices and "HA-GIANG" not in choices
    data = {
        "unit": units["QUANG-NINH-HA-LONG"].pk,
        "kind": Kind.PREVENTION,
        "field": "khac",
        "number": "8",
        "symbol": "KNPN-VKS",
        "issued_on": "03/03/2025",
        "recipient": partners["UBND-HA-LONG"].pk,
        "subject": "Kiến nghị phòng ngừa vi phạm trong quản lý đất đai",
    }
    assert client.post(reverse("intervention_create"), data).status_code == 302
    iv = Intervention.objects.get(number=8)
    assert iv.unit.code == "QUANG-NINH-HA-LONG" and iv.due_on is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kn-01.docx", b"%PDF-1.4 signed", "không phải Word như phần mở rộng .docx"),
        ("kn-01.pdf", b"PK\x03\x04" + b"\x00" * 40, "không phải PDF như phần mở rộng .pdf"),
        ("kn-01.docx", b"PK\x03\x04" + b"\x00" * 40, "không phải Word hợp lệ"),
    ],
)
def test_a_document_that_is_not_what_its_name_says_is_refused(
    client_for, iv, name, content, message
) -> None:  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.count()
    response = client_for("halong.ksv").post(
        reverse("intervention_attach", args=[iv.pk]),
        {"document": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    iv.refresh_from_db()
    assert not iv.document
    assert AuditEntry.objects.count() == before
