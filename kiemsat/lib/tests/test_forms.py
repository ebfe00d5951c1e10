"""A service's refusal lands on the form the same way in every app."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from kiemsat.lib.forms import MonthField, attach_errors
from kiemsat.lib.periods import Month


class NumberForm(forms.Form):
    number = forms.CharField()
    note = forms.CharField(required=False)


def _bound() -> NumberForm:
    form = NumberForm({"number": "12", "note": ""})
    assert form.is_valid()
    return form


def test_field_errors_go_beside_their_field_and_the_rest_on_top() -> None:
    form = _bound()
    refusal = ValidationError({"number": ["Số đã dùng.", "Số quá dài."], "unit": ["Sai đơn vị."]})
    attach_errors(form, refusal)
    assert form.errors["number"] == ["Số đã dùng.", "Số quá dài."]
    assert form.non_field_errors() == ["Sai đơn vị."]
    assert "number" not in form.cleaned_data


def test_a_service_name_is_mapped_to_the_form_field() -> None:
    form = _bound()
    attach_errors(form, ValidationError({"year": ["Năm sai."]}), renamed={"year": "number"})
    assert form.errors == {"number": ["Năm sai."]}


@pytest.mark.parametrize(
    "refusal", [ValidationError("Đã khoá."), ValidationError(["Đã khoá.", "Hết hạn."])]
)
def test_a_message_without_field_goes_on_top(refusal: ValidationError) -> None:
    form = _bound()
    attach_errors(form, refusal)
    assert form.non_field_errors() == refusal.messages
    assert list(form.errors) == ["__all__"]


@pytest.mark.parametrize(
    ("typed", "month"), [("12/2025", Month(2025, 12)), ("2025-03", Month(2025, 3)), ("", None)]
)
def test_month_field_reads_both_spellings(typed: str, month: Month | None) -> None:
    assert MonthField(required=False).clean(typed) == month


def test_month_field_refuses_in_vietnamese() -> None:
    with pytest.raises(ValidationError) as refused:
        MonthField().clean("13/2025")
    assert refused.value.messages == [
        "“13/2025” không phải là một tháng: nhập tháng/năm, ví dụ 12/2025."
    ]
