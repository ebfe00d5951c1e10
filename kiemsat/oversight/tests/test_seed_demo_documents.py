"""Reference rules, the demo builder and the chasing letter."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from docx import Document

from kiemsat.audit.models import AuditEntry
from kiemsat.lib.workdays import DEFAULT_CALENDAR
from kiemsat.org import plugins
from kiemsat.oversight import documents
from kiemsat.oversight.clock import Status
from kiemsat.oversight.demo import build_demo
from kiemsat.oversight.models import DeadlineRule, Event, Field, Intervention, Kind, Outcome, Source
from kiemsat.oversight.seed import rule_rows, seed_oversight, seed_reference_data
from kiemsat.oversight.selectors import _base, with_status

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_rules_of_domain_5_are_seeded_and_marked() -> None:
    assert seed_reference_data in plugins.loaded(plugins.REFERENCE_SEEDERS)
    rules = {r.code: r for r in DeadlineRule.objects.all()}
    assert set(rules) == {row["code"] for row in rule_rows()}
    complaint = rules["tra-loi-khieu-nai-ttlt-02-2018"]
    assert (complaint.days, complaint.working_days, complaint.event) == (15, False, Event.RECEIVED)
    assert complaint.confirmed
    assert rules["khang-nghi-thads-cap-tren"].days == 30
    assert rules["khang-nghi-thads-cung-cap"].event == Event.DECISION_RECEIVED
    assert not rules["tra-loi-kien-nghi-chung"].confirmed


def test_seeding_again_changes_nothing_and_keeps_admin_edits() -> None:
    rule = DeadlineRule.objects.get(code="tra-loi-kien-nghi-chung")
    rule.days, rule.confirmed = 20, True
    rule.save()
    before = AuditEntry.objects.count()
    call_command("seed_reference", stdout=io.StringIO())
    rule.refresh_from_db()
    assert (rule.days, rule.confirmed) == (20, True)
    assert AuditEntry.objects.count() == before


def test_missing_rules_are_created_and_audited() -> None:
    DeadlineRule.objects.filter(code="phuc-tham-hs-rat-nghiem-trong").delete()
    counts = seed_oversight()
    assert counts["created"] == 1
    rule = DeadlineRule.objects.get(code="phuc-tham-hs-rat-nghiem-trong")
    assert AuditEntry.objects.filter(object_id=str(rule.pk), action="seed").exists()


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 6, 9, tzinfo=VN),  # a Sunday, the day after a Saturday
        datetime(2027, 2, 11, 8, tzinfo=VN),  # days after Tết 2027
        datetime(2028, 2, 29, 8, tzinfo=VN),
    ],
    ids=["sunday", "after-tet", "leap-day"],
)
def test_demo_is_plausible_and_idempotent(units, now: datetime) -> None:
    with time_machine.travel(now, tick=False):
        _check_demo()


def _check_demo() -> None:
    assert build_demo in plugins.loaded(plugins.DEMO_BUILDERS)
    out = io.StringIO()
    build_demo(out)
    count = Intervention.objects.filter(source=Source.DEMO).count()
    assert count > 100
    build_demo(out)
    assert Intervention.objects.count() == count
    today = timezone.localdate()
    assert not Intervention.objects.filter(issued_on__gt=today).exists()
    rows = with_status(list(_base()), today=today, calendar=DEFAULT_CALENDAR)
    statuses = {iv.status for iv in rows}
    assert Status.OVERDUE in statuses and Status.ANSWERED in statuses
    halong = [iv for iv in rows if iv.unit.code == "QUANG-NINH-HA-LONG"]
    assert any(iv.status == Status.OVERDUE for iv in halong)
    accepted_appeal = [
        iv
        for iv in halong
        if iv.kind == Kind.APPEAL and iv.field == Field.CRIMINAL and iv.outcome == Outcome.ACCEPTED
    ]
    assert any(iv.court_decision.endswith("/2025/HS-PT") for iv in accepted_appeal)
    by_unit = {iv.unit.code for iv in rows}
    assert {"QUANG-NINH", "QUANG-NINH-HA-LONG", "HA-GIANG"} <= by_unit


def test_chase_letter_in_both_formats(make) -> None:
    iv = make()
    letter = documents.chase_letter(iv, date(2025, 3, 10))
    assert letter.head.summary == "V/v đôn đốc trả lời kiến nghị số 01/KN-VKS"
    assert letter.head.place == "Hạ Long"
    text = " ".join(letter.paragraphs)
    assert "hạn trả lời là ngày 03/02/2025" in text
    assert "quá hạn 35 ngày" in text
    doc = Document(io.BytesIO(documents.chase_docx(letter)))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "Kính gửi: Công an thành phố Hạ Long" in body
    assert "Trân trọng" in body
    cells = " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    cells = cells.replace("\u00a0", " ")  # names in the letterhead do not break
    assert "VIỆN KIỂM SÁT NHÂN DÂN THÀNH PHỐ HẠ LONG" in cells
    assert "Hạ Long, ngày 10 tháng 3 năm 2025" in cells
    assert documents.chase_pdf(letter).startswith(b"%PDF")


def test_place_of_units() -> None:
    assert documents.place_of("VKSND thành phố Hạ Long") == "Hạ Long"
    assert documents.place_of("VKSND tỉnh Quảng Ninh") == "Quảng Ninh"
    assert documents.place_of("VKSND khu vực 3 – Quảng Ninh") == "Quảng Ninh"


def test_admin_edits_a_rule_and_due_dates_follow(make, client_for) -> None:
    from django.urls import reverse

    iv = make()  # 16/01/2025 + 15 days → 03/02/2025
    rule = iv.rule
    url = reverse("admin:oversight_deadlinerule_change", args=[rule.pk])
    client = client_for("admin")
    assert client.get(url).status_code == 200
    data = {
        "code": rule.code,
        "name": rule.name,
        "legal_basis": rule.legal_basis,
        "days": "20",
        "event": rule.event,
        "confirmed": "on",
        "active": "on",
        "note": rule.note,
    }
    assert client.post(url, data).status_code == 302
    iv.refresh_from_db()
    assert iv.due_on == date(2025, 2, 5)  # 16/01 + 20 days
    assert AuditEntry.objects.filter(object_id=str(rule.pk), action="admin.change").exists()
    assert AuditEntry.objects.filter(
        object_id=str(iv.pk), action="oversight.due_recompute"
    ).exists()
    assert client_for("halong.ksv").get(url).status_code == 302  # not staff: to the admin login


def test_a_day_off_added_in_the_admin_moves_due_dates_and_removing_it_moves_them_back(
    make, client_for
) -> None:
    from django.contrib.messages import get_messages
    from django.urls import reverse

    from kiemsat.org.models import CalendarDay, DayKind

    iv = make()  # due Monday 03/02/2025
    client = client_for("admin")
    add = reverse("admin:org_calendarday_add")
    response = client.post(add, {"day": "03/02/2025", "kind": DayKind.DAY_OFF, "note": "Nghỉ bù"})
    assert response.status_code == 302, response.content.decode()[:2000]
    iv.refresh_from_db()
    assert iv.due_on == date(2025, 2, 4)
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        "Đã tính lại hạn trả lời kháng nghị, kiến nghị theo lịch mới: đổi 1" in m for m in said
    )
    assert (
        AuditEntry.objects.filter(object_id=str(iv.pk), action="oversight.due_recompute").count()
        == 1
    )

    day = CalendarDay.objects.get(day=date(2025, 2, 3))
    delete = reverse("admin:org_calendarday_delete", args=[day.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    iv.refresh_from_db()
    assert iv.due_on == date(2025, 2, 3)
