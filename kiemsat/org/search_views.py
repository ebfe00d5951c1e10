"""The header search: a results page grouped by kind, and its suggestions as JSON."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kiemsat.org.search import search_all, summary

PAGE_LIMIT = 20
SUGGEST_LIMIT = 5
MAX_QUERY = 100


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:MAX_QUERY]


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    groups = search_all(request.user, query, limit=PAGE_LIMIT)
    context = {"query": query, "groups": groups, "summary": summary(groups)}
    return render(request, "org/search.html", context)


@login_required
@require_GET
def search_suggest(request: HttpRequest) -> JsonResponse:
    """What the header box and the partner fields suggest as people type."""
    query = _query(request)
    groups = search_all(request.user, query, limit=SUGGEST_LIMIT, only=request.GET.get("loai", ""))
    return JsonResponse(
        {"q": query, "groups": [g.as_json() for g in groups]},
        json_dumps_params={"ensure_ascii": False},
    )
