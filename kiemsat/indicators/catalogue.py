"""Loading a catalogue of metrics and indicators from YAML or an Excel workbook.

YAML follows the sector's starter file (catalogue, metrics, indicators). An Excel workbook
has a sheet "metrics" (code, name, aggregation) and a sheet "indicators" with the columns
code, field, name, numerator, denominator, count, base, op, target, levels, verified,
target_verified, and optionally a sheet "catalogue" (key, value rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from kiemsat.audit.services import record, save_recorded
from kiemsat.indicators.formula import metric_codes
from kiemsat.indicators.models import Aggregation, Catalogue, Confidence, Indicator, Metric, Op
from kiemsat.indicators.providers import derived_codes
from kiemsat.lib.excel import ImportRefused, open_xlsx, read_limited

STARTER = Path(__file__).resolve().parent / "data" / "catalog.yaml"


@dataclass
class LoadResult:
    catalogue: Catalogue
    metrics_created: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0


def read_catalogue_file(path: Path) -> dict[str, Any]:
    """Parse a YAML or XLSX catalogue into the YAML structure."""
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValidationError(
                "Tệp danh mục không đúng cấu trúc (cần catalogue, metrics, indicators)."
            )
        return data
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise ValidationError(f"Không đọc được tệp '{path.name}': chỉ nhận .yaml hoặc .xlsx.")


MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_XLSX_ROWS = 10_000  # a catalogue has tens of metrics and indicators, not thousands


def _read_xlsx(path: Path) -> dict[str, Any]:
    """The sheets of a catalogue workbook, opened through the shared checks (size unpacked,
    rows declared) like every other spreadsheet."""
    try:
        with path.open("rb") as stream:
            book = open_xlsx(read_limited(stream, MAX_XLSX_BYTES), max_rows=MAX_XLSX_ROWS)
    except ImportRefused as refused:
        raise ValidationError(refused.errors) from None
    sheets = {name.lower(): book[name] for name in book.sheetnames}
    for needed in ("metrics", "indicators"):
        if needed not in sheets:
            raise ValidationError(f"Thiếu trang tính '{needed}'.")
    catalogue = {}
    if "catalogue" in sheets:
        catalogue = {str(k): v for k, v in sheets["catalogue"].iter_rows(values_only=True) if k}
    data: dict[str, Any] = {"catalogue": catalogue}
    data["metrics"] = _sheet_rows(sheets["metrics"])
    indicators = _sheet_rows(sheets["indicators"])
    for row in indicators:
        row["target"] = {"op": row.pop("op", None), "value": row.get("target")}
        levels = row.get("levels") or ""
        row["levels"] = [
            lv.strip() for lv in str(levels).replace(";", ",").split(",") if lv.strip()
        ]
    data["indicators"] = indicators
    return data


def _sheet_rows(sheet: Any) -> list[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows, ())]
    out = []
    for values in rows:
        if any(v not in (None, "") for v in values):
            out.append(
                {h: v for h, v in zip(header, values, strict=False) if h and v not in (None, "")}
            )
    return out


def _confidence(value: Any) -> str:
    if value is True or str(value).lower() in {"true", "yes", "1", "có"}:
        return Confidence.YES
    if str(value).lower() == "partial":
        return Confidence.PARTIAL
    return Confidence.NO


def _date(value: Any, label: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):  # openpyxl reads date cells as datetimes
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValidationError(f"{label}: ngày không hợp lệ '{value}'.") from exc


def _indicator_fields(raw: dict[str, Any], position: int, known: set[str]) -> dict[str, Any]:
    where = f"Chỉ tiêu thứ {position} ({raw.get('code', '?')})"
    target = raw.get("target") or {}
    op = target.get("op")
    if op not in Op.values:
        raise ValidationError(f"{where}: phép so sánh không hợp lệ '{op}'.")
    value = target.get("value")
    try:
        target_value = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation as exc:
        raise ValidationError(f"{where}: chỉ tiêu không phải là số '{value}'.") from exc
    fields = {
        "field": str(raw.get("field", "")),
        "name": str(raw.get("name", "")),
        "kind": "count" if raw.get("count") else "ratio",
        "numerator": str(raw.get("numerator") or ""),
        "denominator": str(raw.get("denominator") or ""),
        "count": str(raw.get("count") or ""),
        "base": str(raw.get("base") or ""),
        "op": op,
        "target": target_value,
        "levels": list(raw.get("levels") or []),
        "verified": _confidence(raw.get("verified")),
        "target_verified": _confidence(raw.get("target_verified")),
    }
    for part in ("numerator", "denominator", "count", "base"):
        if fields[part]:
            try:
                unknown = metric_codes(fields[part]) - known
            except ValueError as exc:
                raise ValidationError(f"{where}: {exc}") from exc
            if unknown:
                raise ValidationError(
                    f"{where}: số liệu chưa khai báo {', '.join(sorted(unknown))}."
                )
    return fields


@transaction.atomic
def catalogue_load(*, data: dict[str, Any], actor: Any = None, source: str = "") -> LoadResult:
    """Create or update a catalogue, its metrics and its indicator versions; all or nothing."""
    head = data.get("catalogue") or {}
    code = str(head.get("code") or "").strip()
    effective_from = _date(head.get("effective_from"), "Ngày áp dụng")
    if not code or effective_from is None:
        raise ValidationError("Danh mục cần có mã (code) và ngày áp dụng (effective_from).")
    catalogue, _ = Catalogue.objects.update_or_create(
        code=code,
        defaults={
            "name": str(head.get("name") or code),
            "basis": str(head.get("basis") or ""),
            "effective_from": effective_from,
            "effective_to": _date(head.get("effective_to"), "Ngày hết hiệu lực"),
        },
    )
    result = LoadResult(catalogue)
    derived = derived_codes()
    for position, raw in enumerate(data.get("metrics") or [], start=1):
        if raw.get("aggregation") not in Aggregation.values:
            raise ValidationError(
                f"Số liệu thứ {position}: cách cộng không hợp lệ '{raw.get('aggregation')}'."
            )
        metric, created = Metric.objects.update_or_create(
            code=raw["code"],
            defaults={
                "name": raw.get("name", raw["code"]),
                "aggregation": raw["aggregation"],
                "derived": raw["code"] in derived,
            },
        )
        result.metrics_created += created
        if created:
            record(actor=actor, action="indicators.metric_create", obj=metric)
    known = set(Metric.objects.values_list("code", flat=True))
    for position, raw in enumerate(data.get("indicators") or [], start=1):
        fields = _indicator_fields(raw, position, known)
        _upsert_indicator(catalogue, str(raw["code"]), fields, result, actor, source)
    return result


def _upsert_indicator(
    catalogue: Catalogue,
    code: str,
    fields: dict[str, Any],
    result: LoadResult,
    actor: Any,
    source: str,
) -> None:
    fields = {**fields, "effective_to": catalogue.effective_to, "catalogue": catalogue}
    fields["source"] = source or catalogue.basis
    current = Indicator.objects.filter(code=code, effective_from=catalogue.effective_from).first()
    if current is None:
        indicator = Indicator(code=code, effective_from=catalogue.effective_from, **fields)
        indicator.full_clean()
        indicator.save()
        result.indicators_created += 1
        record(actor=actor, action="indicators.indicator_create", obj=indicator)
        return
    changes = {
        k: [str(getattr(current, k)), str(v)] for k, v in fields.items() if getattr(current, k) != v
    }
    if changes:
        for key, value in fields.items():
            setattr(current, key, value)
        current.full_clean()
        current.save()
        result.indicators_updated += 1
        record(actor=actor, action="indicators.indicator_update", obj=current, changes=changes)


@transaction.atomic
def metrics_flag_derived() -> int:
    """Mark ``derived`` every metric a registered provider computes (audited); returns how
    many changed. A reference seeder: metrics loaded before the provider stay in step."""
    flagged = 0
    for metric in Metric.objects.filter(code__in=derived_codes(), derived=False):
        metric.derived = True
        changes = {"derived": [False, True]}
        save_recorded(metric, actor=None, action="seed", changes=changes, update_fields=["derived"])
        flagged += 1
    return flagged


def load_starter() -> None:
    """The starter catalogue that seed_reference installs."""
    catalogue_load(data=read_catalogue_file(STARTER), source="Bộ khởi đầu (catalog.yaml)")
