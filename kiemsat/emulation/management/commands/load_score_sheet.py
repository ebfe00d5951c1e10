from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.emulation.sheets import read_sheet_file, sheet_load

STATUS = {"created": "đã nạp", "replaced": "đã thay nội dung", "unchanged": "không đổi"}


class Command(BaseCommand):
    help = "Nạp bảng tiêu chí chấm điểm thi đua từ tệp YAML hoặc XLSX (theo ngày áp dụng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp '{path}'.")
        try:
            result = sheet_load(actor=None, data=read_sheet_file(path), source=path.name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        sheet = result.sheet
        self.stdout.write(
            f"Bảng {sheet.code} áp dụng từ {sheet.effective_from:%d/%m/%Y}: "
            f"{STATUS[result.status]} ({result.leaves} tiêu chí chấm điểm)."
        )
