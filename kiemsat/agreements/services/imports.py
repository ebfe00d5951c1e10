"""A file of instruments, registered all or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kiemsat.agreements.services.instruments import instrument_register
from kiemsat.lib.excel import ImportRefused


@transaction.atomic
def instruments_import(*, actor: Any, rows: Sequence[Any]) -> int:
    """Register every row (excel.ImportRow) or none: each row is checked by the same rules
    as the form; any row in error refuses the whole file with "dòng N: …" messages."""
    errors = [f"dòng {row.line}: {message}" for row in rows for message in row.errors]
    count = 0
    for row in rows:
        if row.data is None:
            continue
        try:
            with transaction.atomic():
                instrument_register(actor=actor, data=row.data, parties=row.parties)
        except ValidationError as exc:
            errors += [f"dòng {row.line}: {message}" for message in exc.messages]
        else:
            count += 1
    if errors:
        raise ImportRefused(errors)
    return count
