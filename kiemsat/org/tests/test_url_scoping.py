"""Every URL of the product, walked from the resolver, against the scoping house rule.

* Anonymous: pages redirect to /dang-nhap/, the API answers 401.
* Objects of HA-GIANG: halong.ksv and nguoingoai get 404 on GET and on POST (never 403,
  nothing written: the audit table does not grow); hagiang.ksv gets through.
* Objects of QUANG-NINH-HA-LONG: qn.xem (viewer of Quảng Ninh) may read them and gets 403
  on every write.
* Lists, exports, search, the API lists, Hôm nay, completeness: never a HA-GIANG row for
  halong.ksv.

A URL pattern the tables below do not know fails ``test_every_url_is_known``: add it to
``ROUTES`` (object URLs, with how to fill their kwargs) or ``FLAT`` (no object in the path).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook, load_workbook

from kiemsat.agreements import services as agreements
from kiemsat.agreements.excel import IMPORT_COLUMNS
from kiemsat.agreements.models import ClauseKind, Decision, Instrument, InstrumentKind, Recurrence
from kiemsat.agreements.services import DutyData, InstrumentData, PartyData, ReviewData
from kiemsat.audit.models import AuditEntry
from kiemsat.emulation import services as emulation
from kiemsat.emulation.demo import SHEET as DEMO_SHEET
from kiemsat.emulation.models import Proposal
from kiemsat.emulation.sheets import read_sheet_file, sheet_load
from kiemsat.indicators.models import Figure, Indicator, Quota, Submission, SubmissionStatus
from kiemsat.ingest import services as ingest
from kiemsat.ingest.models import PressKind
from kiemsat.lib.excel import first_body_row
from kiemsat.lib.periods import Month
from kiemsat.lib.tests.pending import confirm
from kiemsat.meetings import services as meetings
from kiemsat.meetings import task_services as meeting_tasks
from kiemsat.meetings.models import Kind as ConferenceKind
from kiemsat.meetings.models import Measure, TaskStatus
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm, Membership, Partner, Unit
from kiemsat.oversight import services as oversight
from kiemsat.oversight.excel import IMPORT_COLUMNS as INTERVENTION_COLUMNS
from kiemsat.oversight.models import DeadlineRule, Field, Intervention, Kind

pytestmark = pytest.mark.django_db

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
    instrument = agreements.instrument_register(
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
    clause = agreements.clause_add(
        actor=None, instrument=instrument, kind=ClauseKind.ARTICLE, number=1, title="Phạm vi"
    )
    duty = agreements.duty_add(
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
    review = agreements.review_record(
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
    attachment = agreements.attachment_add(
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


@pytest.fixture
def worlds(units, cast, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return {code: build_world(code) for code in (HA_GIANG, HA_LONG)}


# --- what every URL needs -----------------------------------------------------------------

W = dict[str, Any]


@dataclass(frozen=True)
class Route:
    """A URL naming an object of a unit."""

    kwargs: Callable[[W], dict[str, Any]]
    get: bool = True  # answers GET (else POST only)
    post: bool = False  # POST writes
    query: dict[str, str] = field(default_factory=dict)
    owner_get: int = 200
    # What the owner's POST (empty form) may answer: a refusal of the form, a redirect, or
    # 403 where the owner (staff) lacks the role the action needs (leader, unit above).
    owner_post: frozenset[int] = frozenset({200, 302, 400})


def _iv(w: W) -> dict[str, Any]:
    return {"pk": w["intervention"].pk}


def _ins(w: W, **extra: str) -> dict[str, Any]:
    return {"pk": w["instrument"].pk, **{k: w[v].pk for k, v in extra.items()}}


def _conf(w: W, **extra: str) -> dict[str, Any]:
    return {"pk": w["conference"].pk, **{k: w[v].pk for k, v in extra.items()}}


def _task(w: W) -> dict[str, Any]:
    return {"pk": w["task"].pk}


def _unit(w: W) -> dict[str, Any]:
    return {"pk": w["unit"].pk}


def _unit_month(w: W) -> dict[str, Any]:
    return {"pk": w["unit"].pk, "month_text": MONTH}


def _unit_year(w: W) -> dict[str, Any]:
    return {"pk": w["unit"].pk, "year": 2025}


def _term(w: W) -> dict[str, Any]:
    return {"pk": w["term"].pk}


def _term_unit(w: W) -> dict[str, Any]:
    return {"pk": w["term"].pk, "unit_pk": w["unit"].pk}


def _proposal(w: W) -> dict[str, Any]:
    return {"pk": w["term"].pk, "proposal_pk": w["proposal"].pk}


def _evidence(w: W) -> dict[str, Any]:
    return {**_term_unit(w), "file_pk": w["evidence"].pk}


LEADER_ONLY = frozenset({403})
RANGE = {"from": "2025-01", "to": "2025-03"}

ROUTES: dict[str, Route] = {
    # org
    "unit_detail": Route(_unit),
    "membership_add": Route(_unit, get=False, post=True, owner_post=LEADER_ONLY),
    "membership_remove": Route(
        lambda w: {"pk": w["unit"].pk, "membership_pk": w["membership"].pk},
        get=False,
        post=True,
        owner_post=LEADER_ONLY,
    ),
    # indicators
    "figures_entry": Route(_unit, post=True, query={"month": MONTH}),
    "figures_template": Route(_unit),
    "submission_submit": Route(_unit_month, get=False, post=True),
    "submission_approve": Route(_unit_month, get=False, post=True, owner_post=LEADER_ONLY),
    "submission_reopen": Route(_unit_month, get=False, post=True, owner_post=LEADER_ONLY),
    "submission_return": Route(_unit_month, get=False, post=True, owner_post=LEADER_ONLY),
    "indicator_unit": Route(_unit, query=RANGE),
    "indicator_figures": Route(_unit, query=RANGE),
    "indicator_cluster": Route(lambda w: {"cluster_pk": w["cluster"].pk}, query=RANGE),
    "indicator_province": Route(lambda w: {"unit_pk": w["unit"].pk}, query=RANGE, owner_get=0),
    "quota_year": Route(_unit, owner_get=302),
    "quota_grid": Route(_unit_year, post=True, owner_post=LEADER_ONLY),
    "quota_template": Route(_unit_year),
    "quota_upload": Route(_unit_year, get=False, post=True, owner_post=LEADER_ONLY),
    "quota_upload_confirm": Route(_unit_year, get=False, post=True, owner_post=LEADER_ONLY),
    "quota_upload_cancel": Route(_unit_year, get=False, post=True, owner_post=LEADER_ONLY),
    "quota_approve": Route(_unit_year, get=False, post=True, owner_post=LEADER_ONLY),
    "quota_reopen": Route(_unit_year, get=False, post=True, owner_post=LEADER_ONLY),
    # agreements
    "instrument_detail": Route(_ins),
    "instrument_edit": Route(_ins, post=True),
    "party_add": Route(_ins, get=False, post=True),
    "party_edit": Route(lambda w: _ins(w, party_pk="party"), post=True),
    "party_remove": Route(lambda w: _ins(w, party_pk="party"), get=False, post=True),
    "clause_add": Route(_ins, get=False, post=True),
    "clause_edit": Route(lambda w: _ins(w, clause_pk="clause"), post=True),
    "clause_delete": Route(lambda w: _ins(w, clause_pk="clause"), get=False, post=True),
    "duty_add": Route(_ins, get=False, post=True),
    "duty_done": Route(lambda w: _ins(w, duty_pk="duty"), get=False, post=True),
    "duty_delete": Route(lambda w: _ins(w, duty_pk="duty"), get=False, post=True),
    "attachment_add": Route(_ins, get=False, post=True),
    "attachment_download": Route(lambda w: _ins(w, attachment_pk="attachment")),
    "attachment_delete": Route(lambda w: _ins(w, attachment_pk="attachment"), get=False, post=True),
    "review_create": Route(_ins, post=True),
    "review_docx": Route(lambda w: _ins(w, review_pk="review")),
    "review_pdf": Route(lambda w: _ins(w, review_pk="review")),
    "instrument_docx": Route(_ins),
    "instrument_pdf": Route(_ins),
    "cascade_coverage": Route(_ins),
    # oversight
    "intervention_detail": Route(_iv),
    "intervention_edit": Route(_iv, post=True),
    "intervention_extend": Route(_iv, get=False, post=True),
    "intervention_answer": Route(_iv, get=False, post=True),
    "intervention_attach": Route(_iv, get=False, post=True),
    "intervention_delete": Route(_iv, post=True),
    "intervention_document": Route(_iv),
    "intervention_chase": Route(lambda w: {**_iv(w), "fmt": "docx"}),
    # emulation (the cluster's managing unit names officers, locks and reopens)
    "term_detail": Route(_term),
    "term_ranking_xlsx": Route(_term),
    "term_report_docx": Route(_term),
    "term_report_pdf": Route(_term),
    "term_proposal_docx": Route(_term),
    "term_proposal_pdf": Route(_term),
    "term_officers": Route(_term, get=False, post=True),
    "term_exclude": Route(_term, get=False, post=True),
    "term_covenant": Route(_term, get=False, post=True, owner_post=LEADER_ONLY),
    "term_proposal_save": Route(_term, get=False, post=True),
    "term_proposals_derive": Route(_term, get=False, post=True, owner_post=LEADER_ONLY),
    "term_proposal_remove": Route(_proposal, get=False, post=True, owner_post=LEADER_ONLY),
    "term_lock": Route(_term, get=False, post=True, owner_post=LEADER_ONLY),
    "term_reopen": Route(_term, get=False, post=True, owner_post=LEADER_ONLY),
    "term_open_next": Route(_term, get=False, post=True, owner_post=LEADER_ONLY),
    "term_member": Route(_term_unit),
    "term_self_assess": Route(_term_unit, get=False, post=True),
    "term_adjust": Route(_term_unit, get=False, post=True, owner_post=LEADER_ONLY),
    "term_evidence_add": Route(_term_unit, get=False, post=True),
    "term_evidence_download": Route(_evidence),
    "term_evidence_delete": Route(_evidence, get=False, post=True),
    # ingest
    "article_detail": Route(lambda w: {"pk": w["article"].pk}),
    "article_confirm": Route(lambda w: {"pk": w["article"].pk}, get=False, post=True),
    "article_discard": Route(lambda w: {"pk": w["article"].pk}, get=False, post=True),
    "article_file": Route(lambda w: {"pk": w["article"].pk}),
    "press_detail": Route(lambda w: {"pk": w["press_item"].pk}),
    "press_edit": Route(lambda w: {"pk": w["press_item"].pk}, post=True),
    "press_done": Route(lambda w: {"pk": w["press_item"].pk}, get=False, post=True),
    # meetings
    "conference_detail": Route(_conf),
    "conference_edit": Route(_conf, post=True),
    "conference_delete": Route(_conf, get=False, post=True),
    "conference_paper": Route(lambda w: {**_conf(w), "name": "bien-ban", "fmt": "docx"}),
    "participant_add": Route(_conf, get=False, post=True),
    "participant_remove": Route(
        lambda w: _conf(w, participant_pk="participant"), get=False, post=True
    ),
    "document_attach": Route(_conf, get=False, post=True),
    "document_download": Route(lambda w: _conf(w, document_pk="document")),
    "document_delete": Route(lambda w: _conf(w, document_pk="document"), get=False, post=True),
    "result_add": Route(_conf, get=False, post=True),
    "result_delete": Route(lambda w: _conf(w, result_pk="result"), get=False, post=True),
    "conclusion_add": Route(_conf, get=False, post=True),
    "task_add": Route(lambda w: _conf(w, conclusion_pk="conclusion"), get=False, post=True),
    "task_detail": Route(_task),
    "task_report": Route(_task, get=False, post=True),
    "task_confirm": Route(_task, get=False, post=True, owner_post=LEADER_ONLY),
    "task_reopen": Route(_task, get=False, post=True, owner_post=LEADER_ONLY),
    "task_delete": Route(_task, get=False, post=True),
    "evidence_download": Route(lambda w: {**_task(w), "report_pk": w["report"].pk}),
    # API
    "api:conference_get": Route(lambda w: {"conference_id": w["conference"].pk}),
    "api:instrument": Route(lambda w: {"instrument_id": w["instrument"].pk}),
    "api:intervention_get": Route(lambda w: {"intervention_id": w["intervention"].pk}),
    "api:unit_evaluation": Route(lambda w: {"code": w["unit"].code}, query=RANGE),
    "api:emulation_ranking": Route(lambda w: {"term_id": w["term"].pk}),
}

# The province page exists only for provincial units: Hạ Long (district) gets 404 from it.
PROVINCIAL_ONLY = {"indicator_province"}


@dataclass(frozen=True)
class Flat:
    """A URL with no object in its path. ``public``: open to anonymous visitors."""

    post_only: bool = False
    public: bool = False
    reference: str = ""  # why every signed-in user may read it (not unit data)


FLAT: dict[str, Flat] = {
    "login": Flat(public=True),
    "logout": Flat(post_only=True, public=True),
    "password_change": Flat(),
    "password_change_done": Flat(),
    "account": Flat(reference="the user's own account"),
    "second_factor_enrol": Flat(reference="the user's own account"),
    "second_factor_verify": Flat(reference="the user's own account"),
    "second_factor_remove": Flat(post_only=True, reference="the user's own account"),
    "recovery_codes_renew": Flat(post_only=True, reference="the user's own account"),
    "home": Flat(),
    "today_list": Flat(),
    "unit_tree": Flat(),
    "partner_list": Flat(reference="partners are the shared catalogue"),
    "search": Flat(),
    "search_suggest": Flat(),
    "partner_detail": Flat(reference="partners are the shared catalogue"),  # pk of a partner
    "cluster_list": Flat(reference="cluster membership is published to the whole sector"),
    "indicator_dashboard": Flat(),
    "indicator_nation": Flat(),
    "indicator_completeness": Flat(),
    "indicator_list": Flat(reference="the indicator catalogue"),
    "indicator_detail": Flat(reference="the indicator catalogue"),  # pk of an indicator
    "figures_upload": Flat(),
    "figures_upload_confirm": Flat(post_only=True),
    "figures_upload_cancel": Flat(post_only=True),
    "instrument_list": Flat(),
    "instrument_export": Flat(),
    "instrument_import": Flat(),
    "instrument_import_confirm": Flat(post_only=True),
    "instrument_import_cancel": Flat(post_only=True),
    "instrument_import_template": Flat(),
    "instrument_create": Flat(),
    "intervention_list": Flat(),
    "intervention_summary": Flat(),
    "intervention_create": Flat(),
    "intervention_import": Flat(),
    "intervention_import_confirm": Flat(post_only=True),
    "intervention_import_cancel": Flat(post_only=True),
    "intervention_template": Flat(),
    "term_list": Flat(),
    "article_list": Flat(),
    "article_create": Flat(),
    "press_list": Flat(),
    "press_create": Flat(),
    "api:api-root": Flat(public=True),
    "api:press_items_list": Flat(),
    "conference_list": Flat(),
    "conference_calendar": Flat(),
    # The private token in the address is the credential (phones cannot sign in).
    "conference_feed": Flat(public=True),
    "conference_create": Flat(),
    "task_list": Flat(),
    "api:conferences_list": Flat(),
    "api:tasks_list": Flat(),
    "api:instruments": Flat(),
    "api:interventions_list": Flat(),
    "api:quotas_list": Flat(),
    "api:emulation_terms": Flat(),
    "api:figures_post": Flat(post_only=True),
}

REFERENCE_KWARGS: dict[str, Callable[[], dict[str, Any]]] = {
    "conference_feed": lambda: {"token": "0-khong-hop-le"},
    "partner_detail": lambda: {"pk": Partner.objects.order_by("pk").first().pk},  # type: ignore[union-attr]
    "indicator_detail": lambda: {"pk": Indicator.objects.order_by("pk").first().pk},  # type: ignore[union-attr]
}


def _walk(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), p.namespace or ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), f"{ns}:{p.name}" if ns else str(p.name)


def project_urls() -> list[tuple[str, str]]:
    """(route, name) of every URL of the project but the admin, the API docs and files."""
    return [
        (route, name)
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(EXCLUDED_PREFIXES)
    ]


ALL = project_urls()
NAMES = [name for _, name in ALL]


def test_every_url_is_known():
    unknown = [f"{route} ({name})" for route, name in ALL if name not in ROUTES | FLAT]
    assert not unknown, (
        "New URL patterns: add each to ROUTES (it names an object: how to fill its kwargs "
        f"from a unit's world) or FLAT in {__name__}: {unknown}"
    )
    assert len(set(NAMES)) == len(NAMES), "two URL patterns share a name"
    assert not set(ROUTES) & set(FLAT)
    stale = (set(ROUTES) | set(FLAT)) - set(NAMES)
    assert not stale, f"URL names no longer in the project: {sorted(stale)}"
    assert len(ALL) >= 70


def _url(name: str, worlds: dict[str, W], code: str = HA_GIANG) -> str:
    if name in ROUTES:
        route = ROUTES[name]
        path = reverse(name, kwargs=route.kwargs(worlds[code]))
        return path + ("?" + "&".join(f"{k}={v}" for k, v in route.query.items()))
    kwargs = REFERENCE_KWARGS[name]() if name in REFERENCE_KWARGS else {}
    return reverse(name, kwargs=kwargs)


def _is_api(name: str) -> bool:
    return name.startswith("api:")


# --- (a) anonymous ------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_login(client, worlds, name):  # type: ignore[no-untyped-def]
    spec = FLAT.get(name)
    if spec is not None and spec.public:
        pytest.skip("open to anonymous visitors (login, logout, API root)")
    url = _url(name, worlds)
    post_only = (spec is not None and spec.post_only) or (name in ROUTES and not ROUTES[name].get)
    before = AuditEntry.objects.count()
    if _is_api(name):
        response = (
            client.post(url, data={}, content_type="application/json")
            if post_only
            else client.get(url)
        )
        assert response.status_code == 401, (name, response.status_code)
    else:
        response = client.post(url) if post_only else client.get(url)
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"].startswith("/dang-nhap/?next="), response["Location"]
    assert AuditEntry.objects.count() == before


# --- (b) objects of another unit ----------------------------------------------------------


def _post(client, name: str, url: str):  # type: ignore[no-untyped-def]
    if _is_api(name):
        return client.post(url, data={}, content_type="application/json")
    return client.post(url, data={"reason": "thử"})


@pytest.mark.parametrize("username", ["halong.ksv", "nguoingoai"])
@pytest.mark.parametrize("name", list(ROUTES))
def test_outsiders_get_404(client_for, worlds, name, username):  # type: ignore[no-untyped-def]
    route = ROUTES[name]
    client = client_for(username)
    url = _url(name, worlds, HA_GIANG)
    before = AuditEntry.objects.count()
    if route.get:
        response = client.get(url)
        assert response.status_code == 404, (name, username, "GET", response.status_code)
    if route.post:
        response = _post(client, name, url)
        assert response.status_code == 404, (name, username, "POST", response.status_code)
    assert AuditEntry.objects.count() == before, "an outsider's request left an audit row"


@pytest.mark.parametrize("name", list(ROUTES))
def test_owner_gets_through(client_for, worlds, name):  # type: ignore[no-untyped-def]
    route = ROUTES[name]
    client = client_for("hagiang.ksv")
    url = _url(name, worlds, HA_GIANG)
    if route.get:
        response = client.get(url)
        expected = route.owner_get or 200
        assert response.status_code == expected, (name, response.status_code)
    if route.post:
        response = _post(client, name, url)
        assert response.status_code in route.owner_post, (name, response.status_code)


@pytest.mark.parametrize("name", [n for n, r in ROUTES.items() if r.post])
def test_viewer_gets_403_on_writes(client_for, worlds, name):  # type: ignore[no-untyped-def]
    """qn.xem reads Hạ Long (below Quảng Ninh) but may not change it."""
    client = client_for("qn.xem")
    url = _url(name, worlds, HA_LONG)
    if ROUTES[name].get and name not in PROVINCIAL_ONLY:
        assert client.get(url).status_code in (200, 403), name
    before = AuditEntry.objects.count()
    response = _post(client, name, url)
    assert response.status_code == 403, (name, response.status_code)
    assert AuditEntry.objects.count() == before


def test_province_page_is_404_outside_and_below(client_for, worlds):  # type: ignore[no-untyped-def]
    url = _url("indicator_province", worlds, HA_GIANG)
    assert client_for("hagiang.ksv").get(url).status_code == 200
    url = _url("indicator_province", worlds, HA_LONG)
    assert client_for("halong.ksv").get(url).status_code == 404  # a district has none


@pytest.mark.parametrize("name", [n for n, f in FLAT.items() if not f.public])
@pytest.mark.parametrize("username", ["halong.ksv", "nguoingoai", "qn.xem"])
def test_flat_pages_never_fail(client_for, worlds, name, username):  # type: ignore[no-untyped-def]
    """No object in the path: whoever asks gets an answer, never a crash. halong.ksv's
    unit has ended: a create or import page says so (409) and writes nothing."""
    client = client_for(username)
    url = _url(name, worlds)
    before = AuditEntry.objects.count()
    response = _post(client, name, url) if FLAT[name].post_only else client.get(url)
    assert response.status_code in (200, 302, 400, 403, 404, 405, 409, 422), (
        name,
        response.status_code,
    )
    if response.status_code == 409:
        assert username == "halong.ksv" and "đã kết thúc hoạt động" in response.content.decode()
        assert AuditEntry.objects.count() == before


# --- (3) lists, exports, search, API, Hôm nay ----------------------------------------------

SECRET = marker(HA_GIANG)
MINE = marker(HA_LONG)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _xlsx_text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    book = load_workbook(io.BytesIO(response.content))
    return " ".join(  # the rows, not the header block that repeats the search typed
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=first_body_row(sheet), values_only=True)
        for cell in row
        if cell is not None
    )


def _leaks(world: W) -> list[str]:
    """What must not show on another unit's page: links to its objects, its name."""
    return [
        reverse("instrument_detail", args=[world["instrument"].pk]),
        reverse("intervention_detail", args=[world["intervention"].pk]),
        reverse("article_detail", args=[world["article"].pk]),
        reverse("press_detail", args=[world["press_item"].pk]),
        reverse("unit_detail", args=[world["unit"].pk]),
        world["unit"].name,
    ]


