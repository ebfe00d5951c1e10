"""Instrument pages: gate → form → service → redirect or render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.agreements import documents, excel, selectors
from kiemsat.agreements.forms import (
    AttachmentForm,
    ClauseEditForm,
    ClauseForm,
    DutyDoneForm,
    DutyForm,
    FilterForm,
    InstrumentForm,
    PartyEditForm,
    PartyForm,
    RegisterForm,
    ReviewForm,
)
from kiemsat.agreements.models import Instrument, Review
from kiemsat.agreements.services import instruments as instruments_services
from kiemsat.agreements.services import parties
from kiemsat.agreements.services import reviews as reviews_services
from kiemsat.audit.selectors import history_for
from kiemsat.documents.nd30 import DOCX
from kiemsat.documents.pdf import PDF
from kiemsat.lib.excel import XLSX, SheetHead, filter_about
from kiemsat.lib.http import (
    act_and_redirect,
    download,
    form_page,
    form_saved,
    page_of,
    query_string,
)
from kiemsat.lib.vn import format_int
from kiemsat.org.access import check, check_any
from kiemsat.org.lifecycle import (
    live_unit_ids,
    require_live_unit,
)

ALIASES = {"year": "number", "symbol": "number"}


def posted(request: HttpRequest, *, files: bool = False) -> Any:
    """The submitted data for a bound form (even when empty), None for a GET."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def _url(instrument: Instrument) -> str:
    return reverse("instrument_detail", args=[instrument.pk])


