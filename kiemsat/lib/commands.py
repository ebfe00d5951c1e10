"""What every `import_… PATH [--dry-run]` command shares: read the file, run the import all
or nothing, print every refusal as `dòng N: …` and exit 1, or one summary line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kiemsat.lib.excel import ImportRefused, exit_refused, read_limited

MAX_COMMAND_BYTES = 200 * 1024 * 1024  # files named on the command line


def read_path(path: Path, max_bytes: int = MAX_COMMAND_BYTES) -> bytes:
    """A file named on the command line, refused when missing or too large."""
    if not path.exists():
        raise ImportRefused([f"Không tìm thấy tệp '{path}'."])
    with path.open("rb") as stream:
        return read_limited(stream, max_bytes)


class FileImportCommand(BaseCommand):
    # A data command: the system checks import every view and take longer than a
    # typical import; `manage.py check` and the server run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")

    def read(self, path: Path) -> bytes:
        return read_path(path)

    def run(self, *, name: str, data: bytes, dry_run: bool) -> Any:
        """Import (or with ``dry_run`` only check) the file; raise ImportRefused to refuse."""
        raise NotImplementedError

    def summary(self, result: Any) -> str:
        return (
            f"{result.rows} dòng – thêm mới {result.created}, cập nhật {result.updated}, "
            f"giữ nguyên {result.unchanged}"
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        dry_run = bool(options["dry_run"])
        try:
            result = self.run(name=path.name, data=self.read(path), dry_run=dry_run)
        except ImportRefused as refused:
            exit_refused(self.stderr, refused)
        verb = "Kiểm tra (không ghi)" if dry_run else "Đã nhập"
        self.stdout.write(f"{verb}: {self.summary(result)}.")
