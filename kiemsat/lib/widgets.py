"""Select boxes drawn in Python.

Django draws each option of a select through its own template include, about a tenth of
a millisecond apiece: a filter offering a province's units and partners (a few hundred
options) spent more time there than in its queries. These widgets give the same markup
(name, attributes, option groups, selected options) from one loop."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class QuickOptions:
    """A mixin for ``forms.Select`` and its subclasses: ``render`` without a template."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        groups = []
        for group_name, options, _ in widget["optgroups"]:
            body = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((o["value"], _attrs(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, body)
                if group_name
                else body
            )
        options = SafeString("".join(groups))
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], _attrs(widget["attrs"]), options
        )


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """Attributes in their order, as Django's widgets write them: False left out, True as
    the bare name."""
    return SafeString(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


class QuickSelect(QuickOptions, forms.Select):
    pass


class QuickSelectMultiple(QuickOptions, forms.SelectMultiple):
    pass


__all__ = ["QuickOptions", "QuickSelect", "QuickSelectMultiple"]
