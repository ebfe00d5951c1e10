"""Pages of the press desk: reading an article into draft records, the information register.

Every view goes through the gate (``get_article_for_user``, ``get_press_item_for_user`` or
the unit gate), then a form, then one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.audit.selectors import history_for
from kiemsat.ingest import excel, highlight, reading, selectors, services
from kiemsat.ingest.forms import (
    ArticleForm,
    DoneForm,
    FactsForm,
    IndicatorFormSet,
    PartyFormSet,
    PersonFormSet,
    PressFilterForm,
    PressItemForm,
    confirmation,
    indicator_checks,
    party_choices,
)
from kiemsat.ingest.models import Article, ArticleStatus, PressItem
from kiemsat.lib.excel import XLSX, filter_about
from kiemsat.lib.forms import attach_errors
from kiemsat.lib.http import (
    act_and_redirect,
    changes_saved,
    download,
    form_page,
    form_saved,
    page_of,
    query_string,
)
from kiemsat.org.access import access_for, check_any
from kiemsat.org.models import Role
from kiemsat.org.selectors import get_unit_for_user, work_calendar

NO_UNIT = "Bạn không có quyền nhập cho đơn vị nào."


def _require_some_unit(request: HttpRequest) -> None:
    check_any(request.user, refusal=NO_UNIT)


# --- articles ------------------------------------------------------------------------------


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_articles(request.user)
    status = request.GET.get("status", "")
    if status in ArticleStatus.values:
        qs = qs.filter(status=status)
    context = {
        "page": page_of(request, qs),
        "query": query_string(request),
        "status": status,
        "statuses": ArticleStatus.choices,
        "can_enter": bool(access_for(request.user).unit_ids(Role.STAFF)),
    }
    return render(request, "ingest/article_list.html", context)


@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    _require_some_unit(request)
    form = ArticleForm(request.POST or None, request.FILES or None, user=request.user)

    def save() -> Article:
        unit = get_unit_for_user(request.user, form.cleaned_data["unit"].pk, write=True)
        return services.article_upload(
            actor=request.user,
            unit=unit,
            text=form.cleaned_data["text"],
            file_name=form.read_name,
            content=form.read_bytes,
            source_url=form.cleaned_data["source_url"],
            outlet=form.cleaned_data["outlet"],
        )

    return form_page(
        request,
        form,
        save,
        "Đã đọc tin bài: kiểm tra, sửa các dữ kiện rồi xác nhận.",
        lambda article: reverse("article_detail", args=[article.pk]),
        template="ingest/article_form.html",
    )


def _forms(request: HttpRequest, article: Article) -> dict[str, Any]:
    """The facts form and its three lists, bound to a POST or filled from the article."""
    facts, user = article.facts, request.user
    rows = reading.party_rows(facts, user)
    choices = party_choices(user, [r.match for r in rows])
    data = request.POST if request.method == "POST" else None
    return {
        "facts_form": FactsForm(data, initial=reading.facts_initial(facts), prefix="f"),
        "parties": PartyFormSet(
            data,
            initial=[r.initial for r in rows],
            prefix="party",
            form_kwargs={"choices": choices},
        ),
        "party_notes": [r.note for r in rows],
        "people": PersonFormSet(data, initial=reading.people_initial(facts, user), prefix="person"),
        "people_known": reading.people_known(facts, user),
        "indicators": IndicatorFormSet(
            data, initial=reading.indicators_initial(facts), prefix="ind"
        ),
    }


def _article_page(
    request: HttpRequest, article: Article, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    writable = selectors.can_write(request.user, article.unit_id)
    editing = writable and article.status == ArticleStatus.DRAFT
    context = {
        "article": article,
        "segments": highlight.segments(article.text, article.facts),
        "checks": indicator_checks(article.facts.get("indicators", [])),
        "editing": editing,
        "can_write": writable,
        "history": history_for(article)[:50],
        **(forms or (_forms(request, article) if editing else {})),
    }
    return render(request, "ingest/article_detail.html", context, status=status)


@login_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _article_page(request, selectors.get_article_for_user(request.user, pk))


@login_required
@require_POST
def article_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk, write=True)
    if article.status != ArticleStatus.DRAFT:
        messages.error(request, "Tin bài này đã được xác nhận hoặc đã hủy.")
        return redirect("article_detail", pk=article.pk)
    forms = _forms(request, article)
    bound = [forms["facts_form"], forms["parties"], forms["people"], forms["indicators"]]
    if all(f.is_valid() for f in bound):
        done = confirmation(*bound, user=request.user, article=article)
        try:
            services.article_confirm(actor=request.user, article=article, confirmation=done)
        except ValidationError as exc:
            attach_errors(forms["facts_form"], exc)
        else:
            return _confirmed(request, article)
    article.refresh_from_db()
    return _article_page(request, article, forms, status=400)


def _confirmed(request: HttpRequest, article: Article) -> HttpResponse:
    if article.instrument_id:
        messages.success(request, "Đã xác nhận tin bài và tạo bản nháp văn bản phối hợp.")
        return redirect("instrument_detail", pk=article.instrument_id)
    messages.success(request, "Đã xác nhận các dữ kiện của tin bài.")
    return redirect("article_detail", pk=article.pk)


@login_required
@require_POST
def article_discard(request: HttpRequest, pk: int) -> HttpResponse:
    article = selectors.get_article_for_user(request.user, pk, write=True)
    return act_and_redirect(
        request,
        lambda: services.article_discard(actor=request.user, article=article),
        "Đã hủy tin bài; không có bản ghi nào được tạo.",
        reverse("article_detail", args=[article.pk]),
    )


@login_required
def article_file(request: HttpRequest, pk: int) -> FileResponse:
    article = selectors.get_article_for_user(request.user, pk)
    if not article.file:
        raise Http404("Tin bài được dán vào, không có tệp gốc.")
    name = article.file_name or (article.file.name or "tin-bai").rsplit("/", 1)[-1]
    return FileResponse(article.file.open("rb"), as_attachment=True, filename=name)


# --- the information register --------------------------------------------------------------


def _filtered(request: HttpRequest) -> tuple[PressFilterForm, Any]:
    """A filter in error gives no rows and the form's message, never the whole register."""
    form = PressFilterForm(request.GET or None, user=request.user)
    visible = selectors.visible_press_items(request.user)
    if form.is_bound and not form.is_valid():
        return form, visible.none()
    qs = selectors.apply_press_filters(
        visible, form.filters(), today=timezone.localdate(), calendar=work_calendar()
    )
    return form, qs