def test_lists_and_search_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    halong = client_for("halong.ksv")
    leaks = _leaks(worlds[HA_GIANG])
    assert worlds[HA_GIANG]["unit"].name == "VKSND tỉnh Hà Giang"
    for name, query in [
        ("instrument_list", ""),
        ("instrument_list", f"?q={SECRET}"),
        ("instrument_list", f"?partner={Partner.objects.get(code=PARTNER[HA_GIANG]).pk}"),
        ("intervention_list", ""),
        ("intervention_list", f"?q={SECRET}"),
        ("intervention_summary", ""),
        ("article_list", ""),
        ("press_list", ""),
        ("press_list", f"?q={SECRET}"),
        ("unit_tree", ""),
        ("term_list", ""),
        ("indicator_completeness", "?from=2024-12&to=2025-01"),
        ("home", ""),
    ]:
        page = _text(halong.get(reverse(name) + query))
        found = [leak for leak in leaks if leak in page]
        assert not found, (name, query, found)
        if not query:
            assert SECRET not in page, name
    assert MINE in _text(halong.get(reverse("instrument_list")))
    assert MINE in _text(halong.get(reverse("intervention_list")))
    assert MINE in _text(halong.get(reverse("article_list")))
    assert MINE in _text(halong.get(reverse("press_list")))
    hagiang = client_for("hagiang.ksv")
    page = _text(hagiang.get(reverse("instrument_list") + f"?q={SECRET}"))
    assert _leaks(worlds[HA_GIANG])[0] in page
    assert SECRET in _text(hagiang.get(reverse("intervention_list")))
    chooser = _text(client_for("nguoingoai").get(reverse("indicator_dashboard")))
    assert not [leak for leak in leaks if leak in chooser]


