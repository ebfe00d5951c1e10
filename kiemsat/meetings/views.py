"""Pages of conferences and follow-up tasks: gate → form → one service → redirect/render."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.audit.selectors import history_for
from kiemsat.documents.download import FORMATS, paper_download
from kiemsat.lib.excel import XLSX, filter_about
from kiemsat.lib.http import (
    act_and_redirect,
    download,
    form_page,
    form_saved,
    page_of,
    query_string,
)
from kiemsat.lib.periods import Month, parse_month_text
from kiemsat.meetings import calendar, documents, excel, selectors, services, task_services
from kiemsat.meetings.forms import (
    ConclusionForm,
    ConferenceFilterForm,
    ConferenceForm,
    DocumentForm,
    ParticipantForm,
    ResultForm,
    TaskForm,
)
from kiemsat.meetings.models import Conference
from kiemsat.org.access import access_for, check_any
from kiemsat.org.lifecycle import live_unit_ids, require_live_unit
from kiemsat.org.selectors import get_unit_for_user

NO_UNIT = "Bạn không có quyền ghi hội nghị cho đơn vị nào."


# --- conferences ---------------------------------------------------------------------------


@login_required
def conference_list(request: HttpRequest) -> HttpResponse:
    form = ConferenceFilterForm(request.GET or None, user=request.user)
    qs = selectors.filter_conferences(selectors.visible_conferences(request.user), form.filters())
    if request.GET.get("format") == "xlsx":
        return download(excel.conferences_xlsx(list(qs), filter_about(form)), XLSX, "hoi-nghi.xlsx")
    context = {
        "form": form,
        "page": page_of(request, qs),
        "query": query_string(request),
        "export_query": query_string(request, format="xlsx"),
        "can_enter": bool(live_unit_ids(request.user, timezone.localdate())),
    }
    return render(request, "meetings/list.html", context)


@login_required
def conference_create(request: HttpRequest) -> HttpResponse:
    check_any(request.user, refusal=NO_UNIT)
    require_live_unit(request.user, timezone.localdate(), "ghi hội nghị mới")
    form = ConferenceForm(request.POST or None, user=request.user)

    def save() -> Conference:
        unit = get_unit_for_user(request.user, form.cleaned_data["unit"].pk, write=True)
        return services.conference_record(actor=request.user, unit=unit, data=form.data_object())

    return form_page(
        request,
        form,
        save,
        lambda conference: f"Đã ghi {conference}.",
        lambda conference: reverse("conference_detail", args=[conference.pk]),
        template="meetings/form.html",
        context={"creating": True},
    )


@login_required
def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.get_conference_for_user(request.user, pk, write=True)
    initial = services.conference_values(conference)
    initial.update(
        co_units=conference.co_units.all(),
        partners=conference.partners.all(),
        instruments=conference.instruments.all(),
        bridge_units=[p.unit_id for p in conference.bridge_points.all() if p.unit_id],
        bridge_places="\n".join(p.place for p in conference.bridge_points.all() if not p.unit_id),
    )
    form = ConferenceForm(
        request.POST or None, initial=initial, user=request.user, fixed_unit=conference.unit
    )
    return form_page(
        request,
        form,
        lambda: services.conference_update(
            actor=request.user, conference=conference, data=form.data_object()
        ),
        "Đã lưu thay đổi.",
        reverse("conference_detail", args=[conference.pk]),
        template="meetings/form.html",
        context={"conference": conference},
    )


def _detail(
    request: HttpRequest, conference: Conference, status: int = 200, **forms: Form
) -> HttpResponse:
    user = request.user
    detail = selectors.conference_detail(conference, user)
    today = timezone.localdate()
    failed = forms.get("task_form")
    for conclusion in detail["conclusions"]:
        selectors.with_state(list(conclusion.tasks.all()), today)
        conclusion.task_form = (  # one form per conclusion, each with its own ids
            failed
            if failed is not None and forms.get("task_conclusion") == conclusion.pk
            else TaskForm(user=user, auto_id=f"id_kl{conclusion.pk}_%s")
        )
    for result in detail["results"]:
        result.own = selectors.own_result(user, result)
    context = {
        "conference": conference,
        **detail,
        "can_write": selectors.can_write(user, conference),
        "readable_units": access_for(user).unit_ids(),
        "history": history_for(conference)[:50],
        "participant_form": forms.get("participant_form") or ParticipantForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "result_form": forms.get("result_form") or ResultForm(user=user),
        "conclusion_form": forms.get("conclusion_form") or ConclusionForm(),
    }
    return render(request, "meetings/detail.html", context, status=status)


@login_required
def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_conference_for_user(request.user, pk))


def _on_detail(
    request: HttpRequest,
    conference: Conference,
    name: str,
    form: Form,
    act: Callable[[dict[str, Any]], object],
    done: str,
    **extra: Any,
) -> HttpResponse:
    """A form on the conference page: ``act(cleaned_data)`` then back to the page; when
    refused, the page again (400) with the errors on the form."""
    url = reverse("conference_detail", args=[conference.pk])
    if response := form_saved(request, form, lambda: act(form.cleaned_data), done, url):
        return response
    return _detail(request, conference, 400, **{name: form}, **extra)


@login_required
@require_POST
def conference_delete(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.get_conference_for_user(request.user, pk, write=True)
    return act_and_redirect(
        request,
        lambda: services.conference_delete(actor=request.user, conference=conference),
        "Đã xóa hội nghị.",
        reverse("conference_list"),
        refused_url=reverse("conference_detail", args=[pk]),
    )


@login_required
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.get_conference_for_user(request.user, pk, write=True)

    def act(d: dict[str, Any]) -> object:
        return services.participant_add(actor=request.user, conference=conference, **d)

    form = ParticipantForm(request.POST)
    return _on_detail(request, conference, "participant_form", form, act, "Đã thêm người dự.")


@login_required
@require_POST
def participant_remove(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    def remove(row: Any) -> object:
        return services.participant_remove(actor=request.user, participant=row)

    return _remove(request, pk, "participants", participant_pk, remove, "Đã bỏ người dự.")


def _remove(
    request: HttpRequest,
    pk: int,
    related: str,
    row_pk: int,
    remove: Callable[[Any], object],
    done: str,
) -> HttpResponse:
    """Remove one row of the conference (a person, a document, a result), then back to it."""
    conference = selectors.get_conference_for_user(request.user, pk, write=True)
    remove(get_object_or_404(getattr(conference, related), pk=row_pk))
    messages.success(request, done)
    return redirect("conference_detail", pk=pk)


@login_required
@require_POST
def document_attach(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.get_conference_for_user(request.user, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)

    def act(d: dict[str, Any]) -> object:
        return services.document_attach(
            actor=request.user, conference=conference, title=d["title"], upload=d["file"]
        )

    return _on_detail(request, conference, "document_form", form, act, "Đã đính kèm tài liệu.")


@login_required
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    conference = selectors.get_conference_for_user(request.user, pk)
    document = get_object_or_404(conference.documents, pk=document_pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    def remove(row: Any) -> object:
        return services.document_delete(actor=request.user, document=row)

    return _remove(request, pk, "documents", document_pk, remove, "Đã xóa tài liệu.")


@login_required
@require_POST
def result_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.get_conference_for_user(request.user, pk, write=True)
    form = ResultForm(request.POST, user=request.user)

    def act(d: dict[str, Any]) -> object:
        data = form.data_object()
        return services.result_add(actor=request.user, conference=conference, data=data)

    return _on_detail(request, conference, "result_form", form, act, "Đã ghi kết quả công bố.")


@login_required
@require_POST
def result_delete(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    def remove(row: Any) -> object:
        return services.result_delete(actor=request.user, result=row)

    return _remove(request, pk, "results", result_pk, remove, "Đã xóa kết quả công bố.")


@login_required
@require_POST
def conclusion_add(request: HttpRequest, pk: int) -> HttpResponse:
    conference = selectors.get_conference_for_user(request.user, pk, write=True)

    def act(d: dict[str, Any]) -> object:
        return services.conclusion_add(actor=request.user, conference=conference, text=d["text"])

    form = ConclusionForm(request.POST)
    return _on_detail(request, conference, "conclusion_form", form, act, "Đã ghi kết luận.")


@login_required
@require_POST
def task_add(request: HttpRequest, pk: int, conclusion_pk: int) -> HttpResponse:
    conference = selectors.get_conference_for_user(request.user, pk, write=True)
    conclusion = selectors.conclusion_of(conference, conclusion_pk)
    form = TaskForm(request.POST, user=request.user, auto_id=f"id_kl{conclusion.pk}_%s")

    def act(d: dict[str, Any]) -> object:
        data = form.data_object()
        return task_services.task_add(actor=request.user, conclusion=conclusion, data=data)

    done = "Đã giao nhiệm vụ."
    return _on_detail(
        request, conference, "task_form", form, act, done, task_conclusion=conclusion.pk
    )


@login_required
def conference_paper(request: HttpRequest, pk: int, name: str, fmt: str) -> HttpResponse:
    """The invitation, the minutes or the notice of conclusions, in Word or PDF."""
    build = documents.PAPERS.get(name)
    if build is None or fmt not in FORMATS:
        raise Http404("Không có văn bản này.")
    conference = selectors.get_conference_for_user(request.user, pk)
    if not selectors.organised_by_readable(request.user, conference):
        raise PermissionDenied("Văn bản hội nghị dành cho đơn vị tổ chức và cấp trên.")
    paper = build(conference, timezone.localdate())
    return paper_download(
        fmt,
        f"{name}-{conference.pk}",
        docx=lambda: documents.paper_docx(paper),
        pdf=lambda: documents.paper_pdf(paper),
    )


@login_required
def conference_calendar(request: HttpRequest) -> HttpResponse:
    """The month's conferences and task deadlines of the user's units, week by week."""
    today = timezone.localdate()
    try:
        month = parse_month_text(request.GET.get("thang") or str(Month.of(today)))
    except ValueError:
        month = Month.of(today)
        messages.error(request, "Tháng không hợp lệ: nhập tháng/năm, ví dụ 03/2025.")
    start, end = month.first_day(), month.last_day()
    by_day: dict[date, list[tuple[str, str, bool]]] = defaultdict(list)
    for c in selectors.conferences_between(request.user, start, end):
        by_day[c.held_on].append((c.title, reverse("conference_detail", args=[c.pk]), False))
    for t in selectors.tasks_due_between(request.user, start, end):
        label = f"Hạn: {t.title} ({t.unit.name})"
        by_day[t.due_on].append((label, reverse("task_detail", args=[t.pk]), True))
    weeks = [
        [(d, by_day.get(d, [])) if d else None for d in week]
        for week in calendar.month_weeks(month.year, month.month)
    ]
    feed = reverse("conference_feed", args=[calendar.feed_token(request.user)])
    context = {
        "month": month,
        "weeks": weeks,
        "days": [(d, by_day[d]) for d in sorted(by_day)],
        "previous": month.shift(-1).label,
        "next": month.shift(1).label,
        "today": today,
        "feed_url": request.build_absolute_uri(feed),
    }
    return render(request, "meetings/calendar.html", context)


def conference_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's iCalendar feed; the private token in the address stands for the sign-in."""
    user = calendar.user_for_token(token)
    if user is None:
        raise Http404("Không tìm thấy lịch.")
    conferences, tasks = selectors.feed_items(user, timezone.localdate())
    base = request.build_absolute_uri("/").rstrip("/")
    body = calendar.ics(conferences, tasks, now=timezone.now(), base=base)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kiemsat-hoi-nghi.ics"'
    return response
