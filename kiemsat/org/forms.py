from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from kiemsat.org.lifecycle import choice_label, choice_order
from kiemsat.org.models import Role, Unit


class UnitChoiceField(forms.ModelChoiceField):
    """Every choice of a unit in a form: active units first, then ended ones marked
    "(đã kết thúc 30/06/2025)". Forms set ``queryset`` to the units the user may pick."""

    def _set_queryset(self, queryset: QuerySet[Unit] | None) -> None:
        if queryset is not None:
            queryset = choice_order(queryset, timezone.localdate())
        super()._set_queryset(queryset)  # type: ignore[misc]

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[assignment,attr-defined]

    def label_from_instance(self, obj: Any) -> str:
        return choice_label(obj, timezone.localdate())


class TreeDateForm(forms.Form):
    on = forms.DateField(
        label="Tại ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def day(self, default: date) -> date:
        if self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]
        return default


class MembershipForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập", max_length=150)
    role = forms.ChoiceField(
        label="Vai trò",
        choices=[
            (Role.VIEWER, Role.VIEWER.label),
            (Role.STAFF, Role.STAFF.label),
            (Role.LEADER, Role.LEADER.label),
        ],
    )
    title = forms.CharField(label="Chức danh", max_length=120, required=False)
