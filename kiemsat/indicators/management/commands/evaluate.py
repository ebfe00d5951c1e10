import csv
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.indicators import engine, selectors
from kiemsat.indicators.evaluation import Table, evaluate_unit
from kiemsat.lib.periods import MonthRange, parse_month_text
from kiemsat.org.models import Unit

COLUMNS = ["unit_code", "indicator_code", "numerator", "denominator", "value", "status"]


class Command(BaseCommand):
    help = "Đánh giá chỉ tiêu của một đơn vị hoặc một nhóm (cụm thi đua) trong một khoảng tháng."

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--unit")
        who.add_argument("--group")
        month = "Tháng MM/YYYY hoặc YYYY-MM"
        parser.add_argument("--from", dest="start", required=True, help=month)
        parser.add_argument("--to", dest="end", required=True, help=month)
        parser.add_argument("--scope", choices=["own", "with-subordinates"], default="own")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args: object, **options: object) -> None:
        try:
            start, end = (parse_month_text(str(options[k])) for k in ("start", "end"))
            months = MonthRange(start, end)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        table = self._table(options, months)
        fmt = options["format"]
        if fmt == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(_row(table.code, line.evaluation) for line in table.lines)
        elif fmt == "json":
            rows = [
                dict(zip(COLUMNS, _row(table.code, ln.evaluation), strict=True))
                for ln in table.lines
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self._print_table(table)

    def _table(self, options: dict, months: MonthRange) -> Table:
        with_subordinates = options["scope"] == "with-subordinates"
        if options["group"]:
            # The group's dashboard evaluation itself: same members, order, name and scope.
            try:
                spec = selectors.group_spec_for_code(
                    str(options["group"]), months, with_subordinates=with_subordinates
                )
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            return selectors.group_evaluation(spec).group
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã '{options['unit']}'.")
        return evaluate_unit(unit, months, with_subordinates=with_subordinates)

    def _print_table(self, table: Table) -> None:
        self.stdout.write(f"{table.name} – {table.months.label}")
        header = f"{'Chỉ tiêu':<10}{'Tử số':>12}{'Mẫu số':>12}{'Kết quả':>12}  Đánh giá"
        self.stdout.write(header)
        for line in table.lines:
            ev = line.evaluation
            self.stdout.write(
                f"{ev.indicator_code:<10}{_fmt(ev.numerator):>12}{_fmt(ev.denominator):>12}"
                f"{engine.display_value(ev):>12}  {ev.status.label}"
            )
        self.stdout.write(table.summary.headline())
        self.stdout.write(table.summary.exceeded_line())


def _fmt(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", ".")


def _row(code: str, ev: engine.Evaluation) -> list[str]:
    return [
        code,
        ev.indicator_code,
        "" if ev.numerator is None else str(ev.numerator),
        "" if ev.denominator is None else str(ev.denominator),
        engine.csv_value(ev),
        str(ev.status),
    ]
