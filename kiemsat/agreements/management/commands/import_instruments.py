from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kiemsat.agreements import excel, services
from kiemsat.lib.excel import exit_refused


class Command(BaseCommand):
    help = (
        "Nhập văn bản phối hợp đã có từ tệp Excel theo mẫu; có lỗi ở bất kỳ dòng nào thì "
        "không ghi gì (in từng lỗi dạng 'dòng N: …')."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp '{path}'.")
        try:
            with path.open("rb") as stream:
                rows = excel.read_instruments(path.name, stream)
            with transaction.atomic():
                count = services.instruments_import(actor=None, rows=rows)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except excel.ImportRefused as refused:
            exit_refused(self.stderr, refused)
        verb = "Kiểm tra xong, có thể nhập" if options["dry_run"] else "Đã nhập"
        self.stdout.write(f"{verb} {count} văn bản phối hợp.")
