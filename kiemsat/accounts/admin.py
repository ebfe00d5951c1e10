"""Second factors in the admin: seen and removed from the user's row, never their keys."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiemsat.accounts import services

# django-otp's own device pages show secrets and write without an audit row.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

User = get_user_model()
_base: Any = type(admin.site.get_model_admin(User))


@admin.display(boolean=True, description="Xác thực hai lớp", ordering="has_second_factor")
def has_second_factor(user: Any) -> bool:
    return bool(user.has_second_factor)


@admin.action(description="Tắt xác thực hai lớp (mất điện thoại và mã dự phòng)")
def remove_second_factor(model_admin: Any, request: HttpRequest, queryset: QuerySet) -> None:
    done = []
    for user in queryset:
        try:
            services.second_factor_remove(actor=request.user, user=user)
        except ValidationError:
            continue
        done.append(user.username)
    if done:
        model_admin.message_user(request, "Đã tắt xác thực hai lớp của: " + ", ".join(done))
    else:
        model_admin.message_user(
            request, "Không tài khoản nào được chọn có xác thực hai lớp.", messages.WARNING
        )


class SecondFactorUserAdmin(_base):
    actions = [*(_base.actions or []), remove_second_factor]

    def get_list_display(self, request: HttpRequest) -> Any:
        return [*super().get_list_display(request), has_second_factor]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        enrolled = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_second_factor=Exists(enrolled))


admin.site.unregister(User)
admin.site.register(User, SecondFactorUserAdmin)
