import sqlite3
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from kiemsat.backup.errors import BackupError
from kiemsat.backup.services import backup_restore
from kiemsat.lib.vn import format_int


class Command(BaseCommand):
    help = (
        "Phục hồi cơ sở dữ liệu và tệp đính kèm từ một bản sao lưu, kiểm tra số dòng và "
        "SHA-256 theo manifest. Chỉ ghi vào cơ sở dữ liệu trống, trừ khi có --force. "
        "Dừng máy chủ trước khi phục hồi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Tệp sao lưu do lệnh backup tạo")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Thay toàn bộ dữ liệu đang có (tệp đính kèm cũ được chuyển sang thư mục bên)",
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            done = backup_restore(source=Path(str(options["path"])), force=bool(options["force"]))
        except (BackupError, DatabaseError, sqlite3.Error, OSError) as error:
            raise CommandError(f"Không phục hồi: {error}") from error
        event = done.event
        taken = timezone.localtime(event.taken_at).strftime("%d/%m/%Y %H:%M")
        self.stdout.write(
            f"Đã phục hồi bản sao lưu lúc {taken} (phiên bản {done.manifest['version']}): "
            f"{format_int(event.tables)} bảng, {format_int(event.rows)} dòng, "
            f"{format_int(event.files)} tệp đính kèm; số dòng và mã kiểm tra khớp manifest."
        )
        if done.set_aside:
            self.stdout.write(f"Tệp đính kèm cũ được chuyển sang {done.set_aside}.")
        if done.migrated:
            self.stdout.write(f"Đã nâng cấp cấu trúc dữ liệu: {done.migrated} bước migrate.")
