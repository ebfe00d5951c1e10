from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from kiemsat.audit.admin import AuditedAdmin
from kiemsat.org import plugins
from kiemsat.org.models import (
    CalendarDay,
    Cluster,
    ClusterTerm,
    Membership,
    Partner,
    Succession,
    Unit,
)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_folded"]
    raw_id_fields = ["parent"]


@admin.register(Succession)
class SuccessionAdmin(AuditedAdmin):
    list_display = ["predecessor", "successor", "kind", "date"]
    list_filter = ["kind"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "province", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_folded"]


class ClusterTermInline(admin.TabularInline):
    model = ClusterTerm
    extra = 0
    filter_horizontal = ["members"]


@admin.register(Cluster)
class ClusterAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "number"]
    inlines = [ClusterTermInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "unit", "role", "title"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name"]
    raw_id_fields = ["user", "unit"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Days off and make-up days; deadlines stored from the calendar follow every change."""

    list_display = ["day", "kind", "note"]
    list_filter = ["kind"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._calendar_changed(request)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        self._calendar_changed(request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        self._calendar_changed(request)

    def _calendar_changed(self, request: HttpRequest) -> None:
        for listener in plugins.loaded(plugins.CALENDAR_LISTENERS):
            self.message_user(request, listener(actor=request.user))


def _audited(model: type[Model]) -> None:
    """Third-party admins (accounts, sign-in lockouts) get the same transaction and audit."""
    if admin.site.is_registered(model):
        base = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        admin.site.register(
            model, type(f"Audited{base.__name__}", (AuditedAdmin, base), {"__module__": __name__})
        )


for _model in (get_user_model(), Group, AccessAttempt, AccessLog, AccessFailureLog):
    _audited(_model)
