"""The world the scoping tests walk: one of everything, owned by HA-GIANG and by Hạ Long.

``test_url_scoping`` walks every URL against it, ``test_list_scoping`` every list, export,
search and import; the ``worlds`` fixture (in this folder's conftest) builds both units'.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver

from kiemsat.agreements.models import ClauseKind, Decision, InstrumentKind, Recurrence
from kiemsat.agreements.services import instruments as agreements_instruments
from kiemsat.agreements.services import parties as agreements_parties
from kiemsat.agreements.services import reviews as agreements_reviews
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.agreements.services.parties import DutyData
from kiemsat.agreements.services.reviews import ReviewData
from kiemsat.emulation import services as emulation
from kiemsat.emulation.demo import SHEET as DEMO_SHEET
from kiemsat.emulation.models import Proposal
from kiemsat.emulation.sheets import read_sheet_file, sheet_load
from kiemsat.indicators.models import Submission, SubmissionStatus
from kiemsat.ingest import services as ingest
from kiemsat.ingest.models import PressKind
from kiemsat.lib.periods import Month
from kiemsat.meetings import services as meetings
from kiemsat.meetings import task_services as meeting_tasks
from kiemsat.meetings.models import Kind as ConferenceKind
from kiemsat.meetings.models import Measure, TaskStatus
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm, Membership, Partner, Unit
from kiemsat.oversight import services as oversight
from kiemsat.oversight.models import DeadlineRule, Field, Kind

HA_GIANG, HA_LONG = "HA-GIANG", "QUANG-NINH-HA-LONG"
PARTNER = {HA_GIANG: "TAND-HA-GIANG", HA_LONG: "UBND-HA-LONG"}
RECIPIENT = {HA_GIANG: "TAND-HA-GIANG", HA_LONG: "CA-HA-LONG"}
MONTH = "2025-01"
# halong.ksv registers and imports only while VKSND thành phố Hạ Long exists (to 30/06/2025).
HA_LONG_LIVED = "2025-03-10 09:00 +0700"
PDF = b"%PDF-1.4\n% kiemsat scoping test\n"
EXCLUDED_PREFIXES = ("quan-tri/", "api/docs", "api/openapi", "static/", "media/")


def marker(code: str) -> str:
    """A word that appears only in this unit's test objects (searchable, folded)."""
    return "DAUVET" + code.replace("-", "")


# --- the world: one of everything, owned by a unit ----------------------------------------


