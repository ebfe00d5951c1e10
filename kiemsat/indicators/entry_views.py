"""Figure entry: the monthly grid, the Excel template and upload, submission and approval."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.indicators import entry_selectors, previews, quotas, services
from kiemsat.indicators.entry_files import entry_template
from kiemsat.indicators.entry_forms import (
    FigureGridForm,
    MonthForm,
    RangeForm,
    ReopenForm,
    UploadForm,
)
from kiemsat.indicators.imports import ImportRefused, RawRow, read_upload
from kiemsat.indicators.models import Source, Submission
from kiemsat.lib import pending_import
from kiemsat.lib.http import act_and_redirect
from kiemsat.lib.periods import Month, MonthRange, work_year_of
from kiemsat.lib.vn import format_int
from kiemsat.org.access import access_for, check_any
from kiemsat.org.lifecycle import refuse_if_ended
from kiemsat.org.models import Role, Unit
from kiemsat.org.selectors import get_unit_for_user


def _month(request: HttpRequest, unit: Unit) -> Month:
    """The month asked for; by default last month, or an ended unit's last month."""
    form = MonthForm(request.GET)
    if form.is_valid() and form.cleaned_data["month"]:
        return form.cleaned_data["month"]
    last = Month.of(timezone.localdate()).shift(-1)
    return min(last, Month.of(unit.valid_to)) if unit.valid_to else last


def _entry_action(month: Month) -> str:
    return f"nhập hoặc gửi số liệu tháng {month.label}"


def _grid_url(unit: Unit, month: Month) -> str:
    return f"{reverse('figures_entry', args=[unit.pk])}?month={month}"


def _render_grid(
    request: HttpRequest,
    unit: Unit,
    month: Month,
    form: FigureGridForm | None = None,
    status: int = 200,
) -> HttpResponse:
    submission = entry_selectors.submission_for(unit, month)
    locked = bool(submission and submission.locked)
    access = access_for(request.user)
    ended = unit.has_ended(month.first_day())
    can_write = access.has(unit.pk, Role.STAFF) and not locked and not ended
    if form is None:
        form = FigureGridForm(
            metrics=entry_selectors.typed_metrics(),
            locked=not can_write,
            initial=entry_selectors.month_values(unit, month),
        )
    context = {
        "unit": unit,
        "month": month,
        "prev": month.shift(-1),
        "next": month.shift(1),
        "form": form,
        "submission": submission,
        "locked": locked,
        "can_write": can_write,
        "ended": ended,
        "last_month": Month.of(unit.valid_to) if unit.valid_to else None,
        "can_approve": services.can_approve(request.user, unit),
        "can_import": bool(access.unit_ids(Role.STAFF)) and not ended,  # as figures_upload asks
        "offers_quotas": quotas.offers_quotas(request.user, unit),
        "reopen_form": ReopenForm(),
        "year": work_year_of(month),
    }
    return render(request, "indicators/entry_grid.html", context, status=status)


def _bad_month(request: HttpRequest, unit: Unit) -> HttpResponse | None:
    """A month in the URL that is not one: say so, rather than show another month."""
    form = MonthForm(request.GET)
    if form.is_valid():
        return None
    context = {"unit": unit, "month_text": request.GET.get("month", ""), "month_form": form}
    return render(request, "indicators/entry_bad_month.html", context, status=400)


