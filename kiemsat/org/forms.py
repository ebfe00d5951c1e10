from datetime import date

from django import forms

from kiemsat.org.models import Role


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
