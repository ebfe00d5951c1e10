"""Importing an existing register: every row checked like a typed entry, all or nothing.

Each problem is reported as "dòng N, cột C: …" and nothing is written unless every row is
good. Rows go through the same ``services.validate`` as the form, so the file cannot hold
what the page would refuse (answer before receipt, a number used twice in a year …).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kiemsat.audit.services import record
from kiemsat.lib.excel import ImportRefused, error_limit_reached, parse_date
from kiemsat.lib.lookup import CodeOrName, NotFound
from kiemsat.lib.vn import fold, format_int
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.access import access_for
from kiemsat.org.models import Partner, Role, Unit
from kiemsat.org.selectors import (
    partners_by_code_or_name,
    partners_offered,
    units_by_code_or_name,
    work_calendar,
)
from kiemsat.oversight import selectors, services
from kiemsat.oversight.excel import ImportRow, cell_text
from kiemsat.oversight.models import (
    DeadlineRule,
    Field,
    Intervention,
    Kind,
    Outcome,
    Source,
)

COLUMN_OF = {"unit": "unit_code", "recipient": "recipient_code", "rule": "rule_code"}


def _choice_map(choices: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Accept the code or the Vietnamese label, ignoring case and diacritics."""
    mapping = {fold(value): value for value, _ in choices}
    mapping.update({fold(label): value for value, label in choices})
    return mapping


@dataclass
class _Refs:
    """Units, recipients and rules by code or name; a shared name is read among the units
    the person enters records for, the recipients offered and the rules in force."""

    units: CodeOrName[Unit]
    partners: CodeOrName[Partner]
    rules: CodeOrName[DeadlineRule]
    writable: set[int] | None
    kinds: dict[str, str] = field(default_factory=lambda: _choice_map(Kind.choices))
    fields: dict[str, str] = field(default_factory=lambda: _choice_map(Field.choices))
    outcomes: dict[str, str] = field(default_factory=lambda: _choice_map(Outcome.choices))

    @classmethod
    def load(cls, actor: Any) -> _Refs:
        writable = None if actor is None else access_for(actor).unit_ids(Role.STAFF)
        offered = set(partners_offered().values_list("pk", flat=True))
        in_force = set(selectors.answer_rules().values_list("pk", flat=True))
        return cls(
            units=units_by_code_or_name(usable=lambda u: writable is None or u.pk in writable),
            partners=partners_by_code_or_name(
                what="cơ quan nhận", usable=lambda p: p.pk in offered
            ),
            rules=CodeOrName(
                DeadlineRule.objects.all(),
                what="quy tắc thời hạn",
                names=lambda rule: [rule.name, rule.legal_basis],
                usable=lambda rule: rule.pk in in_force,
            ),
            writable=writable,
        )


class _RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _cell(cells: dict[str, Any], column: str) -> str:
    raw = cell_text(cells.get(column))
    if not raw:
        raise _RowError(column, "cần nhập")
    return raw


def _lookup(mapping: dict[str, str], cells: dict[str, Any], column: str, what: str) -> str:
    raw = _cell(cells, column)
    if fold(raw) in mapping:
        return mapping[fold(raw)]
    raise _RowError(column, f"không có {what} '{raw}'")


def _find[T](finder: CodeOrName[T], cells: dict[str, Any], column: str) -> T:
    try:
        return finder.find(_cell(cells, column))
    except NotFound as exc:
        raise _RowError(column, str(exc)) from None


def _date(cells: dict[str, Any], column: str) -> date | None:
    try:
        return parse_date(cells.get(column))
    except ValueError as exc:
        raise _RowError(column, str(exc)) from exc


MAX_NUMBER = 999_999  # numbers restart each year; far above any unit's yearly count


def _number(cells: dict[str, Any]) -> int:
    text = cell_text(cells.get("number"))
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_NUMBER:
        raise _RowError(
            "number",
            f"số văn bản '{text[:30]}' phải là số nguyên từ 1 đến {format_int(MAX_NUMBER)}",
        )
    return int(text)


def _build(row: ImportRow, refs: _Refs) -> Intervention:
    cells = row.cells
    unit = _find(refs.units, cells, "unit_code")
    if refs.writable is not None and unit.pk not in refs.writable:
        raise _RowError("unit_code", f"bạn không có quyền nhập văn bản của {unit.name}")
    issued_on = _date(cells, "issued_on")
    if issued_on is None:
        raise _RowError("issued_on", "cần nhập")
    rule_code = cell_text(cells.get("rule_code"))
    outcome_text = cell_text(cells.get("outcome"))
    iv = Intervention(
        unit=unit,
        kind=_lookup(refs.kinds, cells, "kind", "loại"),
        field=_lookup(refs.fields, cells, "field", "lĩnh vực"),
        number=_number(cells),
        symbol=cell_text(cells.get("symbol")),
        issued_on=issued_on,
        recipient=_find(refs.partners, cells, "recipient_code"),
        subject=cell_text(cells.get("subject")),
        rule=_find(refs.rules, cells, "rule_code") if rule_code else None,
        received_on=_date(cells, "received_on"),
        extended_to=_date(cells, "extended_to"),
        answered_on=_date(cells, "answered_on"),
        outcome=(
            _lookup(refs.outcomes, cells, "outcome", "kết quả") if outcome_text else Outcome.PENDING
        ),
        court_decision=cell_text(cells.get("court_decision")),
        source=Source.IMPORT,
    )
    return iv


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    return [
        (COLUMN_OF.get(name, name), message)
        for name, messages in exc.message_dict.items()
        for message in messages
    ]


def _check(
    row: ImportRow, refs: _Refs, calendar: WorkCalendar, today: date, seen: set[Any]
) -> tuple[Intervention | None, list[str]]:
    try:
        iv = _build(row, refs)
        services.validate(iv, calendar=calendar, today=today)
    except _RowError as exc:
        return None, [f"dòng {row.line}, cột {exc.column}: {exc.message}"]
    except ValidationError as exc:
        return None, [
            f"dòng {row.line}" + (f", cột {col}" if col != "__all__" else "") + f": {msg}"
            for col, msg in _messages(exc)
        ]
    key = (iv.unit_id, iv.year, iv.number)
    if key in seen:
        return None, [
            f"dòng {row.line}, cột number: số {iv.number:02d} năm {iv.year} của {iv.unit.name} "
            "xuất hiện hai lần trong tệp"
        ]
    seen.add(key)
    return iv, []


def check_rows(rows: Sequence[ImportRow], *, actor: Any) -> list[Intervention]:
    """Every row built and validated; ImportRefused with all the errors if any row is wrong."""
    refs = _Refs.load(actor)
    calendar, today = work_calendar(), timezone.localdate()
    seen: set[Any] = set()
    good: list[Intervention] = []
    errors: list[str] = []
    for row in rows:
        iv, problems = _check(row, refs, calendar, today, seen)
        errors += problems
        if iv is not None:
            good.append(iv)
        if error_limit_reached(errors):
            break
    if errors:
        raise ImportRefused(errors)
    return good


@transaction.atomic
def interventions_import(*, actor: Any, rows: Sequence[ImportRow], file_name: str = "") -> int:
    """Write every row of the file, or none; returns the number of interventions created."""
    checked = check_rows(rows, actor=actor)
    for iv in checked:
        iv.save()
        record(
            actor=actor,
            action="oversight.intervention_import",
            obj=iv,
            unit_id=iv.unit_id,
            changes={"file": file_name, "number": iv.number_display, "year": iv.year},
        )
    return len(checked)
