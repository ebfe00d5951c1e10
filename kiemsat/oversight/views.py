"""Pages of the register: list, summary, entry, detail with its actions, files.

Every view goes through the gate (``get_intervention_for_user`` or the unit gate), then a
form, then one service.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.audit.selectors import history_for
from kiemsat.documents.download import FORMATS, paper_download
from kiemsat.lib import pending_import
from kiemsat.lib.excel import XLSX, ImportRefused, SheetHead, filter_about, read_limited
from kiemsat.lib.http import changes_saved, download, form_page, form_saved, page_of, query_string
from kiemsat.lib.vn import format_int
from kiemsat.org.access import check_any
from kiemsat.org.lifecycle import live_unit_ids, require_live_unit
from kiemsat.org.selectors import get_unit_for_user, work_calendar
from kiemsat.oversight import documents, excel, imports, selectors, services
from kiemsat.oversight.clock import Status
from kiemsat.oversight.forms import (
    AnswerForm,
    DocumentForm,
    ExtensionForm,
    FilterForm,
    InterventionForm,
    UploadForm,
)
from kiemsat.oversight.models import Intervention

NO_UNIT = "Bạn không có quyền nhập kháng nghị, kiến nghị cho đơn vị nào."
IMPORT_KIND = "interventions"
IMPORT_ACTION = "nhập kháng nghị, kiến nghị mới từ tệp"


def _filtered(request: HttpRequest) -> tuple[FilterForm, Any]:
    """The filtered register; a filter in error (a unit outside the user's scope, a bad
    month) gives no rows and the form's message, never the unfiltered register."""
    form = FilterForm(request.GET or None, user=request.user)
    visible = selectors.visible_interventions(request.user)
    if form.is_bound and not form.is_valid():
        return form, visible.none()
    qs = selectors.apply_filters(
        visible, form.filters(), today=timezone.localdate(), calendar=work_calendar()
    )
    return form, qs


@login_required
def intervention_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    today, calendar = timezone.localdate(), work_calendar()
    if request.GET.get("format") == "xlsx" and not form.errors:
        rows = selectors.with_status(list(qs), today=today, calendar=calendar)
        head = SheetHead("Sổ theo dõi kháng nghị, kiến nghị, yêu cầu", filter_about(form))
        body = excel.export_xlsx(rows, head=head)
        return download(body, XLSX, "khang-nghi-kien-nghi.xlsx")
    page = page_of(request, qs)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.with_status(list(page), today=today, calendar=calendar),
        "today": today,
        "query": query_string(request),
        "export_query": query_string(request, format="xlsx"),
        "statuses": [Status.OVERDUE, Status.DUE_TODAY, Status.SOON],
        "this_week": selectors.THIS_WEEK,
        "can_enter": bool(live_unit_ids(request.user, today)),
    }
    return render(request, "oversight/list.html", context, status=400 if form.errors else 200)