@login_required
def figures_entry(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    if (bad_month := _bad_month(request, unit)) is not None:
        return bad_month
    month = _month(request, unit)
    if request.method != "POST":
        return _render_grid(request, unit, month)
    unit = get_unit_for_user(request.user, pk, write=True)
    refuse_if_ended(unit, month.first_day(), _entry_action(month))
    month_form = MonthForm(request.GET)
    if not month_form.is_valid() or not month_form.cleaned_data["month"]:
        messages.error(request, "Tháng không hợp lệ (định dạng YYYY-MM); chưa lưu số liệu nào.")
        return _render_grid(request, unit, month, status=400)
    form = FigureGridForm(request.POST, metrics=entry_selectors.typed_metrics())
    if not form.is_valid():
        return _render_grid(request, unit, month, form, status=400)
    rows = [
        RawRow(i, unit.code, str(month), code, value)
        for i, (code, value) in enumerate(form.filled().items(), start=1)
    ]
    try:
        result = services.figures_import(
            actor=request.user, rows=rows, source=Source.ENTRY, unit=unit
        )
    except ImportRefused as refused:
        for error in refused.errors:
            form.add_error(None, error.split(": ", 1)[-1])
        return _render_grid(request, unit, month, form, status=400)
    messages.success(
        request, f"Đã lưu số liệu tháng {month.label}: thêm {result.created}, sửa {result.updated}."
    )
    return redirect(_grid_url(unit, month))


def _submission_action(
    request: HttpRequest, pk: int, month_text: str
) -> tuple[Unit, Month, Submission | None]:
    unit = get_unit_for_user(request.user, pk)
    try:
        month = Month.parse(month_text)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    return unit, month, entry_selectors.submission_for(unit, month)


def _apply(
    request: HttpRequest, unit: Unit, month: Month, act: Callable[[], object], done: str
) -> HttpResponse:
    """Run one submission service; its refusal or ``done`` becomes the grid's message."""
    return act_and_redirect(request, act, done, _grid_url(unit, month))


@login_required
@require_POST
def submission_submit(request: HttpRequest, pk: int, month_text: str) -> HttpResponse:
    _, month, _ = _submission_action(request, pk, month_text)
    unit = get_unit_for_user(request.user, pk, write=True)
    refuse_if_ended(unit, month.first_day(), _entry_action(month))
    return _apply(
        request,
        unit,
        month,
        lambda: services.submission_submit(actor=request.user, unit=unit, month=month),
        f"Đã gửi số liệu tháng {month.label} để lãnh đạo cấp trên duyệt.",
    )


@login_required
@require_POST
def submission_approve(request: HttpRequest, pk: int, month_text: str) -> HttpResponse:
    unit, month, submission = _submission_action(request, pk, month_text)
    if submission is None:
        messages.error(request, f"Tháng {month.label} chưa được gửi.")
        return redirect(_grid_url(unit, month))
    return _apply(
        request,
        unit,
        month,
        lambda: services.submission_approve(actor=request.user, submission=submission),
        f"Đã duyệt và khóa số liệu tháng {month.label}.",
    )


# What a reopening and a return say: without a reason, and once done.
REOPEN_TEXT = ("Cần ghi lý do mở lại.", "Đã mở lại tháng {month}.")
RETURN_TEXT = (
    services.RETURN_REASON_MISSING,
    "Đã trả lại số liệu tháng {month} cho đơn vị để sửa.",
)


def _send_back(
    request: HttpRequest,
    pk: int,
    month_text: str,
    service: Callable[..., Submission],
    wording: tuple[str, str],
) -> HttpResponse:
    """Reopen or return a month: both need a reason, which the unit then reads."""
    unit, month, submission = _submission_action(request, pk, month_text)
    form = ReopenForm(request.POST)
    missing, done = wording
    if submission is None or not form.is_valid():
        messages.error(request, missing if submission else f"Tháng {month.label} chưa được gửi.")
        return redirect(_grid_url(unit, month))
    reason = form.cleaned_data["reason"]
    return _apply(
        request,
        unit,
        month,
        lambda: service(actor=request.user, submission=submission, reason=reason),
        done.format(month=month.label),
    )


@login_required
@require_POST
def submission_reopen(request: HttpRequest, pk: int, month_text: str) -> HttpResponse:
    return _send_back(request, pk, month_text, services.submission_reopen, REOPEN_TEXT)


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int, month_text: str) -> HttpResponse:
    return _send_back(request, pk, month_text, services.submission_return, RETURN_TEXT)


@login_required
def figures_template(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    year = work_year_of(Month.of(timezone.localdate()))
    default = MonthRange.work_year(year)
    form = RangeForm(request.GET or {"start": str(default.start), "end": str(default.end)})
    if not form.is_valid():
        return HttpResponse(
            "; ".join(str(e) for errs in form.errors.values() for e in errs),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    months = MonthRange(form.cleaned_data["start"], form.cleaned_data["end"])
    response = HttpResponse(
        entry_template(unit, months, entry_selectors.import_catalogue(request.user)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="mau-so-lieu-{unit.code}-{months.start}-{months.end}.xlsx"'
    )
    return response


UPLOAD_KIND = "figures"
NO_FIGURES = "Bạn không có quyền nhập số liệu cho đơn vị nào."


@login_required
def figures_upload(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and check (dry run) — the file is kept until confirmed."""
    check_any(request.user, refusal=NO_FIGURES)
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_upload(upload.file)
            preview = services.figures_preview_file(actor=request.user, name=upload.name, data=data)
        except ImportRefused as refused:
            context["errors"] = refused.errors
            return render(request, "indicators/upload.html", context, status=400)
        pending = pending_import.keep(request, UPLOAD_KIND, name=upload.name, data=data)
        writable = access_for(request.user).unit_ids(Role.STAFF)
        context.update(
            preview=preview,
            **pending_import.preview_context(
                pending,
                previews.preview_rows(upload.name, data, writable=writable),
                count=preview.rows,
                confirm="figures_upload_confirm",
                cancel="figures_upload_cancel",
            ),
        )
    return render(request, "indicators/upload.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def figures_upload_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: write the checked file (checked again: the database may have moved)."""
    check_any(request.user, refusal=NO_FIGURES)

    def write(pending: pending_import.Pending) -> str:
        result = services.figures_import_file(
            actor=request.user, name=pending.name, data=pending.data
        )
        return (
            f"Đã nhập {format_int(result.rows)} dòng: thêm {format_int(result.created)}, "
            f"sửa {format_int(result.updated)}, giữ nguyên {format_int(result.unchanged)}."
        )

    return pending_import.confirm(
        request,
        UPLOAD_KIND,
        write,
        back="figures_upload",
        done="figures_upload",
        refused=lambda errors: render(
            request, "indicators/upload.html", {"form": UploadForm(), "errors": errors}, status=400
        ),
    )


@login_required
@require_POST
def figures_upload_cancel(request: HttpRequest) -> HttpResponse:
    check_any(request.user, refusal=NO_FIGURES)
    pending_import.cancel(request, UPLOAD_KIND)
    return redirect("figures_upload")