@login_required
def press_list(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    today, calendar = timezone.localdate(), work_calendar()
    if request.GET.get("format") == "xlsx" and not form.errors:
        rows = selectors.with_status(list(qs), today=today, calendar=calendar)
        return download(excel.export_xlsx(rows, filter_about(form)), XLSX, "thong-tin-bao-chi.xlsx")
    page = page_of(request, qs)
    context = {
        "form": form,
        "page": page,
        "rows": selectors.with_status(list(page), today=today, calendar=calendar),
        "today": today,
        "query": query_string(request),
        "export_query": query_string(request, format="xlsx"),
        "can_enter": bool(access_for(request.user).unit_ids(Role.STAFF)),
    }
    return render(request, "ingest/press_list.html", context, status=400 if form.errors else 200)


@login_required
def press_create(request: HttpRequest) -> HttpResponse:
    _require_some_unit(request)
    initial = {"received_on": timezone.localdate(), "working_days": 5}
    article = request.GET.get("article", "")
    if article.isdigit():
        initial["article"] = selectors.get_article_for_user(request.user, int(article)).pk
    form = PressItemForm(request.POST or None, initial=initial, user=request.user)

    def save() -> PressItem:
        unit = get_unit_for_user(request.user, form.cleaned_data["unit"].pk, write=True)
        return services.press_item_register(
            actor=request.user, unit=unit, data=form.data_for_service()
        )

    return form_page(
        request,
        form,
        save,
        "Đã vào sổ thông tin – báo chí.",
        lambda item: reverse("press_detail", args=[item.pk]),
        template="ingest/press_form.html",
        context={"creating": True},
    )


def _press_page(
    request: HttpRequest, item: PressItem, done_form: DoneForm | None = None, status: int = 200
) -> HttpResponse:
    selectors.with_status([item], today=timezone.localdate(), calendar=work_calendar())
    context = {
        "item": item,
        "can_write": selectors.can_write(request.user, item.unit_id),
        "done_form": done_form or DoneForm(),
        "history": history_for(item)[:50],
    }
    return render(request, "ingest/press_detail.html", context, status=status)


@login_required
def press_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _press_page(request, selectors.get_press_item_for_user(request.user, pk))


@login_required
def press_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_press_item_for_user(request.user, pk, write=True)
    initial = {name: getattr(item, name) for name in services.PRESS_FIELDS}
    form = PressItemForm(
        request.POST or None, initial=initial, user=request.user, fixed_unit=item.unit
    )
    return form_page(
        request,
        form,
        lambda: services.press_item_update(
            actor=request.user, item=item, data=form.data_for_service()
        ),
        changes_saved,
        reverse("press_detail", args=[item.pk]),
        template="ingest/press_form.html",
        context={"item": item},
    )


@login_required
@require_POST
def press_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_press_item_for_user(request.user, pk, write=True)
    form = DoneForm(request.POST)
    if response := form_saved(
        request,
        form,
        lambda: services.press_item_done(actor=request.user, item=item, **form.cleaned_data),
        "Đã ghi kết quả xử lý.",
        reverse("press_detail", args=[item.pk]),
    ):
        return response
    item.refresh_from_db()
    return _press_page(request, item, form, status=400)
