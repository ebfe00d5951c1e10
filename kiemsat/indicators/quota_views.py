"""Quotas a leader assigns to the units below: the grid, the Excel template and upload,
approval (lock) and reopening of a work year."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kiemsat.indicators import quota_services, quotas
from kiemsat.indicators.entry_forms import ReopenForm
from kiemsat.indicators.imports import ImportRefused, read_upload
from kiemsat.indicators.quota_files import quota_template
from kiemsat.indicators.quota_forms import QuotaGridForm, QuotaUploadForm
from kiemsat.indicators.quota_imports import parse_quota_file
from kiemsat.lib import pending_import
from kiemsat.lib.excel import XLSX
from kiemsat.lib.http import act_and_redirect, download
from kiemsat.lib.vn import format_int
from kiemsat.org.models import Role, Unit
from kiemsat.org.selectors import get_unit_for_user


def _parent(request: HttpRequest, pk: int, year: int, *, write: bool = False) -> Unit:
    """The gate: 404 outside the user's units or years, 403 unless a leader of the unit."""
    unit = get_unit_for_user(request.user, pk, write=write, need=Role.LEADER)
    if year not in quotas.work_years():
        raise Http404(f"Không giao chỉ tiêu cho năm công tác {year}.")
    return unit


def _page_url(parent: Unit, year: int) -> str:
    return reverse("quota_grid", args=[parent.pk, year])


def _render(
    request: HttpRequest,
    grid: quotas.QuotaGrid,
    form: QuotaGridForm | None = None,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_assign = quotas.can_assign_quotas(request.user, grid.parent)
    form = form or QuotaGridForm(grid=grid, disabled=grid.locked or not can_assign)
    context = {
        "grid": grid,
        "form": form,
        "errors": errors,
        "can_assign": can_assign,
        "can_write": can_assign and not grid.locked,
        "years": quotas.work_years(),
        "upload_form": QuotaUploadForm(),
        "reopen_form": ReopenForm(),
    }
    return render(request, "indicators/quotas.html", context, status=status)


@login_required
def quota_year(request: HttpRequest, pk: int) -> HttpResponse:
    """The grid of the year asked for (?year=), else of the current work year."""
    parent = get_unit_for_user(request.user, pk)
    text = request.GET.get("year", "")
    year = int(text) if text.isascii() and text.isdigit() else quotas.current_work_year()
    return redirect(_page_url(parent, year))


@login_required
def quota_grid(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent = _parent(request, pk, year, write=request.method == "POST")
    grid = quotas.quota_grid(request.user, parent, year)
    if request.method != "POST":
        return _render(request, grid)
    form = QuotaGridForm(request.POST, grid=grid)
    if not form.is_valid():
        return _render(request, grid, form, status=400)
    try:
        result = quota_services.quotas_set(actor=request.user, rows=form.quota_rows())
    except ImportRefused as refused:
        for error in dict.fromkeys(e.split(": ", 1)[-1] for e in refused.errors):
            form.add_error(None, error)
        return _render(request, grid, form, status=400)
    messages.success(
        request,
        f"Đã lưu chỉ tiêu giao năm công tác {year}: thêm {result.created}, "
        f"sửa {result.updated}, bỏ {result.cleared}.",
    )
    return redirect(_page_url(parent, year))


@login_required
def quota_template_download(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent = _parent(request, pk, year)
    grid = quotas.quota_grid(request.user, parent, year)
    return download(quota_template(grid), XLSX, f"chi-tieu-giao-{parent.code}-{year}.xlsx")


UPLOAD_KIND = "quotas"


def _refused(request: HttpRequest, parent: Unit, year: int, errors: list[str]) -> HttpResponse:
    """A refused file: its row messages above the year's grid, as before any preview."""
    grid = quotas.quota_grid(request.user, parent, year)
    return _render(request, grid, errors=errors, status=400)


@login_required
@require_POST
def quota_upload(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Step 1: a filled template (or any file of quota rows) checked by reads only; its
    rows are shown beside the quotas they replace and it waits for "Xác nhận nhập"."""
    parent = _parent(request, pk, year, write=True)
    form = QuotaUploadForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ImportRefused(["Chưa chọn tệp để nhập."])
        upload = form.cleaned_data["file"]
        data = read_upload(upload.file)
        preview = quota_services.quotas_preview(
            actor=request.user, rows=parse_quota_file(upload.name, data)
        )
    except ImportRefused as refused:
        return _refused(request, parent, year, refused.errors)
    pending = pending_import.keep(
        request, UPLOAD_KIND, name=upload.name, data=data, scope=f"{parent.pk}/{year}"
    )
    names = quotas.indicator_names({change.quota.indicator_code for change in preview.changes})
    shown = [(change, names.get(change.quota.indicator_code, "")) for change in preview.changes]
    context = {
        "parent": parent,
        "year": year,
        "result": preview.result,
        **pending_import.preview_context(
            pending,
            shown,
            confirm="quota_upload_confirm",
            cancel="quota_upload_cancel",
            args=[parent.pk, year],
        ),
    }
    return render(request, "indicators/quota_preview.html", context)


@login_required
@require_POST
def quota_upload_confirm(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Step 2: write the previewed file, checked again, all or nothing."""
    parent = _parent(request, pk, year, write=True)

    def write(pending: pending_import.Pending) -> str:
        result = quota_services.quotas_import_file(
            actor=request.user, name=pending.name, data=pending.data
        )
        return (
            f"Đã nhập tệp {pending.name}: {format_int(result.rows)} dòng – thêm "
            f"{format_int(result.created)}, sửa {format_int(result.updated)}, "
            f"giữ nguyên {format_int(result.unchanged)}."
        )

    return pending_import.confirm(
        request,
        UPLOAD_KIND,
        write,
        back=_page_url(parent, year),
        done=_page_url(parent, year),
        refused=lambda errors: _refused(request, parent, year, errors),
        scope=f"{parent.pk}/{year}",
    )


@login_required
@require_POST
def quota_upload_cancel(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent = _parent(request, pk, year, write=True)
    pending_import.cancel(request, UPLOAD_KIND)
    return redirect(_page_url(parent, year))


@login_required
@require_POST
def quota_approve(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent = _parent(request, pk, year, write=True)
    return act_and_redirect(
        request,
        lambda: quota_services.quotas_approve(actor=request.user, parent=parent, work_year=year),
        f"Đã duyệt và khóa chỉ tiêu giao năm công tác {year}.",
        _page_url(parent, year),
    )


@login_required
@require_POST
def quota_reopen(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    parent = _parent(request, pk, year, write=True)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cần ghi lý do mở lại (tối đa 500 ký tự).")
        return redirect(_page_url(parent, year))
    reason = form.cleaned_data["reason"]
    return act_and_redirect(
        request,
        lambda: quota_services.quotas_reopen(
            actor=request.user, parent=parent, work_year=year, reason=reason
        ),
        f"Đã mở lại chỉ tiêu giao năm công tác {year}.",
        _page_url(parent, year),
    )
