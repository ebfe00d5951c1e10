from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kiemsat.audit.selectors import history_for
from kiemsat.lib.http import form_saved
from kiemsat.lib.periods import work_year_of
from kiemsat.org import selectors, services
from kiemsat.org.access import access_for, memberships_of
from kiemsat.org.forms import MembershipForm, TreeDateForm
from kiemsat.org.models import Membership, PartnerKind, Role, Unit
from kiemsat.org.today import GROUPS, STATES, today_list, today_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {"today": today, "memberships": memberships_of(request.user)}
    context |= today_page(request.user, today)
    return render(request, "org/home.html", context)


@login_required
def today_list_view(request: HttpRequest) -> HttpResponse:
    """What a tile or a section of Hôm nay counts, in full; unknown filters are refused."""
    state, group = request.GET.get("tinh-trang", ""), request.GET.get("nhom", "")
    if (state and state not in STATES) or (group and group not in GROUPS):
        return render(request, "org/today_list.html", {"title": "Bộ lọc không hợp lệ"}, status=400)
    today = timezone.localdate()
    kind = request.GET.get("loai", "")
    context = today_list(request.user, today, kind=kind, state=state, group=group)
    return render(request, "org/today_list.html", {"today": today, **context})


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    form = TreeDateForm(request.GET or None)
    on = form.day(timezone.localdate())
    rows = selectors.unit_tree(request.user, on)
    ended = selectors.last_valid_day(request.user) if not rows else None
    return render(
        request,
        "org/unit_tree.html",
        {"form": form, "on": on, "rows": rows, "ended": ended},
    )


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk)
    return _render_unit(request, unit, MembershipForm())


def _render_unit(
    request: HttpRequest, unit: Unit, form: MembershipForm, status: int = 200
) -> HttpResponse:
    context = {
        "unit": unit,
        "history": history_for(unit)[:50],
        "form": form,
        "can_manage": access_for(request.user).has(unit.pk, Role.LEADER),
    }
    context.update(selectors.unit_detail(unit, request.user))
    return render(request, "org/unit_detail.html", context, status=status)


@login_required
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk, write=True, need=Role.LEADER)
    form = MembershipForm(request.POST)
    if response := form_saved(
        request,
        form,
        lambda: services.membership_add(actor=request.user, unit=unit, **form.cleaned_data),
        "Đã thêm thành viên.",
        reverse("unit_detail", args=[unit.pk]),
    ):
        return response
    return _render_unit(request, unit, form, status=400)


@login_required
@require_POST
def membership_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    unit = selectors.get_unit_for_user(request.user, pk, write=True, need=Role.LEADER)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, unit=unit
    )
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, "Đã xóa thành viên khỏi đơn vị.")
    return redirect("unit_detail", pk=unit.pk)


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in PartnerKind.values:
        kind = ""
    return render(
        request,
        "org/partner_list.html",
        {
            "partners": selectors.partners(query=query, kind=kind),
            "query": query,
            "kind": kind,
            "kinds": PartnerKind.choices,
        },
    )


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.get_partner(pk)
    return render(
        request, "org/partner_detail.html", {"partner": partner, "history": history_for(partner)}
    )


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    """The clusters of a work year (the current one by default), each linked to its
    results where the user may read them."""
    years = selectors.cluster_years()
    current = work_year_of(timezone.localdate())
    text = request.GET.get("year", "").strip()
    year = int(text) if text.isdigit() and len(text) == 4 else None
    error = "" if year or not text else f"“{text}” không phải là một năm: chọn năm trong danh sách."
    if not text:
        year = selectors.cluster_year_shown(years, current)
    readable = set(selectors.readable_clusters(request.user).values_list("pk", flat=True))
    terms = [
        (term, term.cluster_id in readable)
        for term in (selectors.cluster_terms(year) if year else [])
    ]
    context = {
        "years": years,
        "year": year,
        "current": current,
        "fallback": not text and year is not None and year != current,
        "error": error,
        "terms": terms,
        "results_query": _work_year_query(year, current),
    }
    return render(request, "org/cluster_list.html", context, status=400 if error else 200)


def _work_year_query(year: int | None, current: int) -> str:
    """A past work year's months for the cluster dashboard; the current or a later one
    opens on the dashboard's own default (the work year to date)."""
    if year is None or year >= current:
        return ""
    return f"?from={year - 1}-12&to={year}-11"
