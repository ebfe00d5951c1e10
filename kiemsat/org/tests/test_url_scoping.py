"""Every URL of the product, walked from the resolver, against the scoping house rule.

* Anonymous: pages redirect to /dang-nhap/, the API answers 401.
* Objects of HA-GIANG: halong.ksv and nguoingoai get 404 on GET and on POST (never 403,
  nothing written: the audit table does not grow); hagiang.ksv gets through.
* Objects of QUANG-NINH-HA-LONG: qn.xem (viewer of Quảng Ninh) may read them and gets 403
  on every write.
* Lists, exports, search, the API lists, Hôm nay, completeness and imports are held to the
  rule by ``test_list_scoping``, on the same world (``kiemsat.org.tests.scoping``).

A URL pattern the tables below do not know fails ``test_every_url_is_known``: add it to
``ROUTES`` (object URLs, with how to fill their kwargs) or ``FLAT`` (no object in the path).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import get_resolver, reverse

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.models import Indicator
from kiemsat.org.models import Partner
from kiemsat.org.tests.scoping import EXCLUDED_PREFIXES, HA_GIANG, HA_LONG, MONTH, W, walk

pytestmark = pytest.mark.django_db

# --- what every URL needs -----------------------------------------------------------------


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


def project_urls() -> list[tuple[str, str]]:
    """(route, name) of every URL of the project but the admin, the API docs and files."""
    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
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