@login_required
def intervention_summary(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    today = timezone.localdate()
    context = {
        "form": form,
        "by_recipient": selectors.by_recipient(qs, today),
        "by_outcome": selectors.by_outcome(qs),
        "total": qs.count(),
        "query": query_string(request),
    }
    status = 400 if form.errors else 200
    return render(request, "oversight/summary.html", context, status=status)


@login_required
def intervention_create(request: HttpRequest) -> HttpResponse:
    check_any(request.user, refusal=NO_UNIT)
    require_live_unit(request.user, timezone.localdate(), "vào sổ kháng nghị, kiến nghị mới")
    form = InterventionForm(request.POST or None, request.FILES or None, user=request.user)

    def save() -> Intervention:
        unit = get_unit_for_user(request.user, form.cleaned_data["unit"].pk, write=True)
        return services.intervention_register(
            actor=request.user,
            unit=unit,
            data=form.registration(),
            document=form.cleaned_data.get("document"),
        )

    return form_page(
        request,
        form,
        save,
        lambda iv: f"Đã vào sổ {iv}.",
        lambda iv: reverse("intervention_detail", args=[iv.pk]),
        template="oversight/form.html",
        context={"creating": True},
    )


def _detail(
    request: HttpRequest, iv: Intervention, status: int = 200, **forms: Form
) -> HttpResponse:
    today, calendar = timezone.localdate(), work_calendar()
    selectors.with_status([iv], today=today, calendar=calendar)
    context = {
        "iv": iv,
        "today": today,
        "can_write": selectors.can_write(request.user, iv),
        "protest_limit": services.protest_limit(iv, calendar),
        "history": history_for(iv)[:50],
        "answer_form": forms.get("answer_form") or AnswerForm(initial=_answer_initial(iv)),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "overdue": iv.status == Status.OVERDUE,  # type: ignore[attr-defined]
    }
    return render(request, "oversight/detail.html", context, status=status)


def _answer_initial(iv: Intervention) -> dict[str, Any]:
    if iv.answered_on is None:
        return {}
    return {
        "answered_on": iv.answered_on,
        "outcome": iv.outcome,
        "court_decision": iv.court_decision,
        "summary": iv.answer_summary,
    }


@login_required
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_intervention_for_user(request.user, pk))


@login_required
def intervention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    iv = selectors.get_intervention_for_user(request.user, pk, write=True)
    initial = {name: getattr(iv, name) for name in services.REGISTER_FIELDS}
    form = InterventionForm(
        request.POST or None, initial=initial, user=request.user, fixed_unit=iv.unit
    )
    return form_page(
        request,
        form,
        lambda: services.intervention_update(
            actor=request.user, intervention=iv, data=form.registration()
        ),
        changes_saved,
        reverse("intervention_detail", args=[iv.pk]),
        template="oversight/form.html",
        context={"iv": iv},
    )


def _detail_form(
    request: HttpRequest,
    iv: Intervention,
    name: str,
    form: Form,
    service: Callable[..., object],
    done: str,
    renamed: dict[str, str] | None = None,
) -> HttpResponse:
    """A form on the detail page: ``service(actor, intervention, **cleaned_data)``, then back
    to the page; when refused, the page again (400) showing the errors on the form, the
    service's field names ``renamed`` to the form's."""

    def save() -> object:
        return service(actor=request.user, intervention=iv, **form.cleaned_data)

    url = reverse("intervention_detail", args=[iv.pk])
    if response := form_saved(request, form, save, done, url, renamed=renamed):
        return response
    iv.refresh_from_db()  # a refused service may have changed it in memory
    return _detail(request, iv, 400, **{name: form})


@login_required
@require_POST
def intervention_extend(request: HttpRequest, pk: int) -> HttpResponse:
    iv = selectors.get_intervention_for_user(request.user, pk, write=True)
    form = ExtensionForm(request.POST)
    renamed = {"extension_notified_on": "notified_on"}
    done = "Đã ghi gia hạn."
    return _detail_form(
        request, iv, "extension_form", form, services.intervention_extend, done, renamed
    )


@login_required
@require_POST
def intervention_answer(request: HttpRequest, pk: int) -> HttpResponse:
    iv = selectors.get_intervention_for_user(request.user, pk, write=True)
    form = AnswerForm(request.POST)
    renamed = {"answer_summary": "summary"}
    done = "Đã ghi kết quả trả lời."
    return _detail_form(
        request, iv, "answer_form", form, services.intervention_answer, done, renamed
    )


