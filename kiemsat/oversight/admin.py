from django.contrib import admin

from kiemsat.audit.admin import AuditedAdmin
from kiemsat.oversight.models import DeadlineRule, Intervention


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(AuditedAdmin):
    """Rules are data: an administrator corrects days or marks them confirmed; the stored
    due dates of the rule's interventions follow at once."""

    list_display = ["code", "name", "days", "working_days", "event", "confirmed", "active"]
    list_filter = ["confirmed", "active", "event", "working_days"]
    search_fields = ["code", "name", "legal_basis"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if change and {"days", "working_days", "event"} & set(form.changed_data):
            from kiemsat.oversight.services import due_dates_recompute  # heavy: only when used

            result = due_dates_recompute(actor=request.user, rule=obj)
            self.message_user(request, f"Đã tính lại hạn của {result.changed} văn bản.")


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    """Read-only here: entries are written through the register's pages and services."""

    list_display = ["__str__", "unit", "recipient", "issued_on", "due_on", "outcome"]
    list_filter = ["kind", "outcome", "source"]
    search_fields = ["subject", "symbol", "unit__name", "recipient__name"]
    date_hierarchy = "issued_on"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
