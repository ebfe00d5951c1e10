"""Read-only admin: instruments change only through the services (validation and audit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from kiemsat.agreements.models import Instrument, Party


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class PartyInline(admin.TabularInline):
    model = Party
    fields = ("unit", "partner", "body_name", "signatory_name", "signatory_title", "is_host")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnly):
    list_display = ["title", "number_display", "kind", "owner_unit", "signed_on", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["search_folded"]
    inlines = [PartyInline]
