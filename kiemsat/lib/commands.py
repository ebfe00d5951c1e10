"""What every `import_… PATH [--dry-run] [--wait S]` command shares: read the file, check
every row before the write begins, write all or nothing, print every refusal as `dòng N: …`
and exit 1, or one summary line. A database held by another write is waited for up to
``--wait`` seconds, then the command says it is busy and exits 1 (never a traceback)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from kiemsat.lib.busy import BUSY_MESSAGE, database_busy, wait_for_locks
from kiemsat.lib.excel import ImportRefused, exit_refused, read_limited
from kiemsat.lib.vn import format_int

MAX_COMMAND_BYTES = 200 * 1024 * 1024  # files named on the command line
DEFAULT_WAIT_SECONDS = 60.0  # a long import of another person's finishes well within this


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
    verbosity = 1

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")
        parser.add_argument(
            "--wait",
            type=float,
            default=DEFAULT_WAIT_SECONDS,
            help="Số giây chờ khi cơ sở dữ liệu đang bận ghi việc khác (mặc định 60).",
        )

    def read(self, path: Path) -> bytes:
        return read_path(path)

    def run(self, *, name: str, data: bytes, dry_run: bool) -> Any:
        """Import (or with ``dry_run`` only check) the file; raise ImportRefused to refuse.
        Call ``writing`` once every row is checked, just before the write begins."""
        raise NotImplementedError

    def writing(self, rows: int, *, more: bool = False) -> None:
        """With ``-v 2``: say that the check is over and the write begins; ``more`` for a
        part of the file written after another (a large file checked in parts)."""
        if self.verbosity >= 2:
            self.stdout.write(f"Đang ghi {'thêm ' if more else ''}{format_int(rows)} dòng…")
            self.stdout.flush()

    def summary(self, result: Any) -> str:
        return (
            f"{format_int(result.rows)} dòng – thêm mới {format_int(result.created)}, "
            f"cập nhật {format_int(result.updated)}, giữ nguyên {format_int(result.unchanged)}"
        )

    def done(self, result: Any, dry_run: bool) -> str:
        verb = "Kiểm tra (không ghi)" if dry_run else "Đã nhập"
        return f"{verb}: {self.summary(result)}."

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        dry_run = bool(options["dry_run"])
        self.verbosity = int(options.get("verbosity", 1))  # type: ignore[call-overload]
        try:
            wait_for_locks(float(options.get("wait", DEFAULT_WAIT_SECONDS)))  # type: ignore[arg-type]
            result = self.run(name=path.name, data=self.read(path), dry_run=dry_run)
        except ImportRefused as refused:
            exit_refused(self.stderr, refused)
        except OperationalError as exc:
            if not database_busy(exc):
                raise
            self.stderr.write(f"{BUSY_MESSAGE} Không nhập; cơ sở dữ liệu không đổi.")
            raise SystemExit(1) from None
        self.stdout.write(self.done(result, dry_run))


class FileLoadCommand(BaseCommand):
    """A command loading one definition file named by its path (a catalogue, a score
    sheet): a missing file or the loader's refusal ends it with a Vietnamese CommandError,
    else one line says what changed."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def load(self, path: Path) -> Any:
        """Read and load the file through its service; ValidationError to refuse it."""
        raise NotImplementedError

    def said(self, result: Any) -> str:
        raise NotImplementedError

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        assert isinstance(path, Path)
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp '{path}'.")
        try:
            result = self.load(path)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.said(result))
