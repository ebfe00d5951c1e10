import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kiemsat.ingest import readers
from kiemsat.ingest.extraction import extract
from kiemsat.ingest.report import facts_table


class Command(BaseCommand):
    help = (
        "Đọc một tin bài (.txt, .html, .docx, .pdf) và in các dữ kiện: loại sự kiện, ngày, "
        "địa điểm, văn bản ký kết, các bên, người tham dự, chỉ tiêu, chủ đề. Không cần mạng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            raw = readers.read_path(options["path"])
        except readers.ReadRefused as refused:
            raise CommandError(str(refused)) from None
        facts = extract(raw)
        if options["format"] == "json":
            self.stdout.write(json.dumps(facts.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(facts_table(facts))
