from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.indicators.catalogue import catalogue_load, read_catalogue_file


class Command(BaseCommand):
    help = "Nạp bộ chỉ tiêu từ tệp YAML hoặc XLSX (cùng các cột với bộ khởi đầu)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp '{path}'.")
        try:
            result = catalogue_load(data=read_catalogue_file(path), source=path.name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Bộ chỉ tiêu {result.catalogue.code}: thêm {result.metrics_created} số liệu, "
            f"thêm {result.indicators_created} và cập nhật {result.indicators_updated} chỉ tiêu."
        )
