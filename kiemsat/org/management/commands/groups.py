"""manage.py groups [--format csv|json] — emulation clusters by term (DESIGN §6)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Prefetch

from kiemsat.org.management.commands.units import render
from kiemsat.org.models import ClusterTerm, Unit

COLUMNS = ("code", "name", "year", "member_codes")


class Command(BaseCommand):
    help = "Xuất cụm, khối thi đua theo năm: code,name,year,member_codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("csv", "json"), default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render(group_rows(), options["format"], COLUMNS), ending="")


def group_rows() -> list[dict[str, Any]]:
    """One row per cluster term; member codes sorted and joined by ``;``."""
    terms = (
        ClusterTerm.objects.select_related("cluster")
        .prefetch_related(Prefetch("members", queryset=Unit.objects.only("code")))
        .order_by("cluster__code", "year")
    )
    return [
        {
            "code": term.cluster.code,
            "name": term.cluster.name,
            "year": term.year,
            "member_codes": ";".join(sorted(member.code for member in term.members.all())),
        }
        for term in terms
    ]
