"""Forms of the emulation pages; the rules that need the database live in the services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from kiemsat.agreements.models import Instrument
from kiemsat.emulation import titles
from kiemsat.emulation.models import Criterion
from kiemsat.emulation.services import SelfEntry
from kiemsat.org.models import Unit

EMPTY = "— Chọn —"


def _points_field(label: str, *, required: bool) -> forms.CharField:
    # Text, not a number input: staff type "12,5" with a decimal comma.
    return forms.CharField(
        label=label,
        required=required,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )


class SelfAssessForm(forms.Form):
    """One points box and one evidence note per manual leaf."""

    def __init__(self, *args: Any, leaves: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leaves = list(leaves)
        for leaf in self.leaves:
            self.fields[f"points_{leaf.pk}"] = _points_field(f"Điểm {leaf.code}", required=False)
            self.fields[f"evidence_{leaf.pk}"] = forms.CharField(
                label=f"Minh chứng {leaf.code}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"points_{c.pk}"], self[f"evidence_{c.pk}"]) for c in self.leaves]

    def entries(self) -> dict[str, SelfEntry]:
        data = self.cleaned_data
        return {
            c.code: SelfEntry(data[f"points_{c.pk}"], data[f"evidence_{c.pk}"]) for c in self.leaves
        }


def _leaf_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Tiêu chí",
        error_messages={"invalid_choice": "Chỉ chọn được tiêu chí chấm theo minh chứng của bảng."},
    )


class AdjustForm(forms.Form):
    criterion = _leaf_field()
    points = _points_field("Điểm cụm trưởng chấm", required=True)
    reason = forms.CharField(
        label="Lý do điều chỉnh", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, leaves: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = _leaf_choices(leaves)  # type: ignore[attr-defined]


class EvidenceForm(forms.Form):
    prefix = "evidence"
    criterion = _leaf_field()
    file = forms.FileField(
        label="Tệp minh chứng (PDF, JPG, PNG; tối đa 10 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: Any, leaves: Sequence[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = _leaf_choices(leaves)  # type: ignore[attr-defined]


def _leaf_choices(leaves: Sequence[Criterion]) -> list[tuple[str, str]]:
    return [("", EMPTY), *[(c.code, f"{c.code}. {c.name}") for c in leaves]]


class ExclusionForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none(), empty_label=EMPTY)
    reason = forms.CharField(label="Lý do không xét thi đua", max_length=500)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = members  # type: ignore[attr-defined]


class OfficersForm(forms.Form):
    leader = forms.ModelChoiceField(
        label="Cụm trưởng", queryset=Unit.objects.none(), empty_label=EMPTY
    )
    deputy = forms.ModelChoiceField(
        label="Cụm phó", queryset=Unit.objects.none(), required=False, empty_label="(không có)"
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("leader", "deputy"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]


class CovenantForm(forms.Form):
    covenant = forms.ModelChoiceField(
        label="Giao ước thi đua của năm",
        queryset=Instrument.objects.none(),
        required=False,
        empty_label="(chưa gắn giao ước)",
        error_messages={"invalid_choice": "Không có giao ước này trong phạm vi của bạn."},
    )

    def __init__(self, *args: Any, choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["covenant"].queryset = choices  # type: ignore[attr-defined]


class ProposalForm(forms.Form):
    prefix = "proposal"
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none(), empty_label=EMPTY)
    title = forms.ChoiceField(label="Danh hiệu")
    votes_for = forms.IntegerField(
        label="Số phiếu đồng ý (với Cờ thi đua)",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={"invalid": "Số phiếu phải là số nguyên."},
    )
    note = forms.CharField(label="Ghi chú", required=False, max_length=2000)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = members  # type: ignore[attr-defined]
        rules = [(r.code, r.name) for r in titles.rules()]
        self.fields["title"].choices = [("", EMPTY), *rules]  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do mở lại", max_length=2000)