def _refused_filter(response) -> str:  # type: ignore[no-untyped-def]
    """A filter naming what the user may not see is an error: no rows, the reason shown."""
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_a_filter_outside_scope_is_an_error(client_for, worlds):  # type: ignore[no-untyped-def]
    halong = client_for("halong.ksv")
    leaks = _leaks(worlds[HA_GIANG])
    own = worlds[HA_LONG]["intervention"]
    foreign = f"unit={worlds[HA_GIANG]['unit'].pk}"
    for url in (
        reverse("intervention_list") + f"?{foreign}",
        reverse("intervention_list") + f"?format=xlsx&{foreign}",
        reverse("intervention_summary") + f"?{foreign}",
    ):
        page = _refused_filter(halong.get(url))
        assert "Không có đơn vị này trong phạm vi của bạn." in page, url
        assert not [leak for leak in leaks if leak in page]
        assert reverse("intervention_detail", args=[own.pk]) not in page  # never unfiltered
    page = _refused_filter(halong.get(reverse("instrument_export") + "?partner=999999"))
    assert MINE not in page
    for url in (f"/api/instruments?unit={HA_GIANG}", f"/api/interventions?unit={HA_GIANG}"):
        response = halong.get(url)
        assert response.status_code == 400, url
        assert response.json() == {
            "detail": f"Không có đơn vị mã '{HA_GIANG}' trong phạm vi của bạn."
        }
    hagiang = client_for("hagiang.ksv")
    assert hagiang.get(f"/api/interventions?unit={HA_GIANG}").json()["count"] == 1


