"""Pages of emulation: the terms, a cluster's year, a member's score sheet, their actions.

Every view goes through the gate (``get_term_for_user`` or ``get_member_for_user``),
then a form, then one service; a refusal re-renders the page with the message (400).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.agreements.selectors import visible_instruments
from kiemsat.audit.selectors import history_for
from kiemsat.documents.download import paper_download
from kiemsat.emulation import (
    documents,
    excel,
    proposal_services,
    selectors,
    services,
    term_services,
)
from kiemsat.emulation.forms import (
    AdjustForm,
    CovenantForm,
    EvidenceForm,
    ExclusionForm,
    OfficersForm,
    ProposalForm,
    ReasonForm,
    SelfAssessForm,
)
from kiemsat.emulation.models import Criterion
from kiemsat.lib.excel import XLSX
from kiemsat.lib.http import act_and_redirect, download, form_saved
from kiemsat.lib.periods import work_year_of
from kiemsat.org.models import ClusterTerm, Unit


@login_required
def term_list(request: HttpRequest) -> HttpResponse:
    terms = list(selectors.visible_terms(request.user))
    current = work_year_of(timezone.localdate())
    return render(request, "emulation/term_list.html", {"terms": terms, "current": current})


def _manual_leaves(result: selectors.TermResult) -> list[Criterion]:
    return [c for c in result.leaves if c.is_manual]


def _term_context(request: HttpRequest, term: ClusterTerm, **forms: Any) -> dict[str, Any]:
    result = selectors.term_result(term)
    record = selectors.record_of(term)
    covenant = record.covenant if record else None
    members = term.members.order_by("name_folded")
    user = request.user
    readable = covenant is not None and visible_instruments(user).filter(pk=covenant.pk).exists()
    proposals = selectors.proposals_of(term)
    locked = bool(record and record.locked)
    return {
        "term": term,
        "result": result,
        "proposals": proposals,
        "to_vote": [
            c
            for c in selectors.candidates(result, proposals)
            if c.rule.needs_votes and not c.proposed
        ],
        "can_propose": not locked and selectors.can_adjust(user, term),
        "proposal_form": forms.get("proposal_form") or ProposalForm(members=members),
        "summary": result.group.group.summary,
        "record": record,
        "locked": locked,
        "covenant": covenant,
        "covenant_readable": readable,
        "grid": [(c, [m.leaves.get(c.code) for m in result.members]) for c in result.criteria],
        "can_approve": selectors.can_approve(user, term),
        "manager": selectors.manager_unit(term.cluster),
        "exclusion_form": forms.get("exclusion_form") or ExclusionForm(members=members),
        "officers_form": forms.get("officers_form")
        or OfficersForm(members=members, initial={"leader": term.leader, "deputy": term.deputy}),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
        "covenant_form": forms.get("covenant_form")
        or CovenantForm(
            choices=selectors.covenant_choices(user, term), initial={"covenant": covenant}
        ),
        "history": history_for(term)[:20],
    }


def _render_term(
    request: HttpRequest, term: ClusterTerm, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _term_context(request, term, **forms)
    return render(request, "emulation/term_detail.html", context, status=status)


@login_required
def term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_term(request, selectors.get_term_for_user(request.user, pk))


def _document(request: HttpRequest, pk: int, build: Any, fmt: str) -> HttpResponse:
    term = selectors.get_term_for_user(request.user, pk)
    spec = build(term, timezone.localdate())
    return paper_download(
        fmt,
        spec.filename,
        docx=lambda: documents.to_docx(spec),
        pdf=lambda: documents.to_pdf(spec),
    )


@login_required
def term_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, documents.year_report, "docx")


@login_required
def term_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, documents.year_report, "pdf")


@login_required
def term_proposal_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, documents.proposal_letter, "docx")


@login_required
def term_proposal_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _document(request, pk, documents.proposal_letter, "pdf")


@login_required
def term_ranking_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    term = selectors.get_term_for_user(request.user, pk)
    body = excel.ranking_xlsx(selectors.term_result(term))
    return download(body, XLSX, f"xep-hang-thi-dua-{term.cluster.code.lower()}-{term.year}.xlsx")


def _term_form_action(
    request: HttpRequest, pk: int, form_name: str, form: Any, act: Any, done: str
) -> HttpResponse:
    """Validate ``form``, run ``act(form.cleaned_data)``; a refusal re-renders (400)."""
    term = selectors.get_term_for_user(request.user, pk, write=True)
    bound = form(term)
    url = reverse("term_detail", args=[term.pk])
    if response := form_saved(request, bound, lambda: act(term, bound.cleaned_data), done, url):
        return response
    return _render_term(request, term, 400, **{form_name: bound})


@login_required
@require_POST
def term_officers(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_form_action(
        request,
        pk,
        "officers_form",
        lambda term: OfficersForm(request.POST, members=term.members.all()),
        lambda term, data: term_services.term_set_officers(
            actor=request.user, term=term, leader=data["leader"], deputy=data["deputy"]
        ),
        "Đã ghi cụm trưởng, cụm phó.",
    )


@login_required
@require_POST
def term_covenant(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_form_action(
        request,
        pk,
        "covenant_form",
        lambda term: CovenantForm(
            request.POST, choices=selectors.covenant_choices(request.user, term)
        ),
        lambda term, data: term_services.covenant_link(
            actor=request.user, term=term, instrument=data["covenant"]
        ),
        "Đã ghi giao ước thi đua của năm.",
    )


@login_required
@require_POST
def term_proposal_save(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_form_action(
        request,
        pk,
        "proposal_form",
        lambda term: ProposalForm(request.POST, members=term.members.all()),
        lambda term, data: proposal_services.proposal_save(
            actor=request.user,
            term=term,
            unit=data["unit"],
            title=data["title"],
            votes_for=data["votes_for"],
            note=data["note"],
        ),
        "Đã ghi đề nghị danh hiệu.",
    )


@login_required
@require_POST
def term_proposal_remove(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    term = selectors.get_term_for_user(request.user, pk, write=True)
    proposal = selectors.get_proposal(term, proposal_pk)
    return act_and_redirect(
        request,
        lambda: proposal_services.proposal_remove(actor=request.user, proposal=proposal),
        f"Đã bỏ đề nghị {proposal.title_name} của {proposal.unit.name}.",
        reverse("term_detail", args=[term.pk]) + "#de-nghi",
    )


@login_required
@require_POST
def term_proposals_derive(request: HttpRequest, pk: int) -> HttpResponse:
    term = selectors.get_term_for_user(request.user, pk, write=True)
    return act_and_redirect(
        request,
        lambda: proposal_services.proposals_derive(actor=request.user, term=term),
        "Đã lập danh sách đề nghị theo kết quả xếp hạng.",
        reverse("term_detail", args=[term.pk]) + "#de-nghi",
    )


@login_required
@require_POST
def term_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_form_action(
        request,
        pk,
        "exclusion_form",
        lambda term: ExclusionForm(request.POST, members=term.members.all()),
        lambda term, data: term_services.exclusion_record(
            actor=request.user, term=term, unit=data["unit"], reason=data["reason"]
        ),
        "Đã ghi đơn vị không xét thi đua.",
    )


@login_required
@require_POST
def term_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _term_form_action(
        request,
        pk,
        "reopen_form",
        lambda term: ReasonForm(request.POST),
        lambda term, data: services.scores_reopen(
            actor=request.user, term=term, reason=data["reason"]
        ),
        "Đã mở lại để chấm điểm.",
    )


@login_required
@require_POST
def term_lock(request: HttpRequest, pk: int) -> HttpResponse:
    term = selectors.get_term_for_user(request.user, pk, write=True)
    return act_and_redirect(
        request,
        lambda: services.scores_lock(actor=request.user, term=term),
        f"Đã duyệt và khóa điểm thi đua năm {term.year} của cụm.",
        reverse("term_detail", args=[term.pk]),
    )


@login_required
@require_POST
def term_open_next(request: HttpRequest, pk: int) -> HttpResponse:
    term = selectors.get_term_for_user(request.user, pk, write=True)
    return act_and_redirect(
        request,
        lambda: term_services.term_open(
            actor=request.user, cluster=term.cluster, year=term.year + 1
        ),
        lambda nxt: f"Đã mở năm {nxt.year}: kiểm tra thành phần và cụm trưởng đề xuất.",
        lambda nxt: reverse("term_detail", args=[nxt.pk]),
        refused_url=reverse("term_detail", args=[term.pk]),
    )


# --- a member's score sheet ----------------------------------------------------------------


def _member_context(
    request: HttpRequest, term: ClusterTerm, unit: Unit, **forms: Any
) -> dict[str, Any]:
    result = selectors.term_result(term)
    member = result.member(unit)
    leaves = _manual_leaves(result)
    locked = selectors.is_locked(term)
    user = request.user
    initial: dict[str, Any] = {}
    for leaf in member.leaves.values():
        if leaf.score is not None:
            pk = leaf.criterion.pk
            initial[f"points_{pk}"] = leaf.score.self_points
            initial[f"evidence_{pk}"] = leaf.score.evidence
    return {
        "term": term,
        "unit": unit,
        "result": result,
        "member": member,
        "rows": [(c, member.leaves.get(c.code)) for c in result.criteria],
        "locked": locked,
        "can_score": not locked and selectors.can_score(user, unit) and bool(leaves),
        "can_adjust": not locked and selectors.can_adjust(user, term) and bool(leaves),
        "self_form": forms.get("self_form") or SelfAssessForm(leaves=leaves, initial=initial),
        "adjust_form": forms.get("adjust_form") or AdjustForm(leaves=leaves),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(leaves=leaves),
    }


def _render_member(
    request: HttpRequest, term: ClusterTerm, unit: Unit, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _member_context(request, term, unit, **forms)
    return render(request, "emulation/member_sheet.html", context, status=status)


@login_required
def term_member(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    term, unit = selectors.get_member_for_user(request.user, pk, unit_pk)
    return _render_member(request, term, unit)


def _member_leaves(term: ClusterTerm) -> list[Criterion]:
    sheet = selectors.sheet_for(term)
    return [c for c in selectors.criteria_of(sheet) if c.is_manual] if sheet else []


@login_required
@require_POST
def term_self_assess(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    term, unit = selectors.get_member_for_user(request.user, pk, unit_pk, write=True)
    form = SelfAssessForm(request.POST, leaves=_member_leaves(term))
    if response := form_saved(
        request,
        form,
        lambda: services.scores_self_assess(
            actor=request.user, term=term, unit=unit, entries=form.entries()
        ),
        lambda changed: f"Đã ghi điểm tự chấm ({changed} tiêu chí thay đổi).",
        reverse("term_member", args=[term.pk, unit.pk]),
    ):
        return response
    return _render_member(request, term, unit, 400, self_form=form)


@login_required
@require_POST
def term_adjust(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    term, unit = selectors.get_member_for_user(request.user, pk, unit_pk)
    if not selectors.can_adjust(request.user, term):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị cụm trưởng được điều chỉnh điểm.")
    return _member_form_action(
        request,
        term,
        unit,
        "adjust_form",
        AdjustForm(request.POST, leaves=_member_leaves(term)),
        lambda data: services.score_adjust(
            actor=request.user,
            term=term,
            unit=unit,
            code=data["criterion"],
            points=data["points"],
            reason=data["reason"],
        ),
        "Đã điều chỉnh điểm tiêu chí {criterion}.",
    )


def _member_form_action(
    request: HttpRequest,
    term: ClusterTerm,
    unit: Unit,
    form_name: str,
    form: Any,
    act: Any,
    done: str,
) -> HttpResponse:
    """Validate ``form``, run ``act(cleaned_data)``; a refusal re-renders the sheet (400)."""
    if response := form_saved(
        request,
        form,
        lambda: act(form.cleaned_data),
        lambda _: done.format(**form.cleaned_data),
        reverse("term_member", args=[term.pk, unit.pk]),
    ):
        return response
    return _render_member(request, term, unit, 400, **{form_name: form})


@login_required
@require_POST
def term_evidence_add(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    term, unit = selectors.get_member_for_user(request.user, pk, unit_pk, write=True)
    return _member_form_action(
        request,
        term,
        unit,
        "evidence_form",
        EvidenceForm(request.POST, request.FILES, leaves=_member_leaves(term)),
        lambda data: services.evidence_add(
            actor=request.user, term=term, unit=unit, code=data["criterion"], upload=data["file"]
        ),
        "Đã tải tệp minh chứng tiêu chí {criterion}.",
    )


@login_required
def term_evidence_download(
    request: HttpRequest, pk: int, unit_pk: int, file_pk: int
) -> FileResponse:
    _, _, evidence = selectors.get_evidence_for_user(request.user, pk, unit_pk, file_pk)
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type or "application/octet-stream",
    )


@login_required
@require_POST
def term_evidence_delete(request: HttpRequest, pk: int, unit_pk: int, file_pk: int) -> HttpResponse:
    term, unit, evidence = selectors.get_evidence_for_user(
        request.user, pk, unit_pk, file_pk, write=True
    )
    return act_and_redirect(
        request,
        lambda: services.evidence_delete(actor=request.user, evidence=evidence),
        f"Đã xóa tệp minh chứng {evidence.name}.",
        reverse("term_member", args=[term.pk, unit.pk]),
    )
