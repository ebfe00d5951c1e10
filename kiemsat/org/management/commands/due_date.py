from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.org.selectors import work_calendar


class Command(BaseCommand):
    help = (
        "Tính hạn: không tính ngày xảy ra sự kiện; hạn rơi vào ngày nghỉ thì chuyển sang "
        "ngày làm việc tiếp theo. In ra YYYY-MM-DD."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="Ngày sự kiện YYYY-MM-DD")
        parser.add_argument("--days", type=int, required=True, help="Số ngày")
        kind = parser.add_mutually_exclusive_group(required=True)
        kind.add_argument("--working", action="store_true", help="Tính theo ngày làm việc")
        kind.add_argument("--calendar", action="store_true", help="Tính theo ngày lịch")

    def handle(self, *args: object, **options: object) -> None:
        try:
            start = date.fromisoformat(str(options["start"]))
        except ValueError as exc:
            raise CommandError(
                f"--from: ngày không hợp lệ '{options['start']}' (YYYY-MM-DD)"
            ) from exc
        days = int(str(options["days"]))
        if days < 1:
            raise CommandError("--days: số ngày phải từ 1 trở lên")
        due = work_calendar().due_date(start, days, working=bool(options["working"]))
        self.stdout.write(due.isoformat())
