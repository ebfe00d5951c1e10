"""Forms of the instrument pages; rules that need the database live in the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet

from kiemsat.agreements import selectors
from kiemsat.agreements.models import (
    Clause,
    ClauseKind,
    Decision,
    Instrument,
    InstrumentKind,
    Party,
    Recurrence,
    ReviewKind,
    ReviewSchedule,
    SignaturePrefix,
    Status,
)
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.agreements.services.parties import DutyData
from kiemsat.agreements.services.reviews import ReviewData
from kiemsat.org.forms import PartnerChoiceField, UnitChoiceField
from kiemsat.org.models import Unit

NUMBER_RE = re.compile(r"^\s*0*(\d{1,6})\s*/\s*(\S.*?)\s*$")
UNKNOWN_PARTNER = "Cơ quan phối hợp không có trong danh mục."
UNKNOWN_UNIT = "Đơn vị không có trong danh sách được chọn."
EMPTY = "— Chọn —"


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        # Text, not the native picker: its display follows the browser's language, and
        # staff must see and type dd/mm/yyyy whatever browser they use.
        widget=forms.DateInput(
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10},
            format="%d/%m/%Y",
        ),
        error_messages={"invalid": "Ngày không hợp lệ (dd/mm/yyyy)."},
    )


def text_area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class InstrumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        number = f"{obj.number_display} – " if obj.number is not None else ""
        return f"{number}{obj.title} ({obj.owner_unit.name})"


def parse_number(text: str) -> tuple[int | None, str]:
    """ "56/QCPH-VKS-TA" -> (56, "QCPH-VKS-TA"); "" -> (None, "")."""
    if not text.strip():
        return None, ""
    match = NUMBER_RE.match(text)
    if match is None:
        raise forms.ValidationError(
            "Số, ký hiệu phải có dạng số/ký hiệu, ví dụ 56/QCPH-VKS-TA.", code="invalid"
        )
    return int(match[1]), match[2]


class InstrumentForm(forms.Form):
    """The instrument's own fields (editing); registration adds the first two parties."""

    kind = forms.ChoiceField(label="Loại văn bản", choices=InstrumentKind.choices)
    number = forms.CharField(
        label="Số, ký hiệu",
        required=False,
        max_length=80,
        help_text="Ví dụ 56/QCPH-VKS-TA; số đánh lại từ 01 mỗi năm. Để trống nếu chưa có số.",
    )
    title = forms.CharField(label="Tên văn bản", max_length=500)
    summary = forms.CharField(label="Trích yếu", required=False, widget=text_area())
    signed_on = date_field("Ngày ký")
    place = forms.CharField(
        label="Địa danh", required=False, max_length=100, help_text="Ví dụ: Hạ Long"
    )
    venue = forms.CharField(label="Nơi ký kết", required=False, max_length=300)
    valid_from = date_field("Hiệu lực từ ngày", help_text="Để trống: từ ngày ký.")
    valid_to = date_field(
        "Hiệu lực đến ngày", help_text="Để trống: có hiệu lực đến khi được thay thế."
    )
    legal_basis = forms.CharField(label="Căn cứ", required=False, widget=text_area())
    review_schedule = forms.ChoiceField(
        label="Sơ kết, tổng kết", choices=ReviewSchedule.choices, initial=ReviewSchedule.YEARLY
    )
    replaces = InstrumentChoiceField(
        label="Thay thế văn bản",
        required=False,
        queryset=Instrument.objects.none(),
        empty_label="— Không —",
    )
    parent = InstrumentChoiceField(
        label="Thực hiện chỉ đạo của văn bản cấp trên",
        required=False,
        queryset=Instrument.objects.none(),
        empty_label="— Không —",
    )
    cascade_due = date_field(
        "Hạn cấp dưới ký văn bản của mình",
        help_text="Điền nếu văn bản này yêu cầu đơn vị cấp dưới ký kết văn bản tương ứng.",
    )
    cascade_note = forms.CharField(label="Yêu cầu đối với cấp dưới", required=False, max_length=500)
    note = forms.CharField(label="Ghi chú", required=False, widget=text_area(2))

    def __init__(self, *args: Any, user: Any, instance: Instrument | None = None, **kwargs: Any):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(instance)
        super().__init__(*args, **kwargs)
        others = selectors.replaceable_instruments(user)
        sources = selectors.cascade_sources(user)
        if instance is not None:
            others, sources = others.exclude(pk=instance.pk), sources.exclude(pk=instance.pk)
        self.fields["replaces"].queryset = others  # type: ignore[attr-defined]
        self.fields["parent"].queryset = sources  # type: ignore[attr-defined]

    def clean_number(self) -> tuple[int | None, str]:
        return parse_number(self.cleaned_data.get("number", ""))

    def instrument_data(self) -> InstrumentData:
        data = dict(self.cleaned_data)
        number, symbol = data.pop("number")
        fields = InstrumentData.__dataclass_fields__
        return InstrumentData(
            number=number, symbol=symbol, **{k: v for k, v in data.items() if k in fields}
        )


