"""Back up the database and the uploaded files into one archive, and restore one.

Neither can run inside one database transaction (the copy is taken by the database's own
tools); each ends with its event and audit row written together in one transaction.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from kiemsat.audit.services import record
from kiemsat.backup import archive, databases
from kiemsat.backup.errors import BackupError
from kiemsat.backup.models import BackupEvent, BackupKind
from kiemsat.lib.vn import format_int


@dataclass(frozen=True)
class Restored:
    event: BackupEvent
    manifest: archive.Manifest
    set_aside: Path | None
    migrated: int


def backup_create(*, target: Path, actor: Any = None) -> BackupEvent:
    """Write a consistent copy of the running database and of MEDIA_ROOT to ``target``."""
    connection = connections[DEFAULT_DB_ALIAS]
    databases.supported(connection)
    target = target.absolute()
    if target.is_dir():
        raise BackupError(f"'{target}' là một thư mục: hãy ghi rõ tên tệp, ví dụ kiemsat.tar.")
    if not target.parent.is_dir():
        raise BackupError(f"Thư mục '{target.parent}' không tồn tại.")
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if target.parent.resolve().is_relative_to(media_root.resolve()):
        raise BackupError(
            f"Không ghi bản sao lưu vào thư mục tệp đính kèm '{media_root}': chọn nơi khác."
        )
    taken_at = timezone.localtime()
    with tempfile.TemporaryDirectory(prefix=".kiemsat-sao-luu-", dir=target.parent) as folder:
        snapshot = databases.dump(connection, Path(folder))
        manifest = archive.write(target, snapshot, media_root, taken_at)
    return backup_event_record(
        kind=BackupKind.BACKUP, actor=actor, path=target, manifest=manifest, forced=False
    )


def backup_restore(*, source: Path, force: bool, actor: Any = None) -> Restored:
    """Check ``source`` whole, then replace the database and MEDIA_ROOT with its content."""
    connection = connections[DEFAULT_DB_ALIAS]
    vendor = databases.supported(connection)
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if not source.is_file():
        raise BackupError(f"Không tìm thấy tệp sao lưu '{source}'.")
    if not force:  # before reading the archive, which can take long
        _check_empty(connection, media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kiemsat-phuc-hoi-", dir=media_root.parent))
    try:
        manifest = archive.unpack(source, staging)
        _check_fits(manifest, vendor)
        copy = staging / manifest["database"]["member"]
        if vendor == "sqlite":
            _check_counts(manifest["tables"], databases.copy_row_counts(copy), exact=True)
        databases.load(connection, copy)
        _check_counts(manifest["tables"], databases.row_counts(connection), exact=False)
        set_aside = _place_media(staging / archive.MEDIA, media_root, manifest["files"])
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    migrated = _migrate_forward(connection)
    event = backup_event_record(
        kind=BackupKind.RESTORE, actor=actor, path=source, manifest=manifest, forced=force
    )
    return Restored(event, manifest, set_aside, migrated)


@transaction.atomic
def backup_event_record(
    *, kind: BackupKind, actor: Any, path: Path, manifest: archive.Manifest, forced: bool
) -> BackupEvent:
    media = [name for name in manifest["files"] if name.startswith(f"{archive.MEDIA}/")]
    event = BackupEvent(
        kind=kind,
        archive=str(path.absolute())[:500],
        archive_sha256=archive.file_digest(path),
        taken_at=datetime.fromisoformat(manifest["created_at"]),
        vendor=manifest["database"]["vendor"],
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(media),
        size=path.stat().st_size,
    )
    event.full_clean()
    event.save()
    changes = {
        "archive": event.archive,
        "archive_sha256": event.archive_sha256,
        "product_version": manifest["version"],
        "taken_at": manifest["created_at"],
        "rows": event.rows,
        "files": event.files,
        "forced": forced,
    }
    record(actor=actor, action=f"backup.{kind.value}", obj=event, changes=changes)
    return event


def _check_fits(manifest: archive.Manifest, vendor: str) -> None:
    made_on = manifest["database"]["vendor"]
    if made_on != vendor:
        raise BackupError(f"Bản sao lưu được tạo từ {made_on}, không phục hồi được vào {vendor}.")
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    for app, head in manifest["migrations"].items():
        if (app, head) not in known:
            raise BackupError(
                f"Bản sao lưu được tạo từ phiên bản mới hơn ({manifest['version']}): "
                f"ứng dụng '{app}' đã ở bước '{head}' mà bản cài này chưa có. "
                "Hãy cài đúng phiên bản đó rồi phục hồi."
            )


def _check_empty(connection: BaseDatabaseWrapper, media_root: Path) -> None:
    occupied = databases.occupied_tables(connection)
    if occupied:
        names = ", ".join(occupied[:3]) + (", …" if len(occupied) > 3 else "")
        raise BackupError(
            f"Cơ sở dữ liệu đích đã có dữ liệu (bảng {names}): không phục hồi đè. "
            "Thêm --force nếu chắc chắn muốn thay toàn bộ."
        )
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(
            f"Thư mục tệp đính kèm '{media_root}' không trống: không phục hồi đè. "
            "Thêm --force nếu chắc chắn muốn thay toàn bộ."
        )


def _check_counts(expected: dict[str, int], actual: dict[str, int], *, exact: bool) -> None:
    where = "bản sao" if exact else "sau phục hồi"
    for table, rows in sorted(expected.items()):
        if actual.get(table) != rows:
            found = "không có bảng" if table not in actual else f"có {format_int(actual[table])}"
            raise BackupError(
                f"Bảng {table}: manifest ghi {format_int(rows)} dòng, {where} {found}."
            )
    extra = sorted(set(actual) - set(expected))
    if exact and extra:
        raise BackupError(f"Bảng {extra[0]} có trong bản sao nhưng không có trong manifest.")


def _place_media(staged: Path, media_root: Path, files: dict[str, Any]) -> Path | None:
    """Move the restored files into MEDIA_ROOT; files already there are kept aside."""
    set_aside = None
    if media_root.is_dir() and any(media_root.iterdir()):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        set_aside = media_root.with_name(f"{media_root.name}.truoc-phuc-hoi-{stamp}")
        set_aside.mkdir()
        for child in sorted(media_root.iterdir()):
            shutil.move(child, set_aside / child.name)
    media_root.mkdir(parents=True, exist_ok=True)
    if staged.is_dir():
        for child in sorted(staged.iterdir()):
            shutil.move(child, media_root / child.name)
    for name, meta in sorted(files.items()):
        if name.startswith(f"{archive.MEDIA}/"):
            path = media_root / name.removeprefix(f"{archive.MEDIA}/")
            if not path.is_file() or archive.file_digest(path) != meta["sha256"]:
                raise BackupError(f"'{name}' sai mã kiểm tra SHA-256 sau khi chép vào nơi lưu.")
    return set_aside


def _migrate_forward(connection: BaseDatabaseWrapper) -> int:
    """Bring a copy from an earlier version up to this one (the usual upgrade step)."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return len(plan)
