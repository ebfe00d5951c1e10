"""Test helpers for the two steps of a web import: the preview, then its confirmation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiemsat.lib.pending_import import path_of


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
