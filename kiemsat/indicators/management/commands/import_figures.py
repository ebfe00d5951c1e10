from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from kiemsat.indicators.imports import ImportRefused, read_bytes
from kiemsat.indicators.services import figures_import_file, figures_preview_file
from kiemsat.lib.excel import exit_refused


class Command(BaseCommand):
    help = (
        "Nhập số liệu tháng từ CSV/XLSX (unit_code,period,metric_code,value); "
        "tất cả hoặc không dòng nào."
    )
    # A data command: the system checks import every view and take longer than a
    # typical import; `manage.py check` and the server run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        try:
            data = read_bytes(path)
            if options["dry_run"]:
                result = figures_preview_file(actor=None, name=path.name, data=data)
            else:
                result = figures_import_file(actor=None, name=path.name, data=data)
        except ImportRefused as refused:
            exit_refused(self.stderr, refused)
        verb = "Kiểm tra (không ghi)" if options["dry_run"] else "Đã nhập"
        self.stdout.write(
            f"{verb}: {result.rows} dòng – thêm mới {result.created}, cập nhật {result.updated}, "
            f"giữ nguyên {result.unchanged}; {result.units} đơn vị, {result.periods} tháng."
        )
