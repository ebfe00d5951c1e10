"""Every page through HTTP: it works, the leader above sees it, outsiders get 404, viewers
get 403 on writes, bad input is refused next to its field and nothing changes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kiemsat.agreements.models import Instrument, Party
from kiemsat.agreements.tests.conftest import HA_LONG, PNG_BYTES, register
from kiemsat.agreements.tests.test_services import snapshot
from kiemsat.audit.models import AuditEntry
from kiemsat.org.models import Membership, Partner, Role, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("before_the_reorganisation")]


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
