"""A file of instruments, checked by reads only (the preview) or registered all or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from kiemsat.agreements.models import Instrument
from kiemsat.agreements.services.instruments import (
    instrument_check,
    instrument_register,
    number_key,
    number_used,
)
from kiemsat.lib.excel import ImportRefused


def instruments_check(*, actor: Any, rows: Sequence[Any]) -> list[tuple[int, Instrument]]:
    """Dry run of ``instruments_import``: the same checks by reads only (no transaction, so
    it never waits for nor holds the write lock); (line, unsaved instrument) per row, or
    ImportRefused with the same "dòng N: …" messages."""
    errors = [f"dòng {row.line}: {message}" for row in rows for message in row.errors]
    checked: list[tuple[int, Instrument]] = []
    seen: dict[tuple[Any, ...], Instrument] = {}
    for row in rows:
        if row.data is None:
            continue
        try:
            instrument = instrument_check(actor=actor, data=row.data, parties=row.parties)
            key = number_key(instrument)
            if key in seen:  # the import would meet the earlier row once it is saved
                raise ValidationError(number_used(instrument, seen[key]))
        except ValidationError as exc:
            errors += [f"dòng {row.line}: {message}" for message in exc.messages]
        else:
            checked.append((row.line, instrument))
            if key is not None:
                seen[key] = instrument
    if errors:
        raise ImportRefused(errors)
    return checked


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