@login_required
@require_POST
def intervention_attach(request: HttpRequest, pk: int) -> HttpResponse:
    iv = selectors.get_intervention_for_user(request.user, pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    done = "Đã đính kèm văn bản."
    return _detail_form(request, iv, "document_form", form, services.intervention_attach, done)


@login_required
def intervention_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (no script on our pages), POST deletes."""
    iv = selectors.get_intervention_for_user(request.user, pk, write=True)
    if request.method != "POST":
        return render(request, "oversight/delete.html", {"iv": iv})
    label = str(iv)
    services.intervention_delete(actor=request.user, intervention=iv)
    messages.success(request, f"Đã xóa {label} khỏi sổ.")
    return redirect("intervention_list")


@login_required
def intervention_document(request: HttpRequest, pk: int) -> FileResponse:
    iv = selectors.get_intervention_for_user(request.user, pk)
    if not iv.document:
        raise Http404("Chưa có văn bản đính kèm.")
    name = (iv.document.name or "van-ban").rsplit("/", 1)[-1]
    return FileResponse(iv.document.open("rb"), as_attachment=True, filename=name)


@login_required
def intervention_chase(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Định dạng không hỗ trợ.")
    iv = selectors.get_intervention_for_user(request.user, pk)
    today = timezone.localdate()
    selectors.with_status([iv], today=today, calendar=work_calendar())
    if iv.status != Status.OVERDUE:  # type: ignore[attr-defined]
        messages.error(request, "Chỉ lập công văn đôn đốc cho văn bản đã quá hạn trả lời.")
        return redirect("intervention_detail", pk=iv.pk)
    letter = documents.chase_letter(iv, today)
    return paper_download(
        fmt,
        f"cong-van-don-doc-{iv.pk}",
        docx=lambda: documents.chase_docx(letter),
        pdf=lambda: documents.chase_pdf(letter),
    )


@login_required
def intervention_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and check by reads only; the rows are shown and the file waits for
    "Xác nhận nhập" (``pending_import``)."""
    check_any(request.user, refusal=NO_UNIT)
    require_live_unit(request.user, timezone.localdate(), IMPORT_ACTION)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form, status=400 if request.method == "POST" else 200)
    upload = form.cleaned_data["file"]
    try:
        data = read_limited(upload, excel.MAX_FILE_BYTES)
        rows = excel.read_file(upload.name, io.BytesIO(data))
        checked = imports.check_rows(rows, actor=request.user)
    except ImportRefused as refused:
        return _import_page(request, form, status=400, errors=refused.errors)
    pending = pending_import.keep(request, IMPORT_KIND, name=upload.name, data=data)
    lines = [row.line for row in rows]  # check_rows keeps every row, in order, or refuses
    return _import_page(
        request,
        UploadForm(),
        **pending_import.preview_context(
            pending,
            list(zip(lines, checked, strict=True)),
            confirm="intervention_import_confirm",
            cancel="intervention_import_cancel",
        ),
    )


@login_required
@require_POST
def intervention_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: write the previewed file, checked again, all or nothing."""
    check_any(request.user, refusal=NO_UNIT)
    require_live_unit(request.user, timezone.localdate(), IMPORT_ACTION)

    def write(pending: pending_import.Pending) -> str:
        rows = excel.read_file(pending.name, io.BytesIO(pending.data))
        count = imports.interventions_import(actor=request.user, rows=rows, file_name=pending.name)
        return f"Đã nhập {format_int(count)} văn bản vào sổ."

    return pending_import.confirm(
        request,
        IMPORT_KIND,
        write,
        back="intervention_import",
        done="intervention_list",
        refused=lambda errors: _import_page(request, UploadForm(), status=400, errors=errors),
    )


@login_required
@require_POST
def intervention_import_cancel(request: HttpRequest) -> HttpResponse:
    check_any(request.user, refusal=NO_UNIT)
    pending_import.cancel(request, IMPORT_KIND)
    return redirect("intervention_import")


def _import_page(
    request: HttpRequest, form: Form, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"form": form, "errors": [], "columns": excel.IMPORT_COLUMNS, **extra}
    return render(request, "oversight/import.html", context, status=status)


@login_required
def intervention_template(request: HttpRequest) -> HttpResponse:
    check_any(request.user, refusal=NO_UNIT)  # as for the import it serves
    template = excel.import_template(selectors.import_catalogue(request.user))
    return download(template, XLSX, "mau-so-khang-nghi-kien-nghi.xlsx")
