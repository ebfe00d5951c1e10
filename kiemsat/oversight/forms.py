"""Forms of the register; they validate input, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from kiemsat.lib.forms import MonthField
from kiemsat.org.access import access_for
from kiemsat.org.forms import PartnerChoiceField, UnitChoiceField
from kiemsat.org.models import Role, Unit
from kiemsat.oversight import selectors
from kiemsat.oversight.clock import STATUS_CHOICES
from kiemsat.oversight.models import Field, Kind, Outcome
from kiemsat.oversight.services import Registration

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
ANY = [("", "Tất cả")]


class DateInput(forms.DateInput):
    """A text box in dd/mm/yyyy whatever the browser's locale (ISO dates are accepted too)."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": "10"}
        super().__init__(format="%d/%m/%Y", attrs=attrs, **kwargs)


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": "Ngày không hợp lệ (dd/mm/yyyy).", "required": "Cần nhập."},
    )


class RuleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        unit = "ngày làm việc" if obj.working_days else "ngày"
        mark = "" if obj.confirmed else " – chưa xác minh"
        return f"{obj.name}: {obj.days} {unit} ({obj.legal_basis}){mark}"


class InterventionForm(forms.Form):
    """Registration of a protest, recommendation or request (and later corrections)."""

    unit = UnitChoiceField(
        label="Đơn vị ban hành",
        queryset=Unit.objects.none(),
        error_messages={"invalid_choice": "Bạn không có quyền nhập văn bản của đơn vị này."},
    )
    kind = forms.ChoiceField(label="Loại", choices=Kind.choices)
    field = forms.ChoiceField(label="Lĩnh vực", choices=Field.choices)
    number = forms.IntegerField(label="Số", min_value=1, max_value=99999)
    symbol = forms.CharField(label="Ký hiệu", max_length=40, help_text="Ví dụ: KN-VKS")
    issued_on = date_field("Ngày ban hành")
    recipient = PartnerChoiceField(
        label="Cơ quan nhận",
        error_messages={"invalid_choice": "Không có cơ quan nhận này trong danh mục."},
    )
    subject = forms.CharField(label="Trích yếu", max_length=500)
    basis = forms.CharField(label="Căn cứ ban hành", max_length=300, required=False)
    content = forms.CharField(
        label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rule = RuleChoice(
        label="Thời hạn trả lời (căn cứ pháp lý)",
        queryset=selectors.answer_rules(),
        required=False,
        empty_label="Không có thời hạn luật định",
    )
    received_on = date_field(
        "Ngày cơ quan nhận", required=False, help_text="Để trống nếu chưa biết: chưa tính hạn."
    )
    protest_rule = RuleChoice(
        label="Thời hạn kháng nghị",
        queryset=selectors.protest_rules(),
        required=False,
        empty_label="Không áp dụng",
    )
    decision_received_on = date_field("Ngày VKS nhận bản án, quyết định", required=False)
    document = forms.FileField(label="Văn bản đã ký (PDF, Word, ảnh)", required=False)

    def __init__(self, *args: Any, user: Any, fixed_unit: Unit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].offer(user)  # type: ignore[attr-defined]
        unit_field = self.fields["unit"]
        if fixed_unit is not None:
            unit_field.queryset = Unit.objects.filter(pk=fixed_unit.pk)  # type: ignore[attr-defined]
            unit_field.initial = fixed_unit.pk
            unit_field.disabled = True
            del self.fields["document"]  # replaced through its own form on the detail page
        else:
            ids = access_for(user).unit_ids(Role.STAFF)
            unit_field.queryset = Unit.objects.filter(pk__in=ids)  # type: ignore[attr-defined]

    CLOCK_FIELDS = ("rule", "received_on", "protest_rule", "decision_received_on")

    def document_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.CLOCK_FIELDS]

    def clock_fields(self) -> list[Any]:
        return [self[name] for name in self.CLOCK_FIELDS]

    def registration(self) -> Registration:
        data = self.cleaned_data
        return Registration(
            kind=data["kind"],
            field=data["field"],
            number=data["number"],
            symbol=data["symbol"].strip(),
            issued_on=data["issued_on"],
            recipient=data["recipient"],
            subject=data["subject"].strip(),
            content=data["content"].strip(),
            basis=data["basis"].strip(),
            rule=data["rule"],
            received_on=data["received_on"],
            protest_rule=data["protest_rule"],
            decision_received_on=data["decision_received_on"],
        )


class DocumentForm(forms.Form):
    document = forms.FileField(label="Văn bản đã ký (PDF, Word, ảnh)")


class ExtensionForm(forms.Form):
    notified_on = date_field("Ngày cơ quan thông báo gia hạn")
    extended_to = date_field("Gia hạn đến ngày")
    reason = forms.CharField(label="Lý do", max_length=300, required=False)


class AnswerForm(forms.Form):
    answered_on = date_field("Ngày trả lời / ngày Tòa án quyết định")
    outcome = forms.ChoiceField(
        label="Kết quả",
        choices=[
            ("", "— Chọn kết quả —"),
            *(c for c in Outcome.choices if c[0] != Outcome.PENDING),
        ],
    )
    court_decision = forms.CharField(
        label="Bản án, quyết định của Tòa án",
        max_length=300,
        required=False,
        help_text="Với kháng nghị phúc thẩm, giám đốc thẩm, tái thẩm: số, ký hiệu của bản án.",
    )
    summary = forms.CharField(
        label="Nội dung trả lời", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FilterForm(forms.Form):
    """The list's query string; every field optional."""

    q = forms.CharField(label="Tìm", required=False, max_length=100)
    kind = forms.ChoiceField(label="Loại", choices=ANY + Kind.choices, required=False)
    field = forms.ChoiceField(label="Lĩnh vực", choices=ANY + Field.choices, required=False)
    unit = UnitChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Tất cả",
        error_messages={"invalid_choice": "Không có đơn vị này trong phạm vi của bạn."},
    )
    recipient = PartnerChoiceField(
        label="Cơ quan nhận",
        required=False,
        help_text="",
        empty_label="Tất cả",
    )
    outcome = forms.ChoiceField(label="Kết quả", choices=ANY + Outcome.choices, required=False)
    status = forms.ChoiceField(label="Tình trạng", choices=ANY + STATUS_CHOICES, required=False)
    due = forms.ChoiceField(
        label="Đến hạn",
        choices=[("", "Bất kỳ"), (selectors.THIS_WEEK, "Trong tuần này")],
        required=False,
    )
    start = MonthField(label="Ban hành từ tháng", required=False)
    end = MonthField(label="đến tháng", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = access_for(user).unit_ids()
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        self.fields["recipient"].offer(user)  # type: ignore[attr-defined]

    def filters(self) -> selectors.Filters:
        if not self.is_valid():
            return selectors.Filters()
        data = self.cleaned_data
        return selectors.Filters(
            q=data["q"].strip(),
            kind=data["kind"],
            field=data["field"],
            unit_id=data["unit"].pk if data["unit"] else None,
            recipient_id=data["recipient"].pk if data["recipient"] else None,
            outcome=data["outcome"],
            status=data["status"],
            due=data["due"],
            start=data["start"],
            end=data["end"],
        )


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp sổ theo dõi (XLSX hoặc CSV)")
