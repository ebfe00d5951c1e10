"""The account page and the second factor: enrol, verify, renew codes, remove."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kiemsat.accounts import selectors, services
from kiemsat.accounts.forms import CodeForm
from kiemsat.accounts.policy import second_factor_enrolled, second_factor_required
from kiemsat.lib.forms import attach_errors
from kiemsat.org.auth_views import LoginView
from kiemsat.org.models import Membership

PENDING_KEY = "kiemsat_pending_totp_key"


class SignInView(LoginView):
    """The password step. A correct password clears the failure count only for accounts
    without a second factor; for the others a correct code does (see verify)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        if not second_factor_enrolled(form.get_user()):
            _clear_failures(self.request)
        return response


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    return target if ok else settings.LOGIN_REDIRECT_URL


def _credentials(request: HttpRequest) -> dict[str, str]:
    return {"username": request.user.get_username()}


def _clear_failures(request: HttpRequest) -> None:
    AxesProxyHandler.reset_attempts(username=request.user.get_username())


def _refuse(request: HttpRequest, form: CodeForm) -> bool:
    """Count a wrong code as a failed sign-in; True when that locks the account out
    (the user is then signed out and axes answers with the lockout page)."""
    form.add_error("code", services.WRONG_CODE)
    user_login_failed.send(__name__, credentials=_credentials(request), request=request)
    if getattr(request, "axes_locked_out", False):
        logout(request)
        return True
    return False


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next(request))
    if not second_factor_enrolled(request.user):
        return redirect("second_factor_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if AxesProxyHandler.is_locked(request, _credentials(request)):
            logout(request)
            request.axes_locked_out = True  # type: ignore[attr-defined]
            return HttpResponse(status=429)
        device = services.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            _clear_failures(request)
            if device.name == services.RECOVERY_NAME:
                left = selectors.remaining_recovery_codes(request.user)
                messages.warning(request, f"Bạn vừa dùng một mã dự phòng; còn {left} mã.")
            return redirect(_next(request))
        if _refuse(request, form):
            return HttpResponse(status=429)
    return render(request, "accounts/verify.html", {"form": form, "next": _next(request)})


@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    if second_factor_enrolled(request.user):
        messages.info(request, "Tài khoản đã bật xác thực hai lớp.")
        return redirect("account")
    key = request.session.get(PENDING_KEY) or services.new_key()
    request.session[PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.second_factor_enrol(
                actor=request.user, user=request.user, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            del request.session[PENDING_KEY]
            otp_login(request, enrolment.device)
            return _show_codes(request, enrolment.recovery_codes, next_url=_next(request))
    uri = selectors.provisioning_uri(request.user, key)
    context = {
        "form": form,
        "qr": selectors.qr_svg(uri),
        "key": selectors.key_text(key),
        "required": second_factor_required(request.user),
        "next": _next(request),
    }
    return render(request, "accounts/enrol.html", context)


def _show_codes(request: HttpRequest, codes: list[str], *, next_url: str) -> HttpResponse:
    """Recovery codes are shown once, in this answer; only their use is stored after."""
    shown = [f"{c[:4]}-{c[4:]}" for c in codes]
    response = render(request, "accounts/recovery_codes.html", {"codes": shown, "next": next_url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    context = {
        "memberships": Membership.objects.filter(user=user).select_related("unit"),
        "authenticator": selectors.authenticator_of(user),
        "remaining": selectors.remaining_recovery_codes(user),
        "required": second_factor_required(user),
        "sign_ins": selectors.recent_sign_ins(user),
        "form": CodeForm(),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.recovery_codes_renew(actor=request.user, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("account")
    return _show_codes(request, codes, next_url=str(settings.LOGIN_REDIRECT_URL))


@login_required
@require_POST
def second_factor_remove(request: HttpRequest) -> HttpResponse:
    """Turning it off takes a current code, so an unattended session cannot do it."""
    form = CodeForm(request.POST)
    if form.is_valid() and _code_matches(request, form.cleaned_data["code"]):
        services.second_factor_remove(actor=request.user, user=request.user)
        messages.success(request, "Đã tắt xác thực hai lớp.")
        return redirect("account")
    if form.is_valid() and _refuse(request, form):
        return HttpResponse(status=429)
    reasons = [str(e) for e in form.errors.get("code", [])]
    messages.error(request, "Chưa tắt xác thực hai lớp: " + " ".join(reasons))
    return redirect("account")


def _code_matches(request: HttpRequest, code: str) -> bool:
    return services.second_factor_check(user=request.user, code=code) is not None
