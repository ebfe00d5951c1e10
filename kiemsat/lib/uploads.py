"""Where uploaded documents are stored and when stored files go away.

Every app that keeps an uploaded document checks it with ``kiemsat.lib.excel.check_upload``
(name, size and content must agree), stores it under a random name from ``stored_name``
(the user's name stays in the row, never in the path), and removes a stored file only once
the transaction that dropped or replaced it has committed: a refused change keeps the file
its row still points to.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models.fields.files import FieldFile


def stored_name(folder: str, filename: str) -> str:
    """A random storage name in ``folder`` keeping only the file's suffix."""
    return f"{folder}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def upload_name(upload: File, *, max_length: int, default: str = "") -> str:
    """The name the user gave an upload, as its row keeps it: the last part of the path,
    cut from the front to ``max_length`` so the suffix stays; ``default`` when it has none."""
    return (upload.name or default).rsplit("/", 1)[-1][-max_length:]


def delete_on_commit(stored: FieldFile) -> None:
    """Delete the stored file once the current transaction commits (never if it rolls back)."""
    name, storage = stored.name or "", stored.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def store_upload(stored: FieldFile, upload: File, *, name: str) -> str:
    """Store ``upload`` in the field (the model is saved by the caller); the file it
    replaces, if any, is deleted once the transaction commits. Returns the old name."""
    old_name, storage = stored.name or "", stored.storage
    stored.save(name, upload, save=False)
    if old_name and old_name != stored.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return old_name