def initial_from(instance: Instrument) -> dict[str, Any]:
    names = [f for f in InstrumentData.__dataclass_fields__ if f not in ("number", "symbol")]
    initial = {name: getattr(instance, name) for name in names}
    initial["number"] = instance.number_display
    return initial


HOST_CHOICES = [
    ("unit", "Đơn vị Viện kiểm sát"),
    ("partner", "Cơ quan phối hợp"),
    ("", "Không ghi"),
]


class RegisterForm(InstrumentForm):
    unit = UnitChoiceField(
        label="Đơn vị Viện kiểm sát ký kết",
        queryset=Unit.objects.none(),
        empty_label=EMPTY,
        error_messages={"invalid_choice": UNKNOWN_UNIT},
    )
    unit_body_name = forms.CharField(
        label="Tên cơ quan ký (nếu khác tên đơn vị)",
        required=False,
        max_length=300,
        help_text="Ví dụ: Ban cán sự Đảng Viện kiểm sát nhân dân tỉnh Hà Giang",
    )
    unit_signatory_name = forms.CharField(label="Người ký của đơn vị", max_length=120)
    unit_signatory_title = forms.CharField(
        label="Chức vụ người ký của đơn vị", max_length=200, required=False
    )
    partner = PartnerChoiceField(
        label="Cơ quan phối hợp ký kết",
        empty_label=EMPTY,
        error_messages={"invalid_choice": UNKNOWN_PARTNER},
    )
    partner_body_name = forms.CharField(
        label="Tên cơ quan ký (nếu khác tên cơ quan)", required=False, max_length=300
    )
    partner_signatory_name = forms.CharField(label="Người ký của cơ quan", max_length=120)
    partner_signatory_title = forms.CharField(
        label="Chức vụ người ký của cơ quan", max_length=200, required=False
    )
    host = forms.ChoiceField(label="Bên chủ trì", choices=HOST_CHOICES, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = selectors.writable_units(user)  # type: ignore[attr-defined]
        self.fields["partner"].offer(user)  # type: ignore[attr-defined]

    def parties(self) -> list[PartyData]:
        data, host = self.cleaned_data, self.cleaned_data.get("host")
        return [
            PartyData(
                unit=data["unit"],
                body_name=data["unit_body_name"],
                signatory_name=data["unit_signatory_name"],
                signatory_title=data["unit_signatory_title"],
                is_host=host == "unit",
            ),
            PartyData(
                partner=data["partner"],
                body_name=data["partner_body_name"],
                signatory_name=data["partner_signatory_name"],
                signatory_title=data["partner_signatory_title"],
                is_host=host == "partner",
            ),
        ]


class PartyForm(forms.Form):
    prefix = "party"  # several small forms share the instrument page: ids must not clash
    unit = UnitChoiceField(
        label="Đơn vị Viện kiểm sát",
        required=False,
        queryset=Unit.objects.none(),
        empty_label=EMPTY,
        error_messages={"invalid_choice": UNKNOWN_UNIT},
    )
    partner = PartnerChoiceField(
        label="hoặc cơ quan phối hợp",
        required=False,
        empty_label=EMPTY,
        error_messages={"invalid_choice": UNKNOWN_PARTNER},
    )
    body_name = forms.CharField(label="Tên cơ quan ký (nếu khác)", required=False, max_length=300)
    signatory_name = forms.CharField(label="Người ký", max_length=120)
    signatory_title = forms.CharField(label="Chức vụ", required=False, max_length=200)
    signature_prefix = forms.ChoiceField(
        label="Thể thức ký", choices=SignaturePrefix.choices, required=False, initial="TM."
    )
    is_host = forms.BooleanField(label="Bên chủ trì", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.party_units(user)  # type: ignore[attr-defined]
        self.fields["partner"].offer(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("unit")) == bool(data.get("partner")) and not self.errors:
            raise forms.ValidationError("Chọn một đơn vị hoặc một cơ quan phối hợp (chỉ một).")
        return data

    def party_data(self) -> PartyData:
        return PartyData(**self.cleaned_data)


class PartyEditForm(forms.Form):
    body_name = forms.CharField(label="Tên cơ quan ký (nếu khác)", required=False, max_length=300)
    signatory_name = forms.CharField(label="Người ký", max_length=120)
    signatory_title = forms.CharField(label="Chức vụ", required=False, max_length=200)
    signature_prefix = forms.ChoiceField(
        label="Thể thức ký", choices=SignaturePrefix.choices, required=False
    )
    is_host = forms.BooleanField(label="Bên chủ trì", required=False)


class ClauseForm(forms.Form):
    prefix: str | None = "clause"
    kind = forms.ChoiceField(label="Loại", choices=ClauseKind.choices)
    number = forms.IntegerField(
        label="Số", min_value=1, max_value=999, help_text="Chương đánh số 1, 2, 3 (hiện I, II, III)"
    )
    title = forms.CharField(label="Tên", required=False, max_length=300)
    chapter = forms.ModelChoiceField(
        label="Thuộc chương",
        required=False,
        queryset=Clause.objects.none(),
        empty_label="— Không —",
    )
    text = forms.CharField(label="Nội dung", required=False, widget=text_area(4))

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any):
        super().__init__(*args, **kwargs)
        chapters = instrument.clauses.filter(kind=ClauseKind.CHAPTER).order_by("number")
        self.fields["chapter"].queryset = chapters  # type: ignore[attr-defined]


class ClauseEditForm(ClauseForm):
    prefix = None

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any):
        super().__init__(*args, instrument=instrument, **kwargs)
        del self.fields["kind"]


