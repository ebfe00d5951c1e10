"""What every app's forms share: the month field and a service's refusal shown on a form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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


def attach_errors(
    form: forms.BaseForm, exc: ValidationError, *, renamed: Mapping[str, str] | None = None
) -> None:
    """Put a service's refusal on the form: each message beside the field it names (a
    service's field name mapped to the form's through ``renamed``), the rest on top."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for name, messages in exc.message_dict.items():
        name = (renamed or {}).get(name, name)
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
