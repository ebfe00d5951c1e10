"""Loading a criteria table (bảng tiêu chí chấm điểm) from YAML or an Excel workbook.

The YAML holds code, name, level, effective_from, a tree of criteria (only leaves carry
``max``) and the bands. A workbook has a sheet "about" (key, value rows), a sheet
"criteria" (code, parent, name, max, source, kind, indicators, per_status) and a sheet
"bands" (name, min); indicators are separated by commas, per_status reads
"VUOT=3; DAT=2; KHONG_DAT=-2". A sheet is versioned by its effective date like the
indicator catalogue: a changed table is a new version with its own ``effective_from``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from kiemsat.audit.services import record
from kiemsat.emulation.models import Band, Criterion, CriterionKind, Score, ScoreSheet, Source
from kiemsat.emulation.scoring import parse_points
from kiemsat.indicators.engine import Status
from kiemsat.indicators.models import Indicator
from kiemsat.lib.excel import ImportRefused, open_xlsx, read_limited
from kiemsat.org.models import Level

CRITERIA_COLUMNS = ("code", "parent", "name", "max", "source", "kind", "indicators", "per_status")

MAX_XLSX_BYTES = 5 * 1024 * 1024
MAX_XLSX_ROWS = 10_000  # a score sheet has tens of criteria


@dataclass
class LoadResult:
    sheet: ScoreSheet
    status: str  # "created", "replaced" or "unchanged"
    leaves: int


def read_sheet_file(path: Path) -> dict[str, Any]:
    """The YAML structure of a sheet, from a .yaml or .xlsx file."""
    suffix = path.suffix.lower()
    if suffix in {".yaml", ".yml"}:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ValidationError(f"Tệp '{path.name}' không phải YAML hợp lệ.") from exc
        if not isinstance(data, dict):
            raise ValidationError("Tệp không đúng cấu trúc (cần code, name, level, criteria…).")
        return data
    if suffix == ".xlsx":
        try:
            with path.open("rb") as stream:
                return _read_xlsx(read_limited(stream, MAX_XLSX_BYTES))
        except ImportRefused as refused:  # too large, damaged, a zip bomb, too many rows
            raise ValidationError(refused.errors) from None
    raise ValidationError(f"Không đọc được tệp '{path.name}': chỉ nhận .yaml hoặc .xlsx.")


def _rows(sheet: Any) -> list[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip().lower() for c in next(rows, ())]
    return [
        dict(zip(header, row, strict=False))
        for row in rows
        if any(c not in (None, "") for c in row)
    ]


def _read_xlsx(data: bytes) -> dict[str, Any]:
    book = open_xlsx(data, max_rows=MAX_XLSX_ROWS)
    sheets = {name.lower(): book[name] for name in book.sheetnames}
    for needed in ("about", "criteria", "bands"):
        if needed not in sheets:
            raise ValidationError(f"Thiếu trang tính '{needed}'.")
    head = {str(k).strip(): v for k, v, *_ in sheets["about"].iter_rows(values_only=True) if k}
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for row in _rows(sheets["criteria"]):
        node = {k: row.get(k) for k in CRITERIA_COLUMNS if row.get(k) not in (None, "")}
        code = node["code"] = str(node.get("code", "")).strip()
        node["indicators"] = [
            c.strip() for c in str(row.get("indicators") or "").split(",") if c.strip()
        ]
        node["per_status"] = _per_status_text(str(row.get("per_status") or ""))
        parent = str(node.pop("parent", "") or "").strip()
        nodes[code] = node
        (nodes[parent].setdefault("children", []) if parent in nodes else roots).append(node)
    return {**head, "criteria": roots, "bands": _rows(sheets["bands"])}


def _per_status_text(text: str) -> dict[str, str]:
    pairs = [part.split("=", 1) for part in text.replace(",", ";").split(";") if "=" in part]
    return {k.strip(): v.strip() for k, v in pairs}


# --- checking ------------------------------------------------------------------------------


@dataclass
class _Node:
    code: str
    name: str
    depth: int
    parent: str | None
    max_points: Decimal | None = None
    source: str = ""
    kind: str = CriterionKind.NORMAL
    indicators: tuple[str, ...] = ()
    per_status: tuple[tuple[str, str], ...] = ()


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"effective_from '{value}' không phải ngày dạng YYYY-MM-DD") from None


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.nodes: list[_Node] = []
        self.known = set(Indicator.objects.values_list("code", flat=True))

    def walk(self, items: Any, depth: int, parent: str | None) -> None:
        if not isinstance(items, list) or not items:
            where = f"tiêu chí '{parent}'" if parent else "criteria"
            self.errors.append(f"{where}: cần một danh sách tiêu chí")
            return
        for item in items:
            self.node(item if isinstance(item, dict) else {}, depth, parent)

    def node(self, item: dict[str, Any], depth: int, parent: str | None) -> None:
        code = str(item.get("code") or "").strip()
        where = f"tiêu chí '{code}'" if code else f"một tiêu chí dưới '{parent or 'gốc'}'"
        if not code:
            self.errors.append(f"{where}: thiếu mã (code)")
        elif any(n.code == code for n in self.nodes):
            self.errors.append(f"{where}: mã bị trùng")
        name = str(item.get("name") or "").strip()
        if not name:
            self.errors.append(f"{where}: thiếu tên (name)")
        node = _Node(code, name, depth, parent)
        self.nodes.append(node)
        children = item.get("children")
        if children:
            if item.get("max") not in (None, ""):
                self.errors.append(f"{where}: tiêu chí có tiêu chí con không mang điểm (max)")
            self.walk(children, depth + 1, code)
        else:
            self.leaf(node, item, where)

    def leaf(self, node: _Node, item: dict[str, Any], where: str) -> None:
        try:
            node.max_points = parse_points(item.get("max"))
        except ValueError as exc:
            self.errors.append(f"{where}: max: {exc}")
        node.source = str(item.get("source") or "")
        node.kind = str(item.get("kind") or CriterionKind.NORMAL)
        if node.source not in Source.values:
            self.errors.append(f"{where}: source phải là indicators hoặc manual")
        if node.kind not in CriterionKind.values:
            self.errors.append(f"{where}: kind phải là normal, bonus hoặc penalty")
        if node.source == Source.INDICATORS:
            self.indicator_leaf(node, item, where)

    def indicator_leaf(self, node: _Node, item: dict[str, Any], where: str) -> None:
        codes = [str(c).strip() for c in item.get("indicators") or []]
        if not codes:
            self.errors.append(f"{where}: cần danh sách chỉ tiêu (indicators)")
        unknown = [c for c in codes if c not in self.known]
        if unknown:
            self.errors.append(f"{where}: không có chỉ tiêu {', '.join(unknown)}")
        per_status = item.get("per_status") or {}
        if not isinstance(per_status, dict) or not per_status:
            self.errors.append(f"{where}: cần điểm theo kết quả (per_status)")
            per_status = {}
        pairs: list[tuple[str, str]] = []
        for status, raw in per_status.items():
            if status not in Status.__members__:
                self.errors.append(f"{where}: kết quả '{status}' không có trong bộ chỉ tiêu")
                continue
            try:
                pairs.append((status, str(parse_points(raw, signed=True))))
            except ValueError as exc:
                self.errors.append(f"{where}: per_status {status}: {exc}")
        node.indicators, node.per_status = tuple(codes), tuple(pairs)

    def bands(self, items: Any) -> list[tuple[str, Decimal]]:
        if not isinstance(items, list) or not items:
            self.errors.append("bands: cần danh sách xếp loại")
            return []
        out: list[tuple[str, Decimal]] = []
        for number, item in enumerate(items, start=1):
            item = item if isinstance(item, dict) else {}
            name = str(item.get("name") or "").strip()
            try:
                minimum = parse_points(item.get("min"))
            except ValueError as exc:
                self.errors.append(f"bands, mục {number}: min: {exc}")
                continue
            if not name:
                self.errors.append(f"bands, mục {number}: thiếu tên (name)")
            out.append((name, minimum))
        if len({m for _, m in out}) != len(out):
            self.errors.append("bands: hai xếp loại có cùng mức điểm tối thiểu")
        return sorted(out, key=lambda b: -b[1])


@dataclass
class CheckedSheet:
    values: dict[str, Any]
    nodes: list[_Node]
    bands: list[tuple[str, Decimal]]


def check_sheet(data: dict[str, Any]) -> CheckedSheet:
    """Every problem of the file at once (ValidationError), else what to write."""
    checker = _Checker()
    values: dict[str, Any] = {}
    for key in ("code", "name", "level"):
        values[key] = str(data.get(key) or "").strip()
        if not values[key]:
            checker.errors.append(f"thiếu {key}")
    if values["level"] and values["level"] not in Level.values:
        checker.errors.append(f"level phải là một trong {', '.join(Level.values)}")
    try:
        values["effective_from"] = _date(data.get("effective_from"))
    except ValueError as exc:
        checker.errors.append(str(exc))
    values["illustrative"] = bool(data.get("illustrative", False))
    values["note"] = str(data.get("note") or "").strip()
    checker.walk(data.get("criteria"), 0, None)
    bands = checker.bands(data.get("bands"))
    if checker.errors:
        raise ValidationError(checker.errors)
    return CheckedSheet(values, checker.nodes, bands)


# --- writing -------------------------------------------------------------------------------


def _content(checked: CheckedSheet) -> dict[str, Any]:
    """A JSON picture of the sheet, to tell an unchanged reload from a changed one."""
    return {
        "values": {k: str(v) for k, v in checked.values.items()},
        "nodes": [[str(getattr(n, f)) for f in n.__dataclass_fields__] for n in checked.nodes],
        "bands": [[name, str(minimum)] for name, minimum in checked.bands],
    }


@transaction.atomic
def sheet_load(*, actor: Any, data: dict[str, Any], source: str = "") -> LoadResult:
    """Create a sheet version, or replace one no score uses yet; a reload that changes
    nothing writes nothing."""
    checked = check_sheet(data)
    content = _content(checked)
    values = checked.values
    sheet = ScoreSheet.objects.filter(
        code=values["code"], effective_from=values["effective_from"]
    ).first()
    leaves = sum(1 for n in checked.nodes if n.max_points is not None)
    if sheet is not None and sheet.content == content:
        return LoadResult(sheet, "unchanged", leaves)
    if sheet is not None and Score.objects.filter(criterion__sheet=sheet).exists():
        raise ValidationError(
            f"Bảng {sheet.code} áp dụng từ {sheet.effective_from:%d/%m/%Y} đã có điểm chấm: "
            "nạp bảng sửa đổi thành phiên bản mới với effective_from khác."
        )
    status = "replaced" if sheet is not None else "created"
    if sheet is None:
        sheet = ScoreSheet(**values)
    else:
        sheet.criteria.all().delete()
        sheet.bands.all().delete()
        for key, value in values.items():
            setattr(sheet, key, value)
    sheet.content = content
    sheet.full_clean()
    sheet.save()
    _write_tree(sheet, checked)
    record(
        actor=actor,
        action=f"emulation.sheet_{'load' if status == 'created' else 'replace'}",
        obj=sheet,
        changes={"source": source, "leaves": leaves, "bands": len(checked.bands)},
    )
    return LoadResult(sheet, status, leaves)


def _write_tree(sheet: ScoreSheet, checked: CheckedSheet) -> None:
    saved: dict[str, Criterion] = {}
    for order, node in enumerate(checked.nodes, start=1):
        criterion = Criterion(
            sheet=sheet,
            parent=saved.get(node.parent) if node.parent else None,
            code=node.code,
            name=node.name,
            order=order,
            depth=node.depth,
            max_points=node.max_points,
            source=node.source,
            kind=node.kind if node.max_points is not None else CriterionKind.NORMAL,
            indicators=list(node.indicators),
            per_status=dict(node.per_status),
        )
        criterion.full_clean()
        criterion.save()
        saved[node.code] = criterion
    for order, (name, minimum) in enumerate(checked.bands, start=1):
        band = Band(sheet=sheet, name=name, min_points=minimum, order=order)
        band.full_clean()
        band.save()
