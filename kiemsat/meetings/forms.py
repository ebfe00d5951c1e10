"""Forms of conferences and tasks; they validate input, the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from kiemsat.agreements.selectors import visible_instruments
from kiemsat.lib.forms import MonthField
from kiemsat.meetings import selectors
from kiemsat.meetings.models import Kind, Measure, ParticipantRole, TaskStatus
from kiemsat.meetings.services import ConferenceData, ResultData
from kiemsat.meetings.task_services import TaskData
from kiemsat.org.access import access_for
from kiemsat.org.forms import PartnersChoiceField, UnitChoiceField
from kiemsat.org.models import ClusterTerm, Role, Unit
from kiemsat.oversight.forms import ANY, date_field

REQUIRED = {"required": "Cần nhập."}


class UnitsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class TermChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.cluster.name} – năm {obj.year}"


def _units(ids: Any = None) -> Any:
    qs = Unit.objects.order_by("name_folded")
    return qs if ids is None else qs.filter(pk__in=ids)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ConferenceForm(forms.Form):
    unit = UnitChoiceField(
        label="Đơn vị chủ trì",
        queryset=Unit.objects.none(),
        error_messages={"invalid_choice": "Bạn không có quyền ghi hội nghị của đơn vị này."},
    )
    kind = forms.ChoiceField(label="Loại hội nghị", choices=Kind.choices)
    title = forms.CharField(label="Tên hội nghị", max_length=500, error_messages=REQUIRED)
    held_on = date_field("Ngày tổ chức")
    starts_at = forms.TimeField(
        label="Giờ bắt đầu", required=False, input_formats=["%H:%M"], help_text="Ví dụ 08:00"
    )
    place = forms.CharField(label="Địa điểm", max_length=300, required=False)
    online = forms.BooleanField(label="Trực tuyến", required=False)
    bridge_units = UnitsChoice(
        label="Điểm cầu là đơn vị", queryset=Unit.objects.none(), required=False
    )
    bridge_places = forms.CharField(
        label="Điểm cầu khác (mỗi dòng một nơi)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    co_units = UnitsChoice(label="Đơn vị cùng tổ chức", queryset=_units(), required=False)
    partners = PartnersChoiceField(label="Cơ quan phối hợp tổ chức", required=False)
    instruments = forms.ModelMultipleChoiceField(
        label="Văn bản phối hợp ký kết, đánh giá", queryset=Unit.objects.none(), required=False
    )
    cluster_term = TermChoice(
        label="Cụm thi đua (năm)",
        queryset=ClusterTerm.objects.select_related("cluster").order_by("cluster__code", "-year"),
        required=False,
    )
    work_year = forms.IntegerField(
        label="Năm công tác", min_value=2000, max_value=2100, required=False
    )
    theme = forms.CharField(label="Chủ đề năm", max_length=300, required=False)
    breakthrough = forms.CharField(label="Khâu đột phá", max_length=300, required=False)
    agenda = forms.CharField(
        label="Chương trình hội nghị", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reports = forms.CharField(
        label="Báo cáo trình bày", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    speeches = forms.CharField(
        label="Ý kiến phát biểu", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    speech_count = forms.IntegerField(
        label="Số ý kiến phát biểu", min_value=0, max_value=999, required=False
    )
    summary = forms.CharField(
        label="Nội dung chính", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.CharField(label="Nguồn", max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, fixed_unit: Unit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        if fixed_unit is not None:
            unit_field.queryset = _units([fixed_unit.pk])  # type: ignore[attr-defined]
            unit_field.initial = fixed_unit.pk
            unit_field.disabled = True
        else:
            unit_field.queryset = _units(access_for(user).unit_ids(Role.STAFF))  # type: ignore[attr-defined]
        self.fields["bridge_units"].queryset = _units(access_for(user).unit_ids())  # type: ignore[attr-defined]
        self.fields["partners"].offer(user)  # type: ignore[attr-defined]
        self.fields["instruments"].queryset = visible_instruments(user).order_by("-signed_on")  # type: ignore[attr-defined]

    def data_object(self) -> ConferenceData:
        d = self.cleaned_data
        scalars = {name: d[name] for name in ConferenceData.SCALARS}
        for name in ("title", "place", "agenda", "reports", "speeches", "theme", "breakthrough"):
            scalars[name] = scalars[name].strip()
        return ConferenceData(
            **scalars,
            co_units=list(d["co_units"]),
            partners=list(d["partners"]),
            instruments=list(d["instruments"]),
            bridge_units=list(d["bridge_units"]),
            bridge_places=_lines(d["bridge_places"]),
        )


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label="Vai trò", choices=ParticipantRole.choices)
    name = forms.CharField(label="Họ và tên", max_length=120, error_messages=REQUIRED)
    title = forms.CharField(label="Chức vụ", max_length=300, required=False)
    organisation = forms.CharField(label="Cơ quan", max_length=200, required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Tên tài liệu",
        max_length=300,
        required=False,
        help_text="Ví dụ: Báo cáo tổng kết; để trống thì lấy tên tệp.",
    )
    file = forms.FileField(
        label="Tệp (PDF, Word, Excel, ảnh)", error_messages={"required": "Chọn tệp."}
    )


class ResultForm(forms.Form):
    measure = forms.ChoiceField(label="Loại kết quả", choices=Measure.choices)
    part = forms.IntegerField(label="Số chỉ tiêu đạt (vượt)", min_value=0, error_messages=REQUIRED)
    whole = forms.IntegerField(
        label="Trên tổng số", min_value=1, required=False, help_text="Để trống khi không nêu."
    )
    printed_percent = forms.DecimalField(
        label="Tỷ lệ công bố (%)",
        max_digits=4,
        decimal_places=1,
        min_value=Decimal(0),
        max_value=Decimal(100),
        required=False,
        localize=True,
        help_text="Như trong báo cáo, ví dụ 98,5",
    )
    subject_unit = UnitChoiceField(
        label="Kết quả của đơn vị", queryset=Unit.objects.none(), required=False
    )
    subject_cluster = TermChoice(
        label="hoặc của cụm thi đua",
        queryset=ClusterTerm.objects.select_related("cluster").order_by("cluster__code", "-year"),
        required=False,
    )
    with_subordinates = forms.BooleanField(label="Gồm cả cấp dưới", required=False)
    period_from = MonthField(label="Kỳ từ tháng", required=False)
    period_to = MonthField(label="đến tháng", required=False)
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["subject_unit"].queryset = _units(access_for(user).unit_ids())  # type: ignore[attr-defined]

    def data_object(self) -> ResultData:
        d = self.cleaned_data
        return ResultData(
            measure=d["measure"],
            part=d["part"],
            whole=d["whole"],
            printed_percent=d["printed_percent"],
            subject_unit=d["subject_unit"],
            subject_cluster=d["subject_cluster"],
            with_subordinates=d["with_subordinates"],
            period_from=str(d["period_from"]) if d["period_from"] else "",
            period_to=str(d["period_to"]) if d["period_to"] else "",
            note=d["note"].strip(),
        )


class ConclusionForm(forms.Form):
    text = forms.CharField(
        label="Nội dung kết luận, chỉ đạo",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=REQUIRED,
    )


class TaskForm(forms.Form):
    title = forms.CharField(label="Nhiệm vụ", max_length=500, error_messages=REQUIRED)
    unit = UnitChoiceField(
        label="Đơn vị chủ trì thực hiện",
        queryset=Unit.objects.none(),
        error_messages={
            "required": "Chọn đơn vị.",
            "invalid_choice": "Không giao được cho đơn vị này.",
        },
    )
    person = forms.CharField(label="Người phụ trách", max_length=120, required=False)
    participants = UnitsChoice(
        label="Đơn vị phối hợp", queryset=Unit.objects.none(), required=False
    )
    due_on = date_field("Hạn hoàn thành (ngày)", required=False)
    due_working_days = forms.IntegerField(
        label="hoặc số ngày làm việc kể từ hội nghị", min_value=1, max_value=365, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = _units(access_for(user).unit_ids())
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["participants"].queryset = units  # type: ignore[attr-defined]

    def data_object(self) -> TaskData:
        d = self.cleaned_data
        return TaskData(
            title=d["title"].strip(),
            unit=d["unit"],
            due_on=d["due_on"],
            due_working_days=d["due_working_days"],
            person=d["person"].strip(),
            participants=list(d["participants"]),
        )


class ReportForm(forms.Form):
    status = forms.ChoiceField(
        label="Tình trạng",
        choices=[(TaskStatus.IN_PROGRESS, "Đang thực hiện"), (TaskStatus.DONE, "Đã hoàn thành")],
    )
    reported_on = date_field("Ngày báo cáo", required=False, help_text="Để trống: hôm nay.")
    note = forms.CharField(
        label="Kết quả thực hiện", widget=forms.Textarea(attrs={"rows": 3}), error_messages=REQUIRED
    )
    evidence = forms.FileField(label="Tài liệu chứng minh (PDF, Word, Excel, ảnh)", required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Lý do trả lại", max_length=300, error_messages=REQUIRED)


class ConferenceFilterForm(forms.Form):
    q = forms.CharField(label="Tìm", required=False, max_length=100)
    kind = forms.ChoiceField(label="Loại", choices=ANY + Kind.choices, required=False)
    unit = UnitChoiceField(
        label="Đơn vị tổ chức", queryset=Unit.objects.none(), required=False, empty_label="Tất cả"
    )
    start = MonthField(label="Từ tháng", required=False)
    end = MonthField(label="đến tháng", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(access_for(user).unit_ids())  # type: ignore[attr-defined]

    def filters(self) -> selectors.ConferenceFilters:
        if not self.is_valid():
            return selectors.ConferenceFilters()
        d = self.cleaned_data
        return selectors.ConferenceFilters(
            q=d["q"].strip(),
            kind=d["kind"],
            unit_id=d["unit"].pk if d["unit"] else None,
            start=d["start"],
            end=d["end"],
        )


TASK_STATUS_CHOICES = [*TaskStatus.choices, (selectors.OVERDUE, "Quá hạn")]


class TaskFilterForm(forms.Form):
    q = forms.CharField(label="Tìm", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Tình trạng", choices=ANY + TASK_STATUS_CHOICES, required=False
    )
    unit = UnitChoiceField(
        label="Đơn vị thực hiện", queryset=Unit.objects.none(), required=False, empty_label="Tất cả"
    )
    due_from = date_field("Hạn từ ngày", required=False)
    due_to = date_field("đến ngày", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(access_for(user).unit_ids())  # type: ignore[attr-defined]

    def filters(self) -> selectors.TaskFilters:
        if not self.is_valid():
            return selectors.TaskFilters()
        d = self.cleaned_data
        return selectors.TaskFilters(
            q=d["q"].strip(),
            status=d["status"],
            unit_id=d["unit"].pk if d["unit"] else None,
            due_from=d["due_from"],
            due_to=d["due_to"],
        )