def _form_page(
    request: HttpRequest,
    form: Form,
    save: Callable[[], Instrument],
    done: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """A page of its own for one form, back to the instrument its service gives."""
    return form_page(
        request, form, save, done, _url, template=template, context=context, renamed=ALIASES
    )


def _slug(instrument: Instrument) -> str:
    return f"van-ban-phoi-hop-{instrument.pk}"


# --- list, export, import ------------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[FilterForm, Any]:
    """The filtered list; a filter in error gives no rows and its message, never the
    unfiltered list (nor an export labelled with a filter it does not hold)."""
    form = FilterForm(request.GET or None, user=request.user)
    if not form.is_bound:
        return form, selectors.instrument_list(request.user, selectors.Filters())
    if not form.is_valid():
        return form, selectors.instrument_list(request.user, selectors.Filters()).none()
    return form, selectors.instrument_list(request.user, form.filters())


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    context = {
        "form": form,
        "page": page_of(request, rows),
        "query": query_string(request),
        "can_register": bool(live_unit_ids(request.user, timezone.localdate())),
    }
    status = 400 if form.errors else 200
    return render(request, "agreements/instrument_list.html", context, status=status)


@login_required
def instrument_export(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    if form.errors:
        return instrument_list(request)
    about = [*filter_about(form), ("Số văn bản", format_int(rows.count()))]
    content = excel.export_instruments(rows, SheetHead("Danh sách văn bản phối hợp", about))
    return download(content, XLSX, "van-ban-phoi-hop.xlsx")


def require_staff_somewhere(user: Any) -> None:
    check_any(user, refusal="Bạn không có quyền đăng ký văn bản phối hợp.")


@login_required
def instrument_create(request: HttpRequest) -> HttpResponse:
    require_staff_somewhere(request.user)
    require_live_unit(request.user, timezone.localdate(), "đăng ký văn bản phối hợp mới")
    initial = {"parent": request.GET.get("cap_tren")} if request.GET.get("cap_tren") else None
    form = RegisterForm(posted(request), user=request.user, initial=initial)

    def save() -> Instrument:
        return instruments_services.instrument_register(
            actor=request.user, data=form.instrument_data(), parties=form.parties()
        )

    done, context = "Đã đăng ký văn bản phối hợp.", {"title": "Đăng ký văn bản phối hợp"}
    return _form_page(request, form, save, done, "agreements/instrument_form.html", context)


@login_required
def instrument_edit(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    form = InstrumentForm(posted(request), user=request.user, instance=instrument)

    def save() -> Instrument:
        data = form.instrument_data()
        return instruments_services.instrument_update(
            actor=request.user, instrument=instrument, data=data
        )

    context = {"instrument": instrument, "title": f"Sửa: {instrument.title}"}
    template = "agreements/instrument_form.html"
    return _form_page(request, form, save, "Đã lưu văn bản.", template, context)


def _render_detail(
    request: HttpRequest, instrument: Instrument, status: int = 200, **forms: Any
) -> HttpResponse:
    detail = selectors.instrument_detail(instrument)
    failed_duty = forms.pop("done_form", None)
    for duty in detail["duties"]:
        bound = failed_duty is not None and failed_duty.prefix == f"done{duty.pk}"
        duty.done_form = failed_duty if bound else DutyDoneForm(prefix=f"done{duty.pk}")
    context = {
        "instrument": instrument,
        "can_write": selectors.can_write(request.user, instrument),
        "party_form": PartyForm(user=request.user),
        "clause_form": ClauseForm(instrument=instrument),
        "duty_form": DutyForm(instrument=instrument),
        "attachment_form": AttachmentForm(),
        "history": history_for(instrument)[:100],
        "today": timezone.localdate(),
        **detail,
        **selectors.linked_instruments(request.user, instrument),
        **forms,
    }
    return render(request, "agreements/instrument_detail.html", context, status=status)


@login_required
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk)
    return _render_detail(request, instrument)


def _sub_form(
    request: HttpRequest, instrument: Instrument, form: Form, name: str, call: Any, done: str
) -> HttpResponse:
    """Shared beats of the small forms on the instrument page."""
    url = _url(instrument)
    if response := form_saved(request, form, lambda: call(form), done, url, renamed=ALIASES):
        return response
    return _render_detail(request, instrument, status=400, **{name: form})


@login_required
@require_POST
def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    form = PartyForm(request.POST, user=request.user)

    def call(form: PartyForm) -> None:
        parties.party_add(actor=request.user, instrument=instrument, data=form.party_data())

    return _sub_form(request, instrument, form, "party_form", call, "Đã thêm bên ký kết.")


@login_required
def party_edit(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    party = selectors.get_party(instrument, party_pk)
    fields = ("body_name", "signatory_name", "signatory_title", "signature_prefix", "is_host")
    initial = {name: getattr(party, name) for name in fields}
    form = PartyEditForm(posted(request), initial=initial)

    def save() -> Instrument:
        parties.party_update(actor=request.user, party=party, **form.cleaned_data)
        return instrument

    done = f"Đã lưu bên ký kết {party.organisation_name}."
    context = {"instrument": instrument, "party": party}
    return _form_page(request, form, save, done, "agreements/party_form.html", context)


@login_required
@require_POST
def party_remove(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    party = selectors.get_party(instrument, party_pk)
    return act_and_redirect(
        request,
        lambda: parties.party_remove(actor=request.user, party=party),
        "Đã xóa bên ký kết.",
        _url(instrument),
    )


@login_required
@require_POST
def clause_add(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    form = ClauseForm(request.POST, instrument=instrument)

    def call(form: ClauseForm) -> None:
        parties.clause_add(actor=request.user, instrument=instrument, **form.cleaned_data)

    return _sub_form(request, instrument, form, "clause_form", call, "Đã thêm chương / điều.")


@login_required
def clause_edit(request: HttpRequest, pk: int, clause_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    clause = selectors.get_clause(instrument, clause_pk)
    initial = {f: getattr(clause, f) for f in ("number", "title", "text", "chapter")}
    form = ClauseEditForm(posted(request), instrument=instrument, initial=initial)

    def save() -> Instrument:
        parties.clause_update(actor=request.user, clause=clause, **form.cleaned_data)
        return instrument

    context = {"instrument": instrument, "clause": clause}
    template = "agreements/clause_form.html"
    return _form_page(request, form, save, f"Đã lưu {clause.label}.", template, context)


@login_required
@require_POST
def clause_delete(request: HttpRequest, pk: int, clause_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    clause = selectors.get_clause(instrument, clause_pk)
    return act_and_redirect(
        request,
        lambda: parties.clause_delete(actor=request.user, clause=clause),
        f"Đã xóa {clause.label}.",
        _url(instrument),
    )


@login_required
@require_POST
def duty_add(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    form = DutyForm(request.POST, instrument=instrument)

    def call(form: DutyForm) -> None:
        parties.duty_add(actor=request.user, instrument=instrument, data=form.duty_data())

    return _sub_form(request, instrument, form, "duty_form", call, "Đã thêm nhiệm vụ.")


@login_required
@require_POST
def duty_done(request: HttpRequest, pk: int, duty_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    duty = selectors.get_duty(instrument, duty_pk)
    form = DutyDoneForm(request.POST, prefix=f"done{duty.pk}")

    def call(form: DutyDoneForm) -> None:
        parties.duty_done(actor=request.user, duty=duty, **form.cleaned_data)

    return _sub_form(request, instrument, form, "done_form", call, "Đã ghi nhận kết quả.")


@login_required
@require_POST
def duty_delete(request: HttpRequest, pk: int, duty_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    duty = selectors.get_duty(instrument, duty_pk)
    return act_and_redirect(
        request,
        lambda: parties.duty_delete(actor=request.user, duty=duty),
        "Đã xóa nhiệm vụ.",
        _url(instrument),
    )


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    form = AttachmentForm(request.POST, request.FILES)

    def call(form: AttachmentForm) -> None:
        upload = form.cleaned_data["file"]
        instruments_services.attachment_add(
            actor=request.user, instrument=instrument, upload=upload
        )

    return _sub_form(request, instrument, form, "attachment_form", call, "Đã tải tệp lên.")


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk)
    attachment = selectors.get_attachment(instrument, attachment_pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    attachment = selectors.get_attachment(instrument, attachment_pk)
    return act_and_redirect(
        request,
        lambda: instruments_services.attachment_delete(actor=request.user, attachment=attachment),
        "Đã xóa tệp.",
        _url(instrument),
    )


# --- reviews, documents, cascade -----------------------------------------------------------


@login_required
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk, write=True)
    form = ReviewForm(posted(request), initial=_review_initial(instrument))

    def save() -> Instrument:
        reviews_services.review_record(
            actor=request.user, instrument=instrument, data=form.review_data()
        )
        return instrument

    done = "Đã ghi nhận kết quả sơ kết, tổng kết."
    context = {"instrument": instrument}
    return _form_page(request, form, save, done, "agreements/review_form.html", context)


def _review_initial(instrument: Instrument) -> dict[str, Any]:
    last: Review | None = instrument.reviews.order_by("-held_on").first()
    return {
        "held_on": timezone.localdate(),
        "period_from": last.period_to if last else instrument.start_on,
        "period_to": timezone.localdate(),
    }


@login_required
def instrument_docx(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk)
    content = documents.instrument_docx(instrument)
    return download(content, DOCX, f"{_slug(instrument)}.docx")


@login_required
def instrument_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk)
    content = documents.instrument_pdf(instrument)
    return download(content, PDF, f"{_slug(instrument)}.pdf")


@login_required
def review_docx(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk)
    review = selectors.get_review(instrument, review_pk)
    review.instrument = instrument
    content = documents.review_docx(review)
    return download(content, DOCX, f"bao-cao-{_slug(instrument)}-{review.pk}.docx")


@login_required
def review_pdf(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk)
    review = selectors.get_review(instrument, review_pk)
    review.instrument = instrument
    content = documents.review_pdf(review)
    return download(content, PDF, f"bao-cao-{_slug(instrument)}-{review.pk}.pdf")


@login_required
def cascade_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = selectors.get_instrument_for_user(request.user, pk)
    # The coverage of the owner's subordinates is for those who read the owner, not for
    # co-signers elsewhere (it names the subordinates' own instruments).
    check(request.user, instrument.owner_unit_id)
    if instrument.cascade_due is None:
        raise Http404("Văn bản này không chỉ đạo cấp dưới ký kết.")
    today = timezone.localdate()
    rows = selectors.cascade_coverage(instrument, today)
    counts = {
        state: sum(1 for r in rows if r.state == state) for state in selectors.COVERAGE_LABELS
    }
    context = {
        "instrument": instrument,
        "rows": rows,
        "counts": [(selectors.COVERAGE_LABELS[s], n, s) for s, n in counts.items()],
        "today": today,
    }
    return render(request, "agreements/coverage.html", context)
