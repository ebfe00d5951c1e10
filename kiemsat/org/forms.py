from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse_lazy
from django.utils import timezone

from kiemsat.lib.widgets import QuickSelect, QuickSelectMultiple
from kiemsat.org.lifecycle import choice_label, choice_order
from kiemsat.org.models import Partner, Role, Unit
from kiemsat.org.selectors import partners_in_scope


class UnitChoiceField(forms.ModelChoiceField):
    """Every choice of a unit in a form: active units first, then ended ones marked
    "(đã kết thúc 30/06/2025)". Forms set ``queryset`` to the units the user may pick."""

    widget = QuickSelect

    def _set_queryset(self, queryset: QuerySet[Unit] | None) -> None:
        if queryset is not None:
            queryset = choice_order(queryset, timezone.localdate())
        super()._set_queryset(queryset)  # type: ignore[misc]

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[assignment,attr-defined]

    def label_from_instance(self, obj: Any) -> str:
        return choice_label(obj, timezone.localdate())


PARTNER_HELP = "Danh sách có cơ quan trong tỉnh và cơ quan trung ương; cơ quan khác: gõ tên để tìm."


class _OfferedPartners(forms.widgets.ChoiceWidget):
    """A partner widget lists the ``offered`` partners and those already chosen, not the
    whole country; its ``data-search`` address finds the others as people type."""

    offered: QuerySet[Partner] | None = None
    empty_label: str | None = None

    def optgroups(self, name: str, value: list[str], attrs: Any = None) -> Any:
        if self.offered is not None:
            chosen = [v for v in value if str(v).isdigit()]
            rows = Partner.objects.filter(Q(pk__in=self.offered.values("pk")) | Q(pk__in=chosen))
            empty = [] if self.empty_label is None else [("", self.empty_label)]
            self.choices = empty + [(p.pk, p.name) for p in rows.order_by("name_folded")]
        return super().optgroups(name, value, attrs)


class PartnerSelect(_OfferedPartners, QuickSelect):
    pass


class PartnersSelect(_OfferedPartners, QuickSelectMultiple):
    pass


class _PartnerChoices:
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Partner.objects.order_by("name_folded"))
        kwargs.setdefault("help_text", PARTNER_HELP)
        super().__init__(**kwargs)

    def offer(self, user: Any) -> None:
        """Offer the partners of the user's province and the national ones; any partner
        stays a valid answer (the field's queryset is the whole catalogue)."""
        widget = self.widget  # type: ignore[attr-defined]
        widget.offered = partners_in_scope(user)
        widget.empty_label = getattr(self, "empty_label", None)
        widget.attrs["data-search"] = reverse_lazy("search_suggest") + "?loai=co-quan"

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PartnerChoiceField(_PartnerChoices, forms.ModelChoiceField):
    """Every choice of one partner: call ``offer(user)`` in the form's ``__init__``."""

    widget = PartnerSelect


class PartnersChoiceField(_PartnerChoices, forms.ModelMultipleChoiceField):
    widget = PartnersSelect


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