def test_today_shows_only_own_work(client_for, worlds):  # type: ignore[no-untyped-def]
    """Both units' work is long overdue: Hôm nay counts it, its full list shows each unit's
    staff their own."""
    overdue = reverse("today_list") + "?tinh-trang=qua-han"
    assert MINE in _text(client_for("halong.ksv").get(overdue))
    page = _text(client_for("hagiang.ksv").get(overdue))
    assert SECRET in page
    assert MINE not in page + _text(client_for("hagiang.ksv").get(reverse("home")))


def test_exports_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    instruments = _xlsx_text(client.get(reverse("instrument_export")))
    interventions = _xlsx_text(client.get(reverse("intervention_list") + "?format=xlsx"))
    assert MINE in instruments and SECRET not in instruments
    assert MINE in interventions and SECRET not in interventions
    text = _xlsx_text(client.get(reverse("intervention_list") + f"?format=xlsx&q={SECRET}"))
    assert SECRET not in text
    text = _xlsx_text(client.get(reverse("instrument_export") + f"?q={SECRET}"))
    assert SECRET not in text


def test_api_lists_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    instruments = client.get("/api/instruments?limit=500").json()["items"]
    ids = {row["id"] for row in instruments}
    assert worlds[HA_LONG]["instrument"].pk in ids
    assert worlds[HA_GIANG]["instrument"].pk not in ids
    assert client.get(f"/api/instruments?q={SECRET}").json()["count"] == 0
    body = client.get("/api/interventions?limit=500").json()
    ids = {row["id"] for row in body["items"]}
    assert worlds[HA_LONG]["intervention"].pk in ids
    assert worlds[HA_GIANG]["intervention"].pk not in ids
    terms = {row["id"] for row in client.get("/api/emulation/terms").json()["items"]}
    assert terms == {worlds[HA_LONG]["term"].pk}
    outsider = client_for("nguoingoai")
    assert outsider.get("/api/instruments").json()["count"] == 0
    assert outsider.get("/api/interventions").json()["count"] == 0
    assert outsider.get("/api/emulation/terms").json()["count"] == 0


