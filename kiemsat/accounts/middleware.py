"""Session idle expiry and the second-factor gate in front of every view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from kiemsat.accounts.policy import second_factor_enrolled, second_factor_required

SEEN_KEY = "kiemsat_seen"
REFRESH_SECONDS = 60
# Views a signed-in user reaches before the second factor: to give it, to set it up, to leave.
OPEN_VIEWS = {"second_factor_verify", "second_factor_enrol", "logout", "login"}
API_MESSAGE = "Cần xác thực hai lớp trên trang web trước khi dùng API."


class IdleSessionMiddleware:
    """Keep an active session alive: SESSION_COOKIE_AGE counts from the last request.

    The session is saved (its expiry pushed back) at most once a minute rather than on
    every request, which would make each page view a database write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            if now - request.session.get(SEEN_KEY, 0) >= REFRESH_SECONDS:
                request.session[SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """No page, export or API call for a user who owes a second factor.

    Enrolled users are sent to give a code; leaders and admins not yet enrolled are sent
    to enrol. Others pass (they may enrol from their account page)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> Any:
        user: Any = request.user
        match = request.resolver_match
        if not user.is_authenticated or user.is_verified():
            return None
        if match is None or match.url_name in OPEN_VIEWS:
            return None
        if second_factor_enrolled(user):
            target = "second_factor_verify"
        elif second_factor_required(user):
            target = "second_factor_enrol"
        else:
            return None
        if match.namespace == "api":
            return JsonResponse({"detail": API_MESSAGE}, status=401)
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
