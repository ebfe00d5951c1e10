from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.lib.excel import ImportRefused, exit_refused
from kiemsat.oversight.excel import read_file
from kiemsat.oversight.imports import check_rows, interventions_import


class Command(BaseCommand):
    help = (
        "Nhập sổ theo dõi kháng nghị, kiến nghị từ tệp XLSX/CSV (cột như tệp mẫu); "
        "có lỗi thì không nhập dòng nào và in từng lỗi 'dòng N: …'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["path"]))
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp '{path}'.")
        try:
            with path.open("rb") as stream:
                rows = read_file(path.name, stream)
            if options["dry_run"]:
                count = len(check_rows(rows, actor=None))
                self.stdout.write(f"Kiểm tra xong: {count} dòng hợp lệ (chưa ghi).")
                return
            count = interventions_import(actor=None, rows=rows, file_name=path.name)
        except ImportRefused as refused:
            exit_refused(self.stderr, refused)
        self.stdout.write(f"Đã nhập {count} văn bản.")