def test_meetings_lists_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    """Conferences and tasks: pages, exports and API lists show Hạ Long's, never Hà Giang's,
    whatever the filter asks for; Hà Giang's staff see their own."""
    halong = client_for("halong.ksv")
    theirs = worlds[HA_GIANG]
    leaks = [
        reverse("conference_detail", args=[theirs["conference"].pk]),
        reverse("task_detail", args=[theirs["task"].pk]),
        f"Nhiệm vụ {SECRET}",  # the search box repeats the query itself
        f"tổng kết {SECRET}",
    ]
    other = theirs["unit"]
    for name, query in [
        ("conference_list", ""),
        ("conference_list", f"?q={SECRET}&unit={other.pk}"),
        ("task_list", ""),
        ("task_list", f"?q={SECRET}&unit={other.pk}"),
        ("home", ""),
    ]:
        page = _text(halong.get(reverse(name) + query))
        assert not [leak for leak in leaks if leak in page], (name, query)
    assert MINE in _text(halong.get(reverse("conference_list")))
    assert MINE in _text(halong.get(reverse("task_list")))
    for name in ("conference_list", "task_list"):
        text = _xlsx_text(halong.get(reverse(name) + "?format=xlsx"))
        assert MINE in text and SECRET not in text, name
    for url in ("/api/conferences", "/api/tasks", f"/api/tasks?unit={HA_GIANG}"):
        body = halong.get(url).json()
        assert SECRET not in str(body), url
    assert halong.get("/api/tasks").json()["count"] == 1
    assert client_for("nguoingoai").get("/api/conferences").json()["count"] == 0
    assert SECRET in _text(client_for("hagiang.ksv").get(reverse("task_list")))


