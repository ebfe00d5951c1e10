from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from kiemsat.indicators.imports import ImportRefused, read_bytes
from kiemsat.indicators.quota_services import quotas_import_file
from kiemsat.lib.excel import exit_refused


class Command(BaseCommand):
    help = (
        "Nhập chỉ tiêu giao từ CSV/XLSX (unit_code,work_year,indicator_code,value); "
        "tất cả hoặc không dòng nào."
    )
    requires_system_checks: list[str] = []  # a data command, like import_figures

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        dry_run = bool(options["dry_run"])
        try:
            result = quotas_import_file(
                actor=None, name=path.name, data=read_bytes(path), dry_run=dry_run
            )
        except ImportRefused as refused:
            exit_refused(self.stderr, refused)
        verb = "Kiểm tra (không ghi)" if dry_run else "Đã nhập"
        self.stdout.write(
            f"{verb}: {result.rows} dòng – thêm mới {result.created}, cập nhật {result.updated}, "
            f"giữ nguyên {result.unchanged}."
        )
