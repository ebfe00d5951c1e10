"""Indicator pages: a unit's dashboard, group dashboards (cluster, province "hai cấp",
nation), the figures behind them, report completeness and the catalogue.

Each dashboard also answers `?format=xlsx|docx|pdf` after the same gate.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kiemsat.indicators import access, exports, quotas, selectors, view_models
from kiemsat.indicators.cache import cached, data_revision
from kiemsat.lib.forms import MonthField
from kiemsat.lib.periods import Month, MonthRange, parse_month_text, work_year_of
from kiemsat.org.access import access_for
from kiemsat.org.models import Level, Unit
from kiemsat.org.selectors import get_unit_for_user

FORMATS = ("xlsx", "docx", "pdf")
OWN, WITH_SUBORDINATES = "own", "with-subordinates"


class PeriodForm(forms.Form):
    """The query of every indicator page: ?from=YYYY-MM&to=YYYY-MM[&scope][&format][&chart]."""

    scope = forms.ChoiceField(
        label="Phạm vi",
        choices=[(OWN, "Riêng đơn vị"), (WITH_SUBORDINATES, "Gồm đơn vị trực thuộc")],
    )
    format = forms.ChoiceField(
        label="Định dạng", choices=[("", "Trang"), *((f, f) for f in FORMATS)], required=False
    )
    chart = forms.CharField(label="Biểu đồ", max_length=20, required=False)
    indicator = forms.CharField(label="Chỉ tiêu", max_length=20, required=False)
    unit = forms.IntegerField(label="Đơn vị", min_value=1, required=False)

    def __init__(
        self,
        data: QueryDict,
        *,
        today: date,
        scope: str = OWN,
        reported: Callable[[bool], Month | None] | None = None,
    ) -> None:
        given = {key: value for key, value in data.items() if value != ""}
        values: dict[str, Any] = {"scope": scope, **given}
        month = _month_or_none(str(given.get("month", "")))
        if month is not None:  # ?month=MM/YYYY: that one month
            values.setdefault("from", month.label)
            values.setdefault("to", month.label)
        if "from" not in values or "to" not in values:
            with_subordinates = values["scope"] == WITH_SUBORDINATES
            last = reported(with_subordinates) if reported is not None else None
            default = selectors.default_range(today, last)
            values.setdefault("from", str(default.start))
            values.setdefault("to", str(default.end))
        for key in ("from", "to"):  # shown as users write months: 12/2025
            with contextlib.suppress(ValueError):
                values[key] = parse_month_text(str(values[key])).label
        super().__init__(values)
        self.fields["from"] = MonthField(label="Từ tháng")
        self.fields["to"] = MonthField(label="Đến tháng")
        self.fields["month"] = MonthField(label="Tháng", required=False)
        self.order_fields(["from", "to"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start is not None and end is not None:
            if start > end:
                self.add_error("to", "Tháng kết thúc không được trước tháng bắt đầu.")
            elif end.index - start.index + 1 > selectors.MAX_MONTHS:
                self.add_error("to", f"Mỗi lần xem tối đa {selectors.MAX_MONTHS} tháng.")
        return data

    @property
    def months(self) -> MonthRange:
        return MonthRange(self.cleaned_data["from"], self.cleaned_data["to"])

    @property
    def with_subordinates(self) -> bool:
        return self.cleaned_data["scope"] == WITH_SUBORDINATES

    def query(self, overrides: Mapping[str, str] | None = None, *, drop: Iterable[str] = ()) -> str:
        params = {
            "from": str(self.months.start),
            "to": str(self.months.end),
            "scope": self.cleaned_data["scope"],
            "chart": self.cleaned_data["chart"],
            **(overrides or {}),
        }
        return "?" + urlencode({k: v for k, v in params.items() if v and k not in drop})


def _month_or_none(text: str) -> Month | None:
    try:
        return parse_month_text(text) if text else None
    except ValueError:
        return None


def _unit_reported(unit: Unit) -> Callable[[bool], Month | None]:
    today = timezone.localdate()
    return lambda subs: selectors.unit_last_reported(unit, today, with_subordinates=subs)


def _form(
    request: HttpRequest, reported: Callable[[bool], Month | None] | None = None
) -> PeriodForm:
    """The page's period: the query's, else the work year to date up to the last month
    ``reported(with_subordinates)`` has figures for."""
    return PeriodForm(request.GET, today=timezone.localdate(), reported=reported)


def _quick_ranges(form: PeriodForm) -> list[tuple[str, str]]:
    year = work_year_of(form.months.end)
    ranges = [
        (f"Năm công tác {year}", MonthRange.work_year(year)),
        (f"6 tháng đầu năm {year}", MonthRange.half(year, 1)),
        (f"6 tháng cuối năm {year}", MonthRange.half(year, 2)),
        ("Cùng kỳ năm trước", form.months.same_period_last_year()),
    ]
    return [
        (label, form.query({"from": str(r.start), "to": str(r.end)}, drop=("format",)))
        for label, r in ranges
    ]


def _nav(form: PeriodForm) -> dict[str, Any]:
    """What the period bar, the export links and the chart links of a page need."""
    return {
        "form": form,
        "exports": {fmt: form.query({"format": fmt}) for fmt in FORMATS},
        "chart_query": form.query(drop=("chart", "format")),
        "period_query": form.query(drop=("chart", "format", "scope")),
        "quick": _quick_ranges(form),
    }


def _bad_period(request: HttpRequest, form: PeriodForm, heading: str) -> HttpResponse:
    context = {"form": form, "heading": heading}
    return render(request, "indicators/bad_period.html", context, status=400)


@login_required
def indicator_dashboard(request: HttpRequest) -> HttpResponse:
    unit = selectors.first_own_unit(request.user)
    if unit is not None:  # the query (?from, ?month, …) goes along to the unit's page
        query = request.GET.urlencode()
        return redirect(reverse("indicator_unit", args=[unit.pk]) + (f"?{query}" if query else ""))
    context = {
        "units": selectors.dashboard_units(request.user, timezone.localdate()),
        "nation": access.can_read_nation(request.user),
    }
    return render(request, "indicators/choose.html", context)


@login_required
def indicator_unit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    form = _form(request, _unit_reported(unit))
    if not form.is_valid():
        return _bad_period(request, form, f"Chỉ tiêu – {unit.name}")
    dash = selectors.unit_dashboard(
        unit,
        form.months,
        with_subordinates=form.with_subordinates,
        chart_code=form.cleaned_data["chart"],
    )
    if fmt := form.cleaned_data["format"]:
        return exports.respond(fmt, exports.unit_report(dash))
    context = {
        "dash": dash,
        "clusters": selectors.unit_cluster_terms(unit, form.months),
        "nation": access.can_read_nation(request.user),
        "offers_quotas": quotas.offers_quotas(request.user, unit),
        **_nav(form),
    }
    return render(request, "indicators/unit.html", context)


@login_required
def indicator_figures(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, pk)
    form = _form(request, _unit_reported(unit))
    if not form.is_valid():
        return _bad_period(request, form, f"Số liệu – {unit.name}")
    grid = selectors.figure_grid(
        unit,
        form.months,
        with_subordinates=form.with_subordinates,
        indicator_code=form.cleaned_data["indicator"],
    )
    return render(request, "indicators/figures.html", {"grid": grid, **_nav(form)})


def _group_page(
    request: HttpRequest,
    form: PeriodForm,
    spec: selectors.GroupSpec,
    recipients: list[str],
    kind: str,
) -> HttpResponse:
    """A group dashboard whose gate has passed, served from the cache when it can be.

    The evaluation is cached by the data revision (any write invalidates it). The page
    content (everything below the site's header) depends on that data, on the query and
    on which member units the user may open (their names link to the member dashboards),
    so those make its key; the frame around it is rendered for each request.
    """
    revision = data_revision()
    chart_code = form.cleaned_data["chart"]
    if fmt := form.cleaned_data["format"]:
        dash = selectors.group_dashboard(
            spec, request.user, chart_code=chart_code, revision=revision
        )
        return exports.respond(fmt, exports.group_report(dash, recipients))
    head = selectors.group_head(spec, revision=revision)
    readable = head.member_unit_ids & access_for(request.user).unit_ids()

    def content() -> str:
        dash = selectors.group_dashboard(
            spec, request.user, chart_code=chart_code, revision=revision, readable=readable
        )
        scope = WITH_SUBORDINATES if dash.with_subordinates else OWN
        context = {
            "dash": dash,
            "kind_is_cluster": kind == "cluster",
            "member_query": form.query({"scope": scope}, drop=("chart", "format")),
            **_nav(form),
        }
        return render_to_string("indicators/_group_content.html", context)

    query = tuple((name, str(form.data.get(name, ""))) for name in form.fields)
    key = (*spec.key, "page", kind, query, readable)
    context = {"head": head, "content": cached(key, content, revision=revision)}
    return render(request, "indicators/group.html", context)


@login_required
def indicator_cluster(request: HttpRequest, cluster_pk: int) -> HttpResponse:
    cluster = access.get_cluster_for_user(request.user, cluster_pk)
    today = timezone.localdate()
    form = _form(
        request,
        lambda subs: selectors.cluster_last_reported(cluster, today, with_subordinates=subs),
    )
    if not form.is_valid():
        return _bad_period(request, form, f"Chỉ tiêu – {cluster.name}")
    spec = selectors.cluster_spec(cluster, form.months, with_subordinates=form.with_subordinates)
    recipients = ["Vụ Thi đua - Khen thưởng VKSND tối cao (để báo cáo)", "Các đơn vị trong cụm"]
    return _group_page(request, form, spec, recipients, "cluster")


@login_required
def indicator_province(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = get_unit_for_user(request.user, unit_pk)
    if unit.level != Level.PROVINCIAL:
        raise Http404("Kết quả hai cấp chỉ có ở VKSND cấp tỉnh.")
    today = timezone.localdate()
    form = _form(
        request, lambda _: selectors.unit_last_reported(unit, today, with_subordinates=True)
    )
    if not form.is_valid():
        return _bad_period(request, form, f"Chỉ tiêu hai cấp – {unit.name}")
    spec = selectors.province_spec(unit, form.months)
    parent = [f"{unit.parent.name} (để báo cáo)"] if unit.parent is not None else []
    recipients = [*parent, "Lãnh đạo Viện", "VKSND cấp huyện, khu vực trực thuộc"]
    return _group_page(request, form, spec, recipients, "province")


@login_required
def indicator_nation(request: HttpRequest) -> HttpResponse:
    access.require_nation_reader(request.user)
    today = timezone.localdate()
    form = _form(request, lambda _: selectors.last_reported_month(None, today))
    if not form.is_valid():
        return _bad_period(request, form, "Chỉ tiêu toàn ngành")
    spec = selectors.nation_spec(form.months)
    recipients = ["Lãnh đạo VKSND tối cao", "VKSND các tỉnh, thành phố"]
    return _group_page(request, form, spec, recipients, "nation")


@login_required
def indicator_completeness(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    if not form.is_valid():
        return _bad_period(request, form, "Tình trạng báo cáo")
    root_pk = form.cleaned_data["unit"]
    root = get_unit_for_user(request.user, root_pk) if root_pk else None
    grid = selectors.completeness(request.user, form.months, timezone.localdate(), root)
    context = {"grid": grid, "root": root, **_nav(form)}
    return render(request, "indicators/completeness.html", context)


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = selectors.get_indicator(pk)
    names = selectors.metric_names([indicator])
    context = {
        "indicator": indicator,
        "formula": view_models.indicator_formula(indicator, names),
        "target": view_models.target_words(indicator),
        "metrics": selectors.indicator_metrics(indicator),
        "versions": selectors.indicator_versions(indicator),
        "levels": [Level(code).label for code in indicator.levels if code in Level.values],
    }
    return render(request, "indicators/detail.html", context)


@login_required
def indicator_list(request: HttpRequest) -> HttpResponse:
    indicators = selectors.catalogue_indicators()
    rows = [(ind, view_models.target_words(ind)) for ind in indicators]
    return render(request, "indicators/list.html", {"rows": rows})