def test_api_figures_refuse_other_units(client_for, worlds):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    before = AuditEntry.objects.count()
    rows = [{"unit_code": HA_GIANG, "period": MONTH, "metric_code": "TB_MOI", "value": 1}]
    response = client.post("/api/figures", data={"rows": rows}, content_type="application/json")
    assert response.status_code == 400
    assert "dòng 1" in " ".join(response.json()["errors"])
    assert AuditEntry.objects.count() == before


def test_completeness_of_another_unit_is_404(client_for, worlds):  # type: ignore[no-untyped-def]
    url = reverse("indicator_completeness") + f"?unit={worlds[HA_GIANG]['unit'].pk}"
    assert client_for("halong.ksv").get(url).status_code == 404
    assert client_for("hagiang.ksv").get(url).status_code == 200


def test_cluster_pages_follow_their_rule(client_for, worlds):  # type: ignore[no-untyped-def]
    """A cluster is readable by whoever reads one of its members (or its managing unit);
    then the whole table is shared, members outside the reader's scope included."""
    url = _url("indicator_cluster", worlds, HA_GIANG)
    assert client_for("hagiang.ksv").get(url).status_code == 200
    assert client_for("halong.ksv").get(url).status_code == 404
    term = ClusterTerm.objects.get(cluster=worlds[HA_GIANG]["cluster"])
    term.members.add(worlds[HA_LONG]["unit"])
    page = _text(client_for("halong.ksv").get(url))
    assert "Hà Giang" in page  # documented: the cluster's table is shared within it


