"""Test helpers for the two steps of a web import: the preview, then its confirmation."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from kiemsat.lib.pending_import import path_of


def xlsx(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    """A workbook of ``header`` and a line per row (its cells by column, blank if missing)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(code, "") for code in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def token_of(preview: Any) -> dict[str, str]:
    """The confirmation form's data of a preview page."""
    assert preview.status_code == 200, preview.context.get("errors") if preview.context else None
    return {"token": preview.context["pending"].token}


def confirm(client: Any, preview: Any, **kwargs: Any) -> Any:
    """Press "Xác nhận nhập" on a preview page."""
    return client.post(preview.context["confirm_url"], token_of(preview), **kwargs)


def cancel(client: Any, preview: Any, **kwargs: Any) -> Any:
    """Press "Hủy" on a preview page."""
    return client.post(preview.context["cancel_url"], token_of(preview), **kwargs)


def pending_file(preview: Any) -> Path:
    """Where the previewed file waits."""
    return path_of(preview.context["pending"].token)
