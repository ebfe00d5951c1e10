"""PDF from an HTML template with WeasyPrint; fonts with Vietnamese glyphs (Liberation, DejaVu)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

PDF = "application/pdf"


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return bytes(HTML(string=html).write_pdf())
