"""The quota grid (units × quota indicators of a work year) and the quota file upload."""

from __future__ import annotations

from typing import Any

from django import forms

from kiemsat.indicators.quota_imports import MAX_QUOTA, QuotaRow
from kiemsat.indicators.quotas import QuotaGrid
from kiemsat.org.models import Unit


def cell_name(unit: Unit, code: str) -> str:
    return f"q-{unit.pk}-{code}"


class QuotaGridForm(forms.Form):
    """One whole-number box per unit × indicator that applies to the unit's level;
    an empty box means no quota."""

    def __init__(self, *args: Any, grid: QuotaGrid, disabled: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.grid = grid
        for unit in grid.units:
            for indicator in grid.indicators:
                if not grid.applies(unit, indicator):
                    continue
                self.fields[cell_name(unit, indicator.code)] = forms.IntegerField(
                    label=f"{indicator.code} – {unit.name}",
                    required=False,
                    min_value=0,
                    max_value=MAX_QUOTA,
                    disabled=disabled,
                    initial=grid.values.get((unit.pk, indicator.code)),
                    error_messages={
                        "invalid": "Nhập số nguyên không âm.",
                        "min_value": "Không được âm.",
                        "max_value": "Quá lớn.",
                    },
                    widget=forms.NumberInput(
                        attrs={
                            "min": 0,
                            "step": 1,
                            "inputmode": "numeric",
                            "class": "quota",
                            "aria-label": f"{indicator.code} – {unit.name}",
                        }
                    ),
                )

    def rows(self) -> list[tuple[Unit, list[forms.BoundField | None]]]:
        """Per unit, the box of each indicator column (None where it does not apply)."""
        return [
            (
                unit,
                [
                    self[name] if (name := cell_name(unit, ind.code)) in self.fields else None
                    for ind in self.grid.indicators
                ],
            )
            for unit in self.grid.units
        ]

    def quota_rows(self) -> list[QuotaRow]:
        """Every box as a row for ``quotas_set`` (an empty box clears the quota)."""
        rows: list[QuotaRow] = []
        for unit in self.grid.units:
            for indicator in self.grid.indicators:
                name = cell_name(unit, indicator.code)
                if name in self.fields:
                    value = self.cleaned_data[name]
                    rows.append(
                        QuotaRow(len(rows) + 1, unit.code, self.grid.year, indicator.code, value)
                    )
        return rows


class QuotaUploadForm(forms.Form):
    file = forms.FileField(label="Tệp chỉ tiêu giao (XLSX hoặc CSV)")
