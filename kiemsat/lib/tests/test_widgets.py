"""The Python-drawn select boxes give Django's markup, option for option."""

from __future__ import annotations

import re

import pytest
from django import forms

from kiemsat.lib.widgets import QuickSelect, QuickSelectMultiple

CHOICES = [
    ("", "– Chọn –"),
    ("1", "VKSND tỉnh Quảng Ninh"),
    ("Đã kết thúc", [("2", 'Hạ Long <cũ> & "khác"'), ("3", "Hà Giang")]),
    ("4", "Cao Bằng"),
]


def _tags(html: str) -> str:
    """The markup without the line breaks and indentation between tags."""
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    ("quick", "plain", "value"),
    [
        (QuickSelect, forms.Select, "2"),
        (QuickSelect, forms.Select, ""),
        (QuickSelect, forms.Select, None),
        (QuickSelectMultiple, forms.SelectMultiple, ["1", "3"]),
        (QuickSelectMultiple, forms.SelectMultiple, []),
    ],
)
def test_a_quick_select_draws_what_django_draws(
    quick: type[forms.Select], plain: type[forms.Select], value: object
) -> None:
    attrs = {"id": "id_unit", "required": True, "data-search": "/tim?q=a&b", "disabled": False}
    ours = quick(choices=CHOICES).render("unit", value, attrs=attrs)
    theirs = plain(choices=CHOICES).render("unit", value, attrs=attrs)
    assert _tags(ours) == _tags(theirs)
    assert "&lt;cũ&gt; &amp; &quot;khác&quot;" in ours
    assert ours.count(" selected") == (len(value) if isinstance(value, list) else 1)
