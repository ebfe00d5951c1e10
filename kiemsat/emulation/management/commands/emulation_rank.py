import csv
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.emulation.selectors import term_result
from kiemsat.lib.vn import format_points
from kiemsat.org.models import ClusterTerm

COLUMNS = ("rank", "unit_code", "total", "band")


class Command(BaseCommand):
    help = "Xếp hạng thi đua của một cụm trong một năm công tác: rank,unit_code,total,band."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--group", required=True, help="Mã cụm, ví dụ CUM-6")
        parser.add_argument("--year", required=True, type=int, help="Năm công tác")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args: object, **options: object) -> None:
        code, year = str(options["group"]), int(str(options["year"]))
        term = ClusterTerm.objects.filter(cluster__code=code, year=year).first()
        if term is None:
            raise CommandError(f"Không có cụm '{code}' trong năm công tác {year}.")
        result = term_result(term)
        rows = [
            {
                "rank": m.rank,
                "unit_code": m.unit.code,
                "total": str(m.total),
                "band": m.band,
                "excluded": m.excluded,
            }
            for m in result.members
        ]
        fmt = options["format"]
        if fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(
                ["" if r["rank"] is None else r["rank"], *list(r.values())[1:4]] for r in rows
            )
        elif fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self._table(result, rows)

    def _table(self, result, rows) -> None:  # type: ignore[no-untyped-def]
        sheet = result.sheet
        self.stdout.write(f"{result.term.cluster.name} – năm công tác {result.term.year}")
        self.stdout.write(f"Bảng tiêu chí: {sheet.name if sheet else 'chưa có'}")
        self.stdout.write(f"{'Hạng':>4}  {'Đơn vị':<24}  {'Tổng điểm':>9}  Xếp loại")
        for member, row in zip(result.members, rows, strict=True):
            rank = "" if row["rank"] is None else str(row["rank"])
            band = row["band"] or f"không xét thi đua: {member.excluded}"
            points = format_points(member.total)
            self.stdout.write(f"{rank:>4}  {member.unit.code:<24}  {points:>9}  {band}")