def build_world(code: str) -> dict[str, Any]:
    """An instrument (party, clause, duty, review, scan, cascade), an overdue intervention
    with its document, a cluster, a submitted month: all belonging to ``code``."""
    unit = Unit.objects.get(code=code)
    partner = Partner.objects.get(code=PARTNER[code])
    instrument = agreements_instruments.instrument_register(
        actor=None,
        data=InstrumentData(
            kind=InstrumentKind.PROGRAMME,
            title=f"Chương trình phối hợp {marker(code)}",
            signed_on=date(2022, 1, 18),
            valid_to=date(2030, 12, 31),
            cascade_due=date(2022, 3, 31),
        ),
        parties=[
            PartyData(unit=unit, signatory_name="A", signatory_title="Viện trưởng", is_host=True),
            PartyData(partner=partner, signatory_name="B", signatory_title="Chánh án"),
        ],
    )
    party = instrument.parties.get(unit=unit)
    clause = agreements_parties.clause_add(
        actor=None, instrument=instrument, kind=ClauseKind.ARTICLE, number=1, title="Phạm vi"
    )
    duty = agreements_parties.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(
            title=f"Nhiệm vụ {marker(code)}",
            recurrence=Recurrence.QUARTERLY,
            responsible=[party],
            next_due=date(2022, 3, 31),
            clause=clause,
        ),
    )
    review = agreements_reviews.review_record(
        actor=None,
        instrument=instrument,
        data=ReviewData(
            kind="midterm",
            held_on=date(2022, 7, 1),
            period_from=date(2022, 1, 18),
            period_to=date(2022, 6, 30),
            decision=Decision.CONTINUE,
        ),
    )
    attachment = agreements_instruments.attachment_add(
        actor=None,
        instrument=instrument,
        upload=SimpleUploadedFile("ban-ky.pdf", PDF, content_type="application/pdf"),
    )
    intervention = oversight.intervention_register(
        actor=None,
        unit=unit,
        data=oversight.Registration(
            kind=Kind.RECOMMENDATION,
            field=Field.CRIME_REPORTS,
            number=1,
            symbol="KN-VKS",
            issued_on=date(2025, 1, 14),
            recipient=Partner.objects.get(code=RECIPIENT[code]),
            subject=f"Kiến nghị {marker(code)}",
            rule=DeadlineRule.objects.get(code="tra-loi-khieu-nai-ttlt-02-2018"),
            received_on=date(2025, 1, 16),
        ),
    )
    oversight.intervention_attach(
        actor=None,
        intervention=intervention,
        document=SimpleUploadedFile("kien-nghi.pdf", PDF, content_type="application/pdf"),
    )
    cluster = Cluster.objects.create(
        code=f"CUM-{code}", name=f"Cụm {marker(code)}", number=90, kind=ClusterKind.PROVINCIAL
    )
    term = ClusterTerm.objects.create(cluster=cluster, year=2025, leader=unit)
    term.members.add(unit)
    article = ingest.article_upload(
        actor=None,
        unit=unit,
        text=f"Tin bài {marker(code)}\nVKSND và Tòa án ký kết quy chế phối hợp.",
        file_name="tin-bai.txt",
        content=f"Tin bài {marker(code)}".encode(),
    )
    press_item = ingest.press_item_register(
        actor=None,
        unit=unit,
        data=ingest.PressData(
            kind=PressKind.FALSE_INFO,
            subject=f"Tin sai {marker(code)}",
            responsible_unit=unit,
            received_on=date(2025, 1, 14),
            working_days=3,
        ),
    )
    sheet_load(actor=None, data=read_sheet_file(DEMO_SHEET))
    evidence = emulation.evidence_add(
        actor=None,
        term=term,
        unit=unit,
        code="1.2",
        upload=SimpleUploadedFile("minh-chung.pdf", PDF, content_type="application/pdf"),
    )
    month = Month.parse(MONTH)
    Submission.objects.create(unit=unit, period=month.index, status=SubmissionStatus.SUBMITTED)
    Submission.objects.create(
        unit=unit, period=month.shift(-1).index, status=SubmissionStatus.APPROVED
    )
    return {
        **meetings_world(unit),
        "unit": unit,
        "membership": Membership.objects.filter(unit=unit).order_by("pk").first(),
        "instrument": instrument,
        "party": party,
        "clause": clause,
        "duty": duty,
        "review": review,
        "attachment": attachment,
        "intervention": intervention,
        "article": article,
        "press_item": press_item,
        "cluster": cluster,
        "term": term,
        "evidence": evidence,
        "proposal": Proposal.objects.create(
            term=term, unit=unit, title="TIEN-TIEN", title_name="Tập thể lao động tiên tiến"
        ),
        "month": month,
    }


def meetings_world(unit: Unit) -> dict[str, Any]:
    """A conference of the unit with a person, a result, a conclusion and a task of its
    own (reported on, with evidence)."""
    conference = meetings.conference_record(
        actor=None,
        unit=unit,
        data=meetings.ConferenceData(
            kind=ConferenceKind.REVIEW,
            title=f"Hội nghị tổng kết {marker(unit.code)}",
            held_on=date(2025, 1, 20),
            partners=[Partner.objects.get(code=PARTNER[unit.code])],
        ),
    )
    participant = meetings.participant_add(
        actor=None, conference=conference, role="chu_tri", name="Người chủ trì", title="Viện trưởng"
    )
    result = meetings.result_add(
        actor=None,
        conference=conference,
        data=meetings.ResultData(measure=Measure.MET, part=127, whole=129),
    )
    conclusion = meetings.conclusion_add(actor=None, conference=conference, text="Kết luận")
    task = meeting_tasks.task_add(
        actor=None,
        conclusion=conclusion,
        data=meeting_tasks.TaskData(
            title=f"Nhiệm vụ {marker(unit.code)}", unit=unit, due_on=date(2025, 2, 28)
        ),
    )
    report = meeting_tasks.task_report(
        actor=None,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        note="Đang làm",
        evidence=SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf"),
    )
    document = meetings.document_attach(
        actor=None,
        conference=conference,
        title="Báo cáo tổng kết",
        upload=SimpleUploadedFile("bao-cao-tong-ket.pdf", PDF, content_type="application/pdf"),
    )
    return {
        "conference": conference,
        "document": document,
        "participant": participant,
        "result": result,
        "conclusion": conclusion,
        "task": task,
        "report": report,
    }


W = dict[str, Any]  # one unit's world


def walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else str(p.name)
