"""The history of every record reads as sentences: labels, Vietnamese values and dates."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from kiemsat.audit.models import AuditEntry
from kiemsat.audit.render import SEEDED, _capital, action_label, describe, field_label
from kiemsat.demo.builder import seed_demo_records
from kiemsat.oversight.demo import build_demo as build_register
from kiemsat.oversight.models import Intervention

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
# What a person must never read in a history: codes, Python values, ISO dates.
RAW = [
    re.compile(r"\b[a-z]+_[a-z_]+\b(?!\.[a-z]{2,4}\b)"),  # codes (kn_phuc_tham), not files
    re.compile(  # dotted actions: agreements.duty_add (a username such as qn.xem may show)
        r"\b(?:agreements|oversight|indicators|org|audit|emulation|ingest|accounts|meetings)"
        r"\.[a-z_]+\b"
    ),
    re.compile(r"\b(None|True|False)\b"),
    re.compile(r"[\[\]{}]"),
    re.compile(r"\b\d{4}-\d{2}(-\d{2})?\b"),  # 2025-02-03, 2025-02
    re.compile(r"\b\d\.\d{3}\b(?!\.)"),  # a year grouped like a count: 2.025
]


def _entry(action: str, obj, changes, actor=None) -> AuditEntry:  # type: ignore[no-untyped-def]
    return AuditEntry(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes,
        at=NOW,
    )


@pytest.fixture
def register(units):  # type: ignore[no-untyped-def]
    """The register's demo alone: interventions with their audit rows."""
    with time_machine.travel(NOW, tick=False):
        build_register(io.StringIO())


@pytest.fixture
def demo(units):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        seed_demo_records(stdout=io.StringIO())


def test_a_person_changing_a_date_reads_as_a_sentence(register, cast) -> None:  # type: ignore[no-untyped-def]
    iv = Intervention.objects.filter(received_on__isnull=False).first()
    assert iv is not None
    person = cast["halong.ksv"]
    person.first_name, person.last_name = "A", "Nguyễn Văn"
    changes = {
        "received_on": ["2025-02-03", "2025-02-05"],
        "outcome": ["chua_tra_loi", "chap_nhan"],
    }
    [line] = describe([_entry("oversight.intervention_update", iv, changes, actor=person)])
    assert line.sentence == "Nguyễn Văn A đã sửa văn bản"
    assert line.details == [
        f"{_capital(str(Intervention._meta.get_field('received_on').verbose_name))}: "
        "03/02/2025 → 05/02/2025",
        "Kết quả: Chưa trả lời → Chấp nhận",
    ]


def test_codes_ids_years_and_months_are_shown_as_people_know_them(register) -> None:  # type: ignore[no-untyped-def]
    iv = Intervention.objects.select_related("recipient").first()
    assert iv is not None
    changes = {
        "kind": iv.kind,
        "recipient": iv.recipient_id,
        "year": 2025,
        "periods": ["2025-12", "2026-01"],
        "units": [iv.unit_id],
        "members": [iv.unit.code],
        "extended_to": None,
    }
    [line] = describe([_entry("oversight.intervention_register", iv, changes)])
    assert line.sentence == f"{SEEDED}: vào sổ văn bản"
    assert f"Cơ quan nhận: {iv.recipient.name}" in line.details
    assert iv.get_kind_display() in line.details[0]
    assert any(d.endswith(": 2025") for d in line.details)
    assert "Các tháng: 12/2025, 01/2026" in line.details
    assert f"Đơn vị: {iv.unit}" in line.details
    assert f"Các đơn vị thành viên: {iv.unit}" in line.details
    assert any(d.endswith(": (trống)") for d in line.details)


def test_every_history_of_the_demo_reads_without_codes(demo) -> None:  # type: ignore[no-untyped-def]
    """Every audited model the demo writes: no code, Python value or ISO date shows, and
    every recorded key has a Vietnamese label."""
    entries = list(AuditEntry.objects.select_related("actor"))
    assert len({e.object_type for e in entries}) >= 8
    for entry, line in zip(entries, describe(entries), strict=True):
        text = " ".join([line.sentence, *line.details])
        for raw in RAW:
            assert not raw.search(text), (entry.action, raw.pattern, text)
        model = apps.get_model(entry.object_type)
        for key in (k for k in entry.changes if not k.endswith("_folded")):
            assert field_label(model, key) != _capital(key.replace("_", " ")), (entry.action, key)
        assert action_label(entry.action) != "thay đổi", entry.action


def test_the_detail_page_shows_the_sentences(register, client_for) -> None:  # type: ignore[no-untyped-def]
    iv = Intervention.objects.filter(unit__code="QUANG-NINH-HA-LONG").first()
    assert iv is not None
    with time_machine.travel(NOW, tick=False):
        page = client_for("halong.ksv").get(reverse("intervention_detail", args=[iv.pk]))
    html = page.content.decode()
    history = html[html.index("Lịch sử thay đổi") :]
    shown = re.sub(r"<[^>]+>", " ", history)  # what a person reads, not the markup
    assert f"{SEEDED}: vào sổ văn bản" in shown
    assert "09:00 07/12/2026" in shown
    for raw in RAW:
        assert not raw.search(shown), raw.pattern
