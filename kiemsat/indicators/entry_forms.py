from __future__ import annotations

from django import forms

from kiemsat.indicators.models import Metric
from kiemsat.lib.forms import MonthField


class MonthForm(forms.Form):
    month = MonthField(label="Tháng", required=False)


class FigureGridForm(forms.Form):
    """One whole-number input per metric that may be typed (derived ones are excluded)."""

    def __init__(self, *args, metrics: list[Metric], locked: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.metrics = metrics
        for metric in metrics:
            self.fields[metric.code] = forms.IntegerField(
                label=metric.name,
                required=False,
                min_value=0,
                disabled=locked,
                error_messages={
                    "invalid": "Nhập số nguyên không âm.",
                    "min_value": "Không được âm.",
                },
                widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            )

    def filled(self) -> dict[str, int]:
        return {code: v for code, v in self.cleaned_data.items() if v is not None}


class UploadForm(forms.Form):
    file = forms.FileField(label="Tệp số liệu (CSV hoặc XLSX)")


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Lý do mở lại", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RangeForm(forms.Form):
    start = MonthField(label="Từ tháng")
    end = MonthField(label="Đến tháng")

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("Tháng bắt đầu phải trước tháng kết thúc.")
        if start and end and end.index - start.index > 35:
            raise forms.ValidationError("Mẫu nhập tối đa 36 tháng.")
        return data