def test_files_are_never_public(client, client_for, worlds, settings):  # type: ignore[no-untyped-def]
    """Uploads live under MEDIA_ROOT and leave only through the gated views."""
    attachment = worlds[HA_GIANG]["attachment"]
    iv = worlds[HA_GIANG]["intervention"]
    document = worlds[HA_GIANG]["document"]
    for stored in (attachment.file.name, iv.document.name, document.file.name):
        assert client_for("hagiang.ksv").get(f"/{settings.MEDIA_URL}{stored}").status_code == 404
    assert not any(route.startswith("media") for route, _ in _walk(get_resolver().url_patterns))


def _register(owner: str, title: str, *others: str, **fields: Any):  # type: ignore[no-untyped-def]
    units = [Unit.objects.get(code=owner), *(Unit.objects.get(code=c) for c in others)]
    parties = [
        PartyData(unit=u, signatory_name="A", signatory_title="Viện trưởng", is_host=i == 0)
        for i, u in enumerate(units)
    ]
    parties.append(PartyData(partner=Partner.objects.get(code="UBND-HA-LONG"), signatory_name="B"))
    data = InstrumentData(kind=InstrumentKind.PLAN, title=title, **fields)
    return agreements.instrument_register(actor=None, data=data, parties=parties)


def test_joint_instrument_shows_only_readable_links(client_for, worlds):  # type: ignore[no-untyped-def]
    """Quảng Ninh signs with Hà Giang and directs its districts; Hạ Long signs its own, and
    Quảng Ninh later replaces the joint one. Hà Giang reads the joint instrument but none of
    Quảng Ninh's own: their titles and links stay off its page, and the coverage of Quảng
    Ninh's districts is Quảng Ninh's business (404)."""
    joint = _register(
        "QUANG-NINH",
        "Kế hoạch liên ngành",
        HA_GIANG,
        signed_on=date(2024, 1, 5),
        cascade_due=date(2024, 6, 30),
    )
    derived = _register(
        HA_LONG, f"Kế hoạch thực hiện {MINE}", signed_on=date(2024, 3, 1), parent=joint
    )
    newer = _register(
        "QUANG-NINH", f"Kế hoạch thay thế {MINE}", signed_on=date(2025, 1, 2), replaces=joint
    )
    hagiang = client_for("hagiang.ksv")
    assert hagiang.get(reverse("instrument_detail", args=[derived.pk])).status_code == 404
    assert hagiang.get(reverse("instrument_detail", args=[newer.pk])).status_code == 404
    page = _text(hagiang.get(reverse("instrument_detail", args=[joint.pk])))
    assert MINE not in page
    assert reverse("instrument_detail", args=[derived.pk]) not in page
    assert reverse("instrument_detail", args=[newer.pk]) not in page
    assert hagiang.get(reverse("cascade_coverage", args=[joint.pk])).status_code == 404
    leader = client_for("qn.vientruong")
    page = _text(leader.get(reverse("instrument_detail", args=[joint.pk])))
    assert reverse("instrument_detail", args=[derived.pk]) in page
    assert reverse("instrument_detail", args=[newer.pk]) in page
    page = _text(leader.get(reverse("cascade_coverage", args=[joint.pk])))
    assert reverse("instrument_detail", args=[derived.pk]) in page