class DutyForm(forms.Form):
    prefix = "duty"
    title = forms.CharField(label="Nhiệm vụ", max_length=500)
    clause = forms.ModelChoiceField(
        label="Theo điều", required=False, queryset=Clause.objects.none()
    )
    responsible = forms.ModelMultipleChoiceField(
        label="Bên thực hiện",
        queryset=Party.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Chọn ít nhất một bên thực hiện."},
    )
    recurrence = forms.ChoiceField(label="Định kỳ", choices=Recurrence.choices)
    next_due = date_field("Hạn tiếp theo", help_text="Để trống với nhiệm vụ theo từng vụ việc.")

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["clause"].queryset = instrument.clauses.filter(  # type: ignore[attr-defined]
            kind=ClauseKind.ARTICLE
        ).order_by("number")
        parties: QuerySet[Party] = instrument.parties.select_related("unit", "partner")
        self.fields["responsible"].queryset = parties  # type: ignore[attr-defined]
        self.fields["responsible"].label_from_instance = lambda p: p.name  # type: ignore[attr-defined]

    def duty_data(self) -> DutyData:
        data = self.cleaned_data
        return DutyData(
            title=data["title"],
            recurrence=data["recurrence"],
            responsible=list(data["responsible"]),
            next_due=data["next_due"],
            clause=data["clause"],
        )


class DutyDoneForm(forms.Form):
    done_on = date_field("Ngày thực hiện", required=True)
    result = forms.CharField(label="Kết quả", max_length=500)


class ReviewForm(forms.Form):
    kind = forms.ChoiceField(label="Hình thức", choices=ReviewKind.choices)
    held_on = date_field("Ngày tổ chức", required=True)
    period_from = date_field("Kỳ đánh giá từ ngày", required=True)
    period_to = date_field("Kỳ đánh giá đến ngày", required=True)
    assessment = forms.CharField(label="Đánh giá chung", required=False, widget=text_area())
    results = forms.CharField(label="Kết quả đạt được", required=False, widget=text_area(4))
    problems = forms.CharField(label="Tồn tại, hạn chế", required=False, widget=text_area())
    decision = forms.ChoiceField(label="Quyết định", choices=Decision.choices)
    note = forms.CharField(label="Phương hướng, ghi chú", required=False, widget=text_area())

    def review_data(self) -> ReviewData:
        return ReviewData(**self.cleaned_data)


class AttachmentForm(forms.Form):
    prefix = "scan"
    file = forms.FileField(
        label="Bản quét văn bản đã ký (PDF, JPG, PNG; tối đa 10 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx) hoặc CSV theo mẫu")


class FilterForm(forms.Form):
    """The list's filters (GET); the same filters drive the Excel export."""

    q = forms.CharField(label="Tìm", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Loại", required=False, choices=[("", "Tất cả"), *InstrumentKind.choices]
    )
    partner = PartnerChoiceField(
        label="Cơ quan phối hợp",
        required=False,
        help_text="",
        empty_label="Tất cả",
        error_messages={"invalid_choice": UNKNOWN_PARTNER},
    )
    status = forms.ChoiceField(
        label="Trạng thái", required=False, choices=[("", "Tất cả"), *Status.choices]
    )
    tu_ngay = date_field("Có hiệu lực từ ngày")
    den_ngay = date_field("đến ngày")

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].offer(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end and end < start:
            self.add_error("den_ngay", "Ngày cuối phải sau ngày đầu.")
        return data

    def filters(self) -> selectors.Filters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return selectors.Filters(
            query=data["q"],
            kind=data["kind"],
            partner=data["partner"],
            status=data["status"],
            date_from=data["tu_ngay"],
            date_to=data["den_ngay"],
        )
