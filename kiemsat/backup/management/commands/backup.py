import sqlite3
from fractions import Fraction
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from kiemsat.backup.errors import BackupError
from kiemsat.backup.services import backup_create
from kiemsat.lib.vn import format_decimal, format_int


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (đang chạy) và các tệp đính kèm vào một tệp .tar có manifest "
        "(số dòng mỗi bảng, SHA-256 mỗi tệp); tên kết thúc .tar.gz thì nén."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Tệp sao lưu sẽ ghi, ví dụ kiemsat.tar")

    def handle(self, *args: object, **options: object) -> None:
        try:
            event = backup_create(target=Path(str(options["path"])))
        except (BackupError, DatabaseError, sqlite3.Error, OSError) as error:
            raise CommandError(f"Không sao lưu được: {error}") from error
        size = _size(event.size)
        self.stdout.write(
            f"Đã sao lưu vào {event.archive}: {format_int(event.tables)} bảng, "
            f"{format_int(event.rows)} dòng, {format_int(event.files)} tệp đính kèm, {size}."
        )
        self.stdout.write(f"SHA-256: {event.archive_sha256}")


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{format_decimal(Fraction(size, 1024), 1)} KB"
    return f"{format_decimal(Fraction(size, 1024 * 1024), 1)} MB"
