"""manage.py units [--format csv|json] [--on YYYY-MM-DD] — the unit list (DESIGN §6)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.lib.validity import valid_on_q
from kiemsat.org.models import Unit

COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to")


class Command(BaseCommand):
    help = "Xuất danh sách đơn vị: code,name,level,parent_code,valid_from,valid_to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="Chỉ các đơn vị tồn tại ngày này.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = unit_rows(_parse_day(options["on"]))
        self.stdout.write(render(rows, options["format"], COLUMNS), ending="")


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on: ngày không hợp lệ «{text}», cần dạng YYYY-MM-DD.") from None


def unit_rows(day: date | None = None) -> list[dict[str, str]]:
    units = Unit.objects.select_related("parent").order_by("code")
    if day is not None:
        units = units.filter(valid_on_q(day))
    return [
        {
            "code": unit.code,
            "name": unit.name,
            "level": unit.level,
            "parent_code": unit.parent.code if unit.parent else "",
            "valid_from": _iso(unit.valid_from),
            "valid_to": _iso(unit.valid_to),
        }
        for unit in units
    ]


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def render(rows: list[dict[str, Any]], fmt: str, columns: tuple[str, ...]) -> str:
    """CSV with a header row, or a JSON list of objects (shared with ``groups``)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
