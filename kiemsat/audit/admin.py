from django.contrib import admin
from django.db import router, transaction

from kiemsat.audit.models import AuditEntry
from kiemsat.audit.services import record
from kiemsat.lib.vn import fold


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "action"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Admin whose every save and delete leaves an audit row (never a password).

    Django wraps the change and delete pages in a transaction but not the changelist's
    actions (bulk delete, custom actions): they get one here, with their audit rows."""

    def response_action(self, request, queryset, *args, **kwargs):  # type: ignore[no-untyped-def]
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset, *args, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if hasattr(obj, "name_folded"):
            obj.name_folded = fold(obj.name)
        super().save_model(request, obj, form, change)
        changes = {
            f: "***" if "password" in f else str(form.cleaned_data.get(f))
            for f in form.changed_data
        }
        action = "admin.change" if change else "admin.create"
        record(actor=request.user, action=action, obj=obj, changes=changes)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        record(actor=request.user, action="admin.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for obj in queryset:
            record(actor=request.user, action="admin.delete", obj=obj)
        super().delete_queryset(request, queryset)
