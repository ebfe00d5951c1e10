from __future__ import annotations

from typing import Any

from django import forms

from kiemsat.indicators.models import Metric
from kiemsat.lib.periods import Month, parse_month_text


class MonthField(forms.CharField):
    """A month typed as 12/2025 (or 2025-12); a plain text box, whatever the browser language."""

    def __init__(self, **kwargs: Any) -> None:
        attrs = {"placeholder": "MM/YYYY", "inputmode": "numeric", "size": 8}
        super().__init__(widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value: Any) -> Month | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month_text(text)
        except ValueError as exc:
            raise forms.ValidationError(
                f"“{text}” không phải là một tháng: nhập tháng/năm, ví dụ 12/2025."
            ) from exc


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
