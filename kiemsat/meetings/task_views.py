"""Pages of the follow-up tasks: list and export, the task with its reports, confirmation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.audit.selectors import history_for
from kiemsat.lib.excel import XLSX, filter_about
from kiemsat.lib.http import act_and_redirect, download, form_saved, page_of, query_string
from kiemsat.meetings import excel, selectors, task_services
from kiemsat.meetings.forms import ReopenForm, ReportForm, TaskFilterForm
from kiemsat.meetings.models import ProgressReport, Task
from kiemsat.org.models import Role


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET or None, user=request.user)
    today = timezone.localdate()
    qs = selectors.filter_tasks(selectors.visible_tasks(request.user), form.filters(), today=today)
    if request.GET.get("format") == "xlsx":
        rows = selectors.with_state(list(qs), today)
        body = excel.tasks_xlsx(rows, filter_about(form))
        return download(body, XLSX, "nhiem-vu-sau-hoi-nghi.xlsx")
    page = page_of(request, qs)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.with_state(list(page), today),
        "today": today,
        "query": query_string(request),
        "export_query": query_string(request, format="xlsx"),
    }
    return render(request, "meetings/task_list.html", context)


def _task_page(request: HttpRequest, task: Task, status: int = 200, **forms: Form) -> HttpResponse:
    today = timezone.localdate()
    selectors.with_state([task], today)
    conference = task.conclusion.conference
    context = {
        "task": task,
        "conference": conference,
        "conference_readable": selectors.can_read_conference(request.user, conference),
        "reports": selectors.task_reports(task),
        "history": history_for(task)[:50],
        "report_form": forms.get("report_form") or ReportForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        **selectors.task_permissions(request.user, task),
    }
    return render(request, "meetings/task_detail.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, selectors.get_task_for_user(request.user, pk))


@login_required
@require_POST
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, write=True)
    form = ReportForm(request.POST, request.FILES)
    if response := form_saved(
        request,
        form,
        lambda: task_services.task_report(actor=request.user, task=task, **form.cleaned_data),
        "Đã ghi báo cáo tiến độ.",
        reverse("task_detail", args=[pk]),
    ):
        return response
    task.refresh_from_db()
    return _task_page(request, task, 400, report_form=form)


@login_required
@require_POST
def task_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, organiser=Role.LEADER)
    return act_and_redirect(
        request,
        lambda: task_services.task_confirm(actor=request.user, task=task),
        "Đã xác nhận hoàn thành nhiệm vụ.",
        reverse("task_detail", args=[task.pk]),
    )


@login_required
@require_POST
def task_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, organiser=Role.LEADER)
    form = ReopenForm(request.POST)
    if response := form_saved(
        request,
        form,
        lambda: task_services.task_reopen(
            actor=request.user, task=task, reason=form.cleaned_data["reason"]
        ),
        "Đã trả lại nhiệm vụ cho đơn vị thực hiện.",
        reverse("task_detail", args=[pk]),
    ):
        return response
    return _task_page(request, task, 400, reopen_form=form)


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task_for_user(request.user, pk, organiser=Role.STAFF)
    return act_and_redirect(
        request,
        lambda: task_services.task_delete(actor=request.user, task=task),
        "Đã xóa nhiệm vụ.",
        reverse("conference_detail", args=[task.conclusion.conference_id]),
        refused_url=reverse("task_detail", args=[pk]),
    )


@login_required
def evidence_download(request: HttpRequest, pk: int, report_pk: int) -> FileResponse:
    task = selectors.get_task_for_user(request.user, pk)
    report: ProgressReport = get_object_or_404(task.reports, pk=report_pk)
    if not report.evidence:
        raise Http404("Báo cáo không có tài liệu kèm theo.")
    name = (report.evidence.name or "tai-lieu").rsplit("/", 1)[-1]
    return FileResponse(report.evidence.open("rb"), as_attachment=True, filename=name)
