"""The instruments import: upload and check by reads only, preview the rows, confirm
(``kiemsat.lib.pending_import``) or cancel; and the import template."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.agreements import excel, selectors
from kiemsat.agreements.forms import ImportForm
from kiemsat.agreements.services import imports
from kiemsat.agreements.views import posted, require_staff_somewhere
from kiemsat.lib import pending_import
from kiemsat.lib.excel import XLSX, ImportRefused, read_limited
from kiemsat.lib.http import download
from kiemsat.lib.vn import format_int
from kiemsat.org.lifecycle import EXAMPLE_PARTNER_CODE, EXAMPLE_UNIT_CODE, require_live_unit

IMPORT_KIND = "instruments"
IMPORT_ACTION = "nhập văn bản phối hợp mới"


def _import_page(
    request: HttpRequest, form: Form, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "example_unit": EXAMPLE_UNIT_CODE,
        "example_partner": EXAMPLE_PARTNER_CODE,
        **extra,
    }
    return render(request, "agreements/import.html", context, status=status)


def _read_import(name: str, data: bytes, actor: Any) -> list[excel.ImportRow]:
    return excel.read_instruments(name, io.BytesIO(data), actor=actor)


@login_required
def instrument_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and check by reads only; the rows are shown and the file waits for
    "Xác nhận nhập" (``pending_import``)."""
    require_staff_somewhere(request.user)
    require_live_unit(request.user, timezone.localdate(), IMPORT_ACTION)
    form = ImportForm(*posted(request, files=True))
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, form, status=400 if form.errors else 200)
    upload = form.cleaned_data["file"]
    try:
        data = read_limited(upload.file, excel.MAX_BYTES)
        rows = _read_import(upload.name, data, request.user)
        checked = imports.instruments_check(actor=request.user, rows=rows)
    except ImportRefused as refused:
        return _import_page(request, form, status=400, errors=refused.errors)
    pending = pending_import.keep(request, IMPORT_KIND, name=upload.name, data=data)
    parties = {row.line: [p.name for p in row.parties] for row in rows}
    shown = [(line, instrument, parties[line]) for line, instrument in checked]
    return _import_page(
        request,
        ImportForm(),
        **pending_import.preview_context(
            pending, shown, confirm="instrument_import_confirm", cancel="instrument_import_cancel"
        ),
    )


@login_required
@require_POST
def instrument_import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: register the previewed file, checked again, all or nothing."""
    require_staff_somewhere(request.user)
    require_live_unit(request.user, timezone.localdate(), IMPORT_ACTION)

    def write(pending: pending_import.Pending) -> str:
        rows = _read_import(pending.name, pending.data, request.user)
        count = imports.instruments_import(actor=request.user, rows=rows)
        return f"Đã nhập {format_int(count)} văn bản phối hợp."

    return pending_import.confirm(
        request,
        IMPORT_KIND,
        write,
        back="instrument_import",
        done="instrument_list",
        refused=lambda errors: _import_page(request, ImportForm(), status=400, errors=errors),
    )


@login_required
@require_POST
def instrument_import_cancel(request: HttpRequest) -> HttpResponse:
    require_staff_somewhere(request.user)
    pending_import.cancel(request, IMPORT_KIND)
    return redirect("instrument_import")


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    require_staff_somewhere(request.user)
    template = excel.import_template(selectors.import_catalogue(request.user))
    return download(template, XLSX, "mau-nhap-van-ban-phoi-hop.xlsx")


# --- the instrument ------------------------------------------------------------------------