# --- (4) every import names only the user's units -----------------------------------------


def _xlsx(header: list[str], *rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in (header, *rows):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instrument_file(units: str) -> bytes:
    row = {
        "loai": "Kế hoạch phối hợp",
        "ten": f"Kế hoạch nhập từ tệp {MINE}",
        "ngay_ky": "05/01/2025",
        "don_vi": units,
        "nguoi_ky_don_vi": "A;B",
        "co_quan": "UBND-HA-LONG",
        "nguoi_ky_co_quan": "C",
    }
    header = [code for code, _ in IMPORT_COLUMNS]
    return _xlsx(header, [row.get(code, "") for code in header])


def _intervention_file(unit: str) -> bytes:
    row = {
        "unit_code": unit,
        "kind": "Kiến nghị",
        "field": "Hình sự",
        "number": 77,
        "symbol": "KN-VKS",
        "issued_on": "10/01/2025",
        "recipient_code": RECIPIENT[HA_LONG],
        "subject": f"Kiến nghị nhập từ tệp {MINE}",
    }
    header = [code for code, _, _ in INTERVENTION_COLUMNS]
    return _xlsx(header, [row.get(code, "") for code in header])


def _counts() -> tuple[int, ...]:
    return (
        AuditEntry.objects.count(),
        Instrument.objects.count(),
        Intervention.objects.count(),
        Figure.objects.count(),
        Quota.objects.count(),
    )


@pytest.mark.parametrize(
    ("name", "username", "file_name", "content"),
    [
        ("instrument_import", "halong.ksv", "vb.xlsx", _instrument_file(f"{HA_LONG};{HA_GIANG}")),
        ("instrument_import", "halong.ksv", "vb.xlsx", _instrument_file(f"{HA_GIANG};{HA_LONG}")),
        ("instrument_import", "halong.ksv", "vb.xlsx", _instrument_file(HA_GIANG)),
        ("intervention_import", "halong.ksv", "kn.xlsx", _intervention_file(HA_GIANG)),
        (
            "figures_upload",
            "halong.ksv",
            "so-lieu.csv",
            f"unit_code,period,metric_code,value\n{HA_GIANG},{MONTH},TB_MOI,3\n".encode(),
        ),
        (
            "quota_upload",
            "qn.vientruong",
            "chi-tieu.csv",
            f"unit_code,work_year,indicator_code,value\n{HA_GIANG},2025,KN-02,3\n".encode(),
        ),
    ],
    ids=["instrument-list", "instrument-list-first", "instrument", "register", "figures", "quota"],
)
@time_machine.travel(HA_LONG_LIVED, tick=False)
def test_imports_refuse_units_outside_scope(  # type: ignore[no-untyped-def]
    client_for, worlds, name, username, file_name, content
):
    """A file naming a unit the user may not write for is refused with its row, whole."""
    client = client_for(username)
    if name == "quota_upload":
        url = reverse(name, args=[worlds[HA_LONG]["unit"].parent_id, 2025])
    else:
        url = reverse(name)
    before = _counts()
    response = client.post(url, {"file": SimpleUploadedFile(file_name, content)})
    assert response.status_code == 400, (name, response.status_code)
    page = response.content.decode()
    assert "dòng 2" in page, page
    assert _counts() == before
    if name == "figures_upload":  # nothing waits for confirmation either
        assert client.post(reverse("figures_upload_confirm")).status_code in (302, 400)
        assert _counts() == before


@time_machine.travel(HA_LONG_LIVED, tick=False)
def test_an_instrument_import_of_own_units_passes(client_for, worlds):  # type: ignore[no-untyped-def]
    """The same file naming only Hạ Long goes through: the refusal above is the scope's."""
    client = client_for("halong.ksv")
    upload = SimpleUploadedFile("vb.xlsx", _instrument_file(HA_LONG))
    response = confirm(client, client.post(reverse("instrument_import"), {"file": upload}))
    assert response.status_code == 302
    instrument = Instrument.objects.get(title=f"Kế hoạch nhập từ tệp {MINE}")
    assert {p.unit.code for p in instrument.parties.filter(unit__isnull=False)} == {HA_LONG}


def test_party_services_hold_the_form_rule(cast, worlds):  # type: ignore[no-untyped-def]
    """The API and any other caller meet the same rule in the services themselves."""
    instrument = worlds[HA_LONG]["instrument"]
    foreign = PartyData(unit=worlds[HA_GIANG]["unit"], signatory_name="X")
    with pytest.raises(ValidationError) as refused:
        agreements.party_add(actor=cast["halong.ksv"], instrument=instrument, data=foreign)
    assert "Hà Giang" in refused.value.message_dict["unit"][0]
    assert not instrument.parties.filter(unit=worlds[HA_GIANG]["unit"]).exists()
