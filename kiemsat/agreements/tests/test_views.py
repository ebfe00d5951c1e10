"""Every page through HTTP: it works, the leader above sees it, outsiders get 404, viewers
get 403 on writes, bad input is refused next to its field and nothing changes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kiemsat.agreements.models import Instrument, Party
from kiemsat.agreements.tests.conftest import HA_LONG, PNG_BYTES, register
from kiemsat.agreements.tests.test_services import snapshot
from kiemsat.audit.models import AuditEntry
from kiemsat.lib.excel import first_body_row
from kiemsat.lib.tests.pending import confirm
from kiemsat.org.models import Membership, Partner, Role, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _before_the_reorganisation():  # type: ignore[no-untyped-def]
    """halong.ksv registers instruments: on a day VKSND thành phố Hạ Long still existed."""
    with time_machine.travel("2025-03-10 09:00 +0700", tick=False):
        yield


READERS = {"halong.ksv": 200, "qn.vientruong": 200, "qn.xem": 200, "hagiang.ksv": 404}
WRITERS = {"halong.ksv": 200, "qn.vientruong": 200, "qn.xem": 403, "hagiang.ksv": 404}


def read_urls(instrument: Instrument) -> list[str]:
    pk = instrument.pk
    review = instrument.reviews.get()
    attachment = instrument.attachments.get()
    return [
        reverse("instrument_detail", args=[pk]),
        reverse("instrument_docx", args=[pk]),
        reverse("instrument_pdf", args=[pk]),
        reverse("review_docx", args=[pk, review.pk]),
        reverse("review_pdf", args=[pk, review.pk]),
        reverse("attachment_download", args=[pk, attachment.pk]),
        reverse("cascade_coverage", args=[pk]),
    ]


def write_get_urls(instrument: Instrument) -> list[str]:
    pk, clause = instrument.pk, instrument.clauses.get(kind="article")
    party = instrument.parties.get(partner__isnull=False)
    return [
        reverse("instrument_edit", args=[pk]),
        reverse("party_edit", args=[pk, party.pk]),
        reverse("clause_edit", args=[pk, clause.pk]),
        reverse("review_create", args=[pk]),
    ]


def write_post_urls(instrument: Instrument) -> list[str]:
    pk = instrument.pk
    clause = instrument.clauses.get(kind="article")
    duty = instrument.duties.get()
    party = instrument.parties.get(partner__isnull=False)
    attachment = instrument.attachments.get()
    return [
        *write_get_urls(instrument),
        reverse("party_add", args=[pk]),
        reverse("party_remove", args=[pk, party.pk]),
        reverse("clause_add", args=[pk]),
        reverse("clause_delete", args=[pk, clause.pk]),
        reverse("duty_add", args=[pk]),
        reverse("duty_done", args=[pk, duty.pk]),
        reverse("duty_delete", args=[pk, duty.pk]),
        reverse("attachment_add", args=[pk]),
        reverse("attachment_delete", args=[pk, attachment.pk]),
    ]


@pytest.mark.parametrize(("username", "status"), [*READERS.items(), ("nguoingoai", 404)])
def test_read_views_gate(client_for, full_instrument, username, status):
    client = client_for(username)
    for url in read_urls(full_instrument):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(("username", "status"), [*WRITERS.items(), ("nguoingoai", 404)])
def test_write_pages_gate(client_for, full_instrument, username, status):
    client = client_for(username)
    for url in write_get_urls(full_instrument):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("username", ["qn.xem", "hagiang.ksv", "nguoingoai"])
def test_refused_writes_change_nothing(client_for, full_instrument, username):
    client = client_for(username)
    before = (snapshot(), full_instrument.attachments.count())
    for url in write_post_urls(full_instrument):
        response = client.post(url, {"title": "x", "number": "1", "kind": "article"})
        assert response.status_code == WRITERS.get(username, 404), url
    assert (snapshot(), full_instrument.attachments.count()) == before


@pytest.mark.parametrize("username", ["halong.ksv", "qn.vientruong"])
def test_writers_reach_every_write(client_for, full_instrument, username):
    """Empty posts reach the form (400) or act (302): never 403/404 for the owner or above."""
    client = client_for(username)
    for url in write_post_urls(full_instrument):
        assert client.post(url, {}).status_code in (302, 400), url


def test_anonymous_is_sent_to_login(client, full_instrument):
    for url in [reverse("instrument_list"), *read_urls(full_instrument)]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("halong.ksv", 200),
        ("qn.vientruong", 200),
        ("qn.xem", 403),
        ("hagiang.ksv", 200),
        ("nguoingoai", 404),
    ],
)
def test_register_and_import_pages_gate(client_for, units, username, status):
    client = client_for(username)
    for name in ("instrument_create", "instrument_import", "instrument_import_template"):
        assert client.get(reverse(name)).status_code == status, name


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


def test_merger_successor_reads_the_predecessors_instrument(client, units, cast):
    instrument = register("HA-GIANG", ("TAND-HA-GIANG",), title="Quy chế Hà Giang")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("tq.ksv")
    Membership.objects.create(user=user, unit=units["TUYEN-QUANG-2025"], role=Role.STAFF)
    client.force_login(user)
    assert client.get(reverse("instrument_detail", args=[instrument.pk])).status_code == 200
    assert client.get(reverse("instrument_edit", args=[instrument.pk])).status_code == 200


# --- registering through the form -------------------------------------------------------


def form_data(units: dict[str, Unit], **overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "regulation",
        "number": "56/QCPH-VKS-TA",
        "title": "Quy chế phối hợp trong công tác giải quyết án hành chính",
        "summary": "",
        "signed_on": "2022-03-10",
        "place": "Hạ Long",
        "valid_from": "",
        "valid_to": "",
        "review_schedule": "yearly",
        "unit": units[HA_LONG].pk,
        "unit_signatory_name": "Vũ Thị Đoan",
        "unit_signatory_title": "Viện trưởng",
        "partner": Partner.objects.get(code="TAND-HA-LONG").pk,
        "partner_signatory_name": "Nguyễn Văn A",
        "partner_signatory_title": "Chánh án",
        "host": "unit",
    }
    return data | overrides


def test_register_through_the_form(client_for, units, cast):
    response = client_for("halong.ksv").post(reverse("instrument_create"), form_data(units))
    assert response.status_code == 302
    instrument = Instrument.objects.get(title__startswith="Quy chế phối hợp trong công tác")
    assert response["Location"] == reverse("instrument_detail", args=[instrument.pk])
    assert instrument.number_display == "56/QCPH-VKS-TA" and instrument.year == 2022
    assert instrument.parties.count() == 2
    assert instrument.parties.get(is_host=True).unit_id == units[HA_LONG].pk
    entry = AuditEntry.objects.get(action="agreements.instrument_register")
    assert entry.actor == cast["halong.ksv"]
    page = client_for("qn.vientruong").get(response["Location"]).content.decode()
    assert "56/QCPH-VKS-TA" in page and "Vũ Thị Đoan" in page


def field_errors(response, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(response.context["form"].errors.get(name, []))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"valid_from": "2022-06-01", "valid_to": "2022-05-01"}, "valid_to", "phải sau ngày"),
        ({"partner": 999999}, "partner", "không có trong danh mục"),
        ({"number": "QCPH-56"}, "number", "dạng số/ký hiệu"),
        ({"signed_on": "31/02/2022"}, "signed_on", "Ngày không hợp lệ"),
        ({"title": ""}, "title", ""),
    ],
)
def test_register_bad_input_is_refused_next_to_the_field(
    client_for, units, overrides, field, message
):
    before = snapshot()
    response = client_for("halong.ksv").post(
        reverse("instrument_create"), form_data(units, **overrides)
    )
    assert response.status_code == 400
    errors = field_errors(response, field)
    assert errors and message in " ".join(errors)
    assert snapshot() == before
    assert 'role="alert"' in response.content.decode()


def test_register_duplicate_number_is_refused(client_for, units):
    client = client_for("halong.ksv")
    assert client.post(reverse("instrument_create"), form_data(units)).status_code == 302
    before = snapshot()
    again = client.post(reverse("instrument_create"), form_data(units, title="Khác"))
    assert again.status_code == 400
    assert "đã được dùng" in " ".join(field_errors(again, "number"))
    assert snapshot() == before


def test_register_only_for_units_where_staff(client_for, units):
    before = snapshot()
    response = client_for("hagiang.ksv").post(reverse("instrument_create"), form_data(units))
    assert response.status_code == 400
    assert "Đơn vị không có trong danh sách" in " ".join(field_errors(response, "unit"))
    assert snapshot() == before


def test_edit_through_the_form(client_for, full_instrument, units):
    url = reverse("instrument_edit", args=[full_instrument.pk])
    client = client_for("halong.ksv")
    page = client.get(url).content.decode()
    assert 'value="56/CTrPH-VKS-UBND"' in page and 'value="18/01/2022"' in page
    data = {
        "kind": "programme",
        "number": "56/CTrPH-VKS-UBND",
        "title": "Chương trình đã sửa",
        "signed_on": "2022-01-18",
        "valid_to": "2021-12-31",
        "review_schedule": "yearly",
    }
    bad = client.post(url, data)
    assert bad.status_code == 400 and field_errors(bad, "valid_to")
    assert client.post(url, data | {"valid_to": "2022-12-31"}).status_code == 302
    assert Instrument.objects.get(pk=full_instrument.pk).title == "Chương trình đã sửa"


# --- the small forms on the instrument page ------------------------------------------------


def test_party_add_twice_and_unknown_partner(client_for, full_instrument):
    url = reverse("party_add", args=[full_instrument.pk])
    client = client_for("halong.ksv")
    committee = Partner.objects.get(code="UBND-HA-LONG")
    twice = client.post(url, {"party-partner": committee.pk, "party-signatory_name": "B"})
    assert twice.status_code == 400
    assert "hai lần" in " ".join(twice.context["party_form"].errors["partner"])
    unknown = client.post(url, {"party-partner": 999999, "party-signatory_name": "B"})
    assert "không có trong danh mục" in " ".join(unknown.context["party_form"].errors["partner"])
    both = client.post(
        url,
        {
            "party-partner": committee.pk,
            "party-unit": full_instrument.owner_unit_id,
            "party-signatory_name": "B",
        },
    )
    assert both.status_code == 400 and both.context["party_form"].non_field_errors()
    police = Partner.objects.get(code="CA-HA-LONG")
    ok = client.post(
        url,
        {"party-partner": police.pk, "party-signatory_name": "C", "party-signature_prefix": "KT."},
    )
    assert ok.status_code == 302
    assert Party.objects.filter(instrument=full_instrument).count() == 3


def test_party_edit_through_http(client_for, full_instrument):
    client = client_for("qn.vientruong")
    committee = full_instrument.parties.get(partner__code="UBND-HA-LONG")
    url = reverse("party_edit", args=[full_instrument.pk, committee.pk])
    data = {"signatory_name": "Nguyễn Văn Hải", "signatory_title": "Phó Chủ tịch"}
    host = client.post(url, data | {"signature_prefix": "KT.", "is_host": "on"})
    assert host.status_code == 400 and field_errors(host, "is_host")  # Hạ Long hosts already
    assert client.post(url, data | {"signature_prefix": "KT."}).status_code == 302
    committee.refresh_from_db()
    assert (committee.signatory_name, committee.signature_prefix) == ("Nguyễn Văn Hải", "KT.")
    entry = AuditEntry.objects.get(action="agreements.party_update")
    assert entry.changes["signatory_name"] == ["Nguyễn Tiến Dũng", "Nguyễn Văn Hải"]


def test_every_write_is_audited_against_the_owner(full_instrument, units):
    entries = AuditEntry.objects.filter(
        object_type="agreements.instrument", object_id=str(full_instrument.pk)
    )
    assert set(entries.values_list("action", flat=True)) == {
        "agreements.instrument_register",
        "agreements.clause_add",
        "agreements.duty_add",
        "agreements.review_record",
        "agreements.attachment_add",
    }
    assert set(entries.values_list("unit_id", flat=True)) == {units[HA_LONG].pk}


def test_clause_duty_review_through_http(client_for, full_instrument):
    client = client_for("halong.ksv")
    pk = full_instrument.pk
    chapter = full_instrument.clauses.get(kind="chapter")
    added = client.post(
        reverse("clause_add", args=[pk]),
        {
            "clause-kind": "article",
            "clause-number": 2,
            "clause-title": "Thông tin",
            "clause-chapter": chapter.pk,
        },
    )
    assert added.status_code == 302
    dup = client.post(
        reverse("clause_add", args=[pk]), {"clause-kind": "article", "clause-number": 2}
    )
    assert dup.status_code == 400 and dup.context["clause_form"].errors["number"]
    article = full_instrument.clauses.get(kind="article", number=2)
    edit = client.post(
        reverse("clause_edit", args=[pk, article.pk]), {"number": 2, "title": "Trao đổi thông tin"}
    )
    assert edit.status_code == 302
    duty = client.post(
        reverse("duty_add", args=[pk]),
        {
            "duty-title": "Trao đổi thông tin hằng tháng",
            "duty-responsible": [p.pk for p in full_instrument.parties.all()],
            "duty-recurrence": "monthly",
            "duty-next_due": "",
        },
    )
    assert duty.status_code == 400 and duty.context["duty_form"].errors["next_due"]
    existing = full_instrument.duties.get()
    done = client.post(
        reverse("duty_done", args=[pk, existing.pk]),
        {f"done{existing.pk}-done_on": "2022-04-01", f"done{existing.pk}-result": "Đã kiến nghị"},
    )
    assert done.status_code == 302
    existing.refresh_from_db()
    assert existing.next_due == date(2022, 6, 30) and existing.last_result == "Đã kiến nghị"
    review = client.post(
        reverse("review_create", args=[pk]),
        {
            "kind": "midterm",
            "held_on": "2022-09-01",
            "period_from": "2022-07-01",
            "period_to": "2022-06-01",
            "decision": "continue",
        },
    )
    assert review.status_code == 400 and field_errors(review, "period_to")
    assert full_instrument.reviews.count() == 1
    page = client.get(reverse("instrument_detail", args=[pk])).content.decode()
    assert "Trao đổi thông tin" in page and "Chương I" in page and "Đã kiến nghị" in page
    assert "đã ghi nhận hoàn thành nhiệm vụ" in page  # the history lists it, in words
    assert "agreements.duty_done" not in page


def test_attachment_upload_limits_through_http(client_for, full_instrument, media, settings):
    url = reverse("attachment_add", args=[full_instrument.pk])
    client = client_for("halong.ksv")
    wrong = client.post(url, {"scan-file": SimpleUploadedFile("scan.docx", b"PK\x03\x04 docx")})
    assert wrong.status_code == 400
    assert "PDF, JPG hoặc PNG" in " ".join(wrong.context["attachment_form"].errors["file"])
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    too_big = client.post(url, {"scan-file": big})
    assert "quá lớn" in " ".join(too_big.context["attachment_form"].errors["file"])
    assert full_instrument.attachments.count() == 1
    ok = client.post(url, {"scan-file": SimpleUploadedFile("scan.png", PNG_BYTES)})
    assert ok.status_code == 302 and full_instrument.attachments.count() == 2
    added = full_instrument.attachments.get(name="scan.png")
    download = client_for("qn.xem").get(
        reverse("attachment_download", args=[full_instrument.pk, added.pk])
    )
    assert b"".join(download.streaming_content) == PNG_BYTES
    assert download["Content-Type"] == "image/png"


def test_child_ids_of_another_instrument_are_404(client_for, full_instrument):
    other = register(title="Khác")
    clause_id = full_instrument.clauses.first().pk  # type: ignore[union-attr]
    url = reverse("clause_edit", args=[other.pk, clause_id])
    assert client_for("halong.ksv").get(url).status_code == 404


# --- filters, export, import, coverage -----------------------------------------------------


def xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=first_body_row(sheet), values_only=True))
    return [r for r in rows if r[0] is not None and isinstance(r[0], int)]


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
