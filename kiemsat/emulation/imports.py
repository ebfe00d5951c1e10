"""Scores from a CSV/XLSX file (``import_scores``): ``unit_code,year,criterion_code,points``,
the unit by its code or name.

Manual leaves only, all or nothing: every row is checked first and the whole file is
refused with one message per row ("dòng N: …") when any is wrong. A row sets the unit's
self-assessment of the leaf in its cluster's term of that year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kiemsat.emulation import selectors
from kiemsat.emulation.models import Criterion, Score
from kiemsat.emulation.services import check_points, manual_leaf, score_write
from kiemsat.indicators.imports import cell_text, read_table
from kiemsat.indicators.quota_imports import parse_year
from kiemsat.lib.excel import ImportRefused, error_limit_reached
from kiemsat.lib.lookup import CodeOrName, NotFound
from kiemsat.org.models import ClusterTerm, Unit
from kiemsat.org.selectors import units_by_code_or_name

HEADER = ("unit_code", "year", "criterion_code", "points")


@dataclass(slots=True)
class ScoreRow:
    line: int
    unit_code: str
    year: Any
    criterion_code: str
    points: Any


@dataclass(frozen=True)
class CheckedScore:
    term: ClusterTerm
    unit: Unit
    criterion: Criterion
    points: Decimal


@dataclass
class ImportResult:
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def parse_score_file(name: str, data: bytes) -> list[ScoreRow]:
    return [
        ScoreRow(line, cell_text(unit), year, cell_text(code), points)
        for line, (unit, year, code, points) in read_table(name, data, HEADER)
    ]


class _Terms:
    """Each (unit, year)'s cluster term, looked up once."""

    def __init__(self) -> None:
        self.cache: dict[tuple[int, int], ClusterTerm | None] = {}

    def get(self, unit: Unit, year: int) -> ClusterTerm | None:
        key = (unit.pk, year)
        if key not in self.cache:
            self.cache[key] = (
                ClusterTerm.objects.select_related("cluster")
                .filter(members=unit, year=year)
                .first()
            )
        return self.cache[key]


def _check_row(row: ScoreRow, units: CodeOrName[Unit], terms: _Terms, actor: Any) -> CheckedScore:
    try:
        unit = units.find(row.unit_code)
    except NotFound as missing:
        raise ValidationError(str(missing)) from None
    year = parse_year(row.year)
    if year is None:
        raise ValidationError(f"năm '{cell_text(row.year)}' không hợp lệ (YYYY)")
    if actor is not None and not selectors.can_score(actor, unit):
        raise ValidationError(f"bạn không có quyền chấm điểm cho {unit.name}")
    term = terms.get(unit, year)
    if term is None:
        raise ValidationError(f"{unit.name} không thuộc cụm thi đua nào năm {year}")
    if selectors.is_locked(term):
        raise ValidationError(f"điểm thi đua năm {year} của {term.cluster.name} đã khóa")
    criterion = manual_leaf(term, row.criterion_code)
    return CheckedScore(term, unit, criterion, check_points(criterion, row.points))


def check_score_rows(rows: list[ScoreRow], *, actor: Any) -> list[CheckedScore]:
    units = units_by_code_or_name(
        usable=lambda u: actor is None or selectors.can_score(actor, u), column="unit_code"
    )
    terms = _Terms()
    errors: list[str] = []
    checked: list[CheckedScore] = []
    seen: dict[tuple[int, int, int], int] = {}
    for row in rows:
        try:
            score = _check_row(row, units, terms, actor)
        except ValidationError as exc:
            errors.append(f"dòng {row.line}: {'; '.join(exc.messages)}")
        else:
            key = (score.term.pk, score.unit.pk, score.criterion.pk)
            if key in seen:
                errors.append(f"dòng {row.line}: trùng với dòng {seen[key]}")
            seen.setdefault(key, row.line)
            checked.append(score)
        if error_limit_reached(errors):
            break
    if not errors and not checked:
        errors.append("Tệp không có dòng điểm nào.")
    if errors:
        raise ImportRefused(errors)
    return checked


@transaction.atomic
def scores_import(*, actor: Any, rows: list[ScoreRow], dry_run: bool = False) -> ImportResult:
    """Set the self-assessed points of every row, all or nothing; ``dry_run`` only counts."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Cần đăng nhập.")
    checked = check_score_rows(rows, actor=actor)
    result = ImportResult(rows=len(checked))
    before = {
        (s.term_id, s.unit_id, s.criterion_id): s.self_points
        for s in Score.objects.filter(
            term__in={c.term.pk for c in checked}, unit__in={c.unit.pk for c in checked}
        )
    }
    for item in checked:
        key = (item.term.pk, item.unit.pk, item.criterion.pk)
        if key not in before:
            result.created += 1
        elif before[key] != item.points:
            result.updated += 1
        else:
            result.unchanged += 1
        if not dry_run:
            score_write(
                actor=actor,
                action="emulation.score_import",
                term=item.term,
                unit=item.unit,
                criterion=item.criterion,
                self_points=item.points,
            )
    return result


def scores_import_file(
    *, actor: Any, name: str, data: bytes, dry_run: bool = False
) -> ImportResult:
    return scores_import(actor=actor, rows=parse_score_file(name, data), dry_run=dry_run)
