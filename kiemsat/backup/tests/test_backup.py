"""backup and restore: the demo comes back whole, a damaged or altered archive is refused.

The round trip runs with ``transaction=True``: the copy is taken by the database's own
tools (a second connection, or pg_dump), which see only committed rows, and a restore
replaces the whole database, which it refuses to do inside an open transaction.
"""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from conftest import _ensure_reference
from kiemsat.audit.models import AuditEntry, DataRevision
from kiemsat.audit.render import describe
from kiemsat.backup import archive as archive_format
from kiemsat.backup import databases
from kiemsat.backup.models import BackupEvent, BackupKind
from kiemsat.demo.builder import seed_demo_records
from kiemsat.lib.vn import format_int
from kiemsat.org.models import Partner

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FILES = {
    "agreements/2026/12/bien-ban-phoi-hop.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
    "oversight/2026/kháng nghị số 12-QĐ.docx": "Kháng nghị phúc thẩm".encode() * 100,
    "trong.txt": b"",
}
WRITTEN_BY_RESTORE = {"backup_backupevent", "audit_auditentry", "audit_datarevision"}


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return _write_files(settings.MEDIA_ROOT)


def _write_files(root: Path) -> Path:
    for name, body in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    return root


@pytest.fixture(scope="module")
def reference_archive(django_db_blocker, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """An archive of the committed reference data and FILES, written outside any test's
    transaction (as the server's own copy would be), without an event or audit row."""
    folder = tmp_path_factory.mktemp("sao-luu")
    media_root = _write_files(folder / "media")
    target = folder / "kiemsat.tar"
    with django_db_blocker.unblock():
        _ensure_reference()
        snapshot = databases.dump(connection, folder)
        archive_format.write(target, snapshot, media_root, timezone.localtime())
    return target


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def _tables() -> dict[str, Counter[str]]:
    """Every row of every table, as a multiset of their reprs."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        rows = {}
        for name in names:
            cursor.execute(f'SELECT * FROM "{name}"')  # noqa: S608
            rows[name] = Counter(repr(row) for row in cursor.fetchall())
    return rows


def _backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def _manifest(path: Path) -> dict:  # type: ignore[type-arg]
    with tarfile.open(path) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        return json.loads(stream.read())


def _rewrite(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the archive ``source`` with each member's content passed through ``change``."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old:
            stream = old.extractfile(member)
            assert stream is not None
            body = change(member.name, stream.read())
            info = copy.copy(member)
            info.size = len(body)
            new.addfile(info, io.BytesIO(body))
    return target


def _edit_manifest(edit: Callable[[dict], None]) -> Callable[[str, bytes], bytes]:  # type: ignore[type-arg]
    def change(name: str, body: bytes) -> bytes:
        if name != "manifest.json":
            return body
        manifest = json.loads(body)
        edit(manifest)
        return json.dumps(manifest).encode()

    return change


@pytest.mark.django_db(transaction=True)
def test_the_demo_comes_back_whole_into_an_empty_database(units, media, tmp_path) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "sao-luu" / "kiemsat-2026-12-07.tar"
    archive.parent.mkdir()
    with time_machine.travel(datetime(2026, 12, 7, 9, 30, tzinfo=VN), tick=True):
        seed_demo_records(stdout=io.StringIO())
        before = _tables()
        revision = DataRevision.objects.get().number
        total = sum(rows.total() for rows in before.values())
        said = _backup(archive)

        manifest = _manifest(archive)
        assert manifest["tables"] == {name: rows.total() for name, rows in before.items()}
        assert manifest["database"]["vendor"] == connection.vendor
        assert manifest["created_at"].startswith("2026-12-07T09:30")
        assert manifest["migrations"]["backup"] == "0001_backup_event"
        assert {n for n in manifest["files"] if n.startswith("media/")} == {
            f"media/{name}" for name in FILES
        }
        assert f"{format_int(total)} dòng, 3 tệp đính kèm" in said
        entry = AuditEntry.objects.get(action="backup.backup")
        assert (entry.changes["rows"], entry.changes["files"]) == (total, 3)
        line = describe([entry])[0]
        assert line.sentence == "Dữ liệu ban đầu: sao lưu cơ sở dữ liệu và tệp đính kèm"
        assert f"Số dòng: {format_int(total)}" in line.details
        assert BackupEvent.objects.get().archive == str(archive)

        call_command("flush", interactive=False, verbosity=0)  # as `migrate` leaves it
        shutil.rmtree(media)
        media.mkdir()
        assert databases.occupied_tables(connection) == []

        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)

    assert "Đã phục hồi bản sao lưu lúc 07/12/2026 09:30" in out.getvalue()
    assert _files(media) == FILES
    after = _tables()
    assert set(after) == set(before)
    for name in sorted(set(before) - WRITTEN_BY_RESTORE):
        assert after[name] == before[name], name
    for name in WRITTEN_BY_RESTORE - {"audit_datarevision"}:
        assert not before[name] - after[name], name
        assert (after[name] - before[name]).total() == 1, name
    restored = BackupEvent.objects.get(kind=BackupKind.RESTORE)
    assert (restored.rows, restored.files, restored.tables) == (total, 3, len(before))
    assert AuditEntry.objects.filter(action="backup.restore", object_id=str(restored.pk)).exists()
    assert DataRevision.objects.get().number == revision + 1


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_during_the_backup_is_in_neither_copy_nor_manifest(  # type: ignore[no-untyped-def]
    units, media, tmp_path, monkeypatch
) -> None:
    """The server keeps writing while the copy is taken: the manifest counts what the copy
    holds (one snapshot), not what the live database holds a moment later."""
    count_copy = databases._counts
    partners = Partner.objects.count()

    def count_after_a_write(cursor, names):  # type: ignore[no-untyped-def]
        Partner.objects.create(code="ghi-trong-luc-sao-luu", name="Ghi trong lúc sao lưu")
        return count_copy(cursor, names)

    monkeypatch.setattr(databases, "_counts", count_after_a_write)
    _backup(tmp_path / "kiemsat.tar")
    monkeypatch.undo()
    assert _manifest(tmp_path / "kiemsat.tar")["tables"]["org_partner"] == partners
    assert Partner.objects.count() == partners + 1

    call_command("restore", str(tmp_path / "kiemsat.tar"), "--force", stdout=io.StringIO())
    assert Partner.objects.count() == partners
    assert not Partner.objects.filter(code="ghi-trong-luc-sao-luu").exists()


def test_a_database_with_records_is_not_overwritten(
    units, media, tmp_path, reference_archive
) -> None:  # type: ignore[no-untyped-def]
    archive = reference_archive
    counts = databases.row_counts(connection)
    with pytest.raises(CommandError, match=r"đã có dữ liệu \(bảng .*Thêm --force"):
        call_command("restore", str(archive))
    assert databases.row_counts(connection) == counts
    assert _files(media) == FILES
    assert not AuditEntry.objects.filter(action="backup.restore").exists()


def test_files_in_the_media_folder_are_not_overwritten(
    units, media, tmp_path, reference_archive
) -> None:  # type: ignore[no-untyped-def]
    archive = reference_archive
    call_command("flush", interactive=False, verbosity=0)  # rolled back with the test
    with pytest.raises(CommandError, match=r"Thư mục tệp đính kèm .* không trống"):
        call_command("restore", str(archive))
    assert _files(media) == FILES
    assert databases.occupied_tables(connection) == []


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz"])
def test_a_cut_archive_is_refused_whole(units, media, tmp_path, reference_archive, suffix) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / f"kiemsat{suffix}"
    mode = "w:gz" if suffix.endswith("gz") else "w"
    with tarfile.open(reference_archive) as old, tarfile.open(archive, mode) as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    counts = databases.row_counts(connection)
    with pytest.raises(CommandError, match="bị hỏng, thiếu phần cuối hoặc không phải"):
        call_command("restore", str(cut), "--force")
    assert databases.row_counts(connection) == counts
    assert _files(media) == FILES
    assert not list(tmp_path.glob(".kiemsat-phuc-hoi-*"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL copies from a snapshot")
def test_a_copy_blocked_by_a_write_held_open_gives_up(units, media, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The test's open transaction holds the in-memory database: the copy must not wait
    forever (sqlite3's backup retries a lock without end unless told to stop)."""
    monkeypatch.setattr(databases, "BUSY_LIMIT", 0.2)
    with pytest.raises(CommandError, match=r"đang bận quá .* thử lại sau"):
        call_command("backup", str(tmp_path / "kiemsat.tar"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]
    assert not BackupEvent.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite copies in process")
def test_an_unreachable_database_server_is_a_message(db, media, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(connection.settings_dict, "PORT", "1")
    with pytest.raises(CommandError, match="Không kết nối được PostgreSQL"):
        call_command("backup", str(tmp_path / "kiemsat.tar"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["media"]


def test_a_file_that_is_no_archive_is_refused(db, media, tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "bao-cao.tar"
    other.write_text("unit_code,period,metric_code,value\n")
    with pytest.raises(CommandError, match="không phải bản sao lưu kiemsat"):
        call_command("restore", str(other), "--force")
    with pytest.raises(CommandError, match="Không tìm thấy tệp sao lưu"):
        call_command("restore", str(tmp_path / "khong-co.tar"))


def test_a_file_changed_after_the_backup_is_named(
    units, media, tmp_path, reference_archive
) -> None:  # type: ignore[no-untyped-def]
    archive = reference_archive
    name = "media/agreements/2026/12/bien-ban-phoi-hop.pdf"
    altered = _rewrite(
        archive, tmp_path / "doi.tar", lambda n, body: body[::-1] if n == name else body
    )
    counts = databases.row_counts(connection)
    with pytest.raises(CommandError, match=f"'{name}' sai mã kiểm tra SHA-256"):
        call_command("restore", str(altered), "--force")
    assert databases.row_counts(connection) == counts
    assert _files(media) == FILES


def test_a_database_copy_changed_after_the_backup_is_refused(
    units, media, tmp_path, reference_archive
) -> None:  # type: ignore[no-untyped-def]
    archive = reference_archive
    member = databases.MEMBERS[connection.vendor]
    altered = _rewrite(
        archive, tmp_path / "doi.tar", lambda n, body: body + b"\0" if n == member else body
    )
    with pytest.raises(CommandError, match=f"'{member}' sai mã kiểm tra SHA-256"):
        call_command("restore", str(altered), "--force")


@pytest.mark.django_db(transaction=True)
def test_a_row_count_that_differs_from_the_manifest_fails(
    units, media, tmp_path, reference_archive
) -> None:  # type: ignore[no-untyped-def]
    archive = reference_archive
    units_now = databases.row_counts(connection)["org_unit"]

    def one_more_unit(manifest: dict) -> None:  # type: ignore[type-arg]
        manifest["tables"]["org_unit"] += 1

    altered = _rewrite(archive, tmp_path / "doi.tar", _edit_manifest(one_more_unit))
    expected = f"Bảng org_unit: manifest ghi {format_int(units_now + 1)} dòng"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(altered), "--force")
    assert not AuditEntry.objects.filter(action="backup.restore").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("media/../../etc/cron.d/x", "thành phần lạ 'media/../../etc/cron.d/x'"),
        ("/etc/passwd", "thành phần lạ '/etc/passwd'"),
        ("ghi-chu.txt", "thành phần lạ 'ghi-chu.txt'"),
    ],
)
def test_a_member_outside_the_archive_layout_is_refused(db, media, tmp_path, name, message) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "la.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = 2
        tar.addfile(info, io.BytesIO(b"ab"))
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(archive), "--force")
    assert _files(media) == FILES


def test_an_archive_from_a_newer_version_is_refused(
    units, media, tmp_path, reference_archive
) -> None:  # type: ignore[no-untyped-def]
    archive = reference_archive

    def newer(manifest: dict) -> None:  # type: ignore[type-arg]
        manifest["migrations"]["org"] = "9999_tuong_lai"

    altered = _rewrite(archive, tmp_path / "moi.tar", _edit_manifest(newer))
    with pytest.raises(CommandError, match=r"phiên bản mới hơn.*'org' đã ở bước '9999_tuong_lai'"):
        call_command("restore", str(altered), "--force")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="edits the SQLite copy in place")
@pytest.mark.django_db(transaction=True)
def test_an_archive_from_an_earlier_version_is_brought_up_to_date(units, media, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A copy taken before backups were recorded has no table for them: restore migrates."""
    folder = tmp_path / "cu"
    folder.mkdir()
    copy = databases.dump(connection, folder).path
    with closing(sqlite3.connect(copy)) as older, older:
        older.execute("DROP TABLE backup_backupevent")
        older.execute("DELETE FROM django_migrations WHERE app = 'backup'")
    tables = databases.copy_row_counts(copy)
    snapshot = databases.Snapshot(copy, databases.SQLITE_MEMBER, tables, _heads_of(copy))
    archive = archive_format.write(folder / "cu.tar", snapshot, media, timezone.localtime())
    assert "backup" not in archive["migrations"]
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)

    out = io.StringIO()
    call_command("restore", str(folder / "cu.tar"), stdout=out)
    assert "Đã nâng cấp cấu trúc dữ liệu: 1 bước migrate." in out.getvalue()
    assert BackupEvent.objects.get().kind == BackupKind.RESTORE
    assert _files(media) == FILES


def _heads_of(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as copy:
        return databases._heads(copy.cursor())


def test_a_backup_needs_a_file_name_in_an_existing_folder(db, media, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="là một thư mục"):
        call_command("backup", str(tmp_path))
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("backup", str(tmp_path / "khong-co" / "kiemsat.tar"))
    with pytest.raises(CommandError, match="vào thư mục tệp đính kèm"):
        call_command("backup", str(media / "agreements" / "kiemsat.tar"))
    assert _files(media) == FILES
    assert not BackupEvent.objects.exists()


def test_the_command_exits_1_with_a_message_and_no_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    damaged = tmp_path / "hong.tar"
    damaged.write_bytes(b"PK\x03\x04" + b"kiemsat" * 200)
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'trong.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(damaged)],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Không phục hồi: Tệp sao lưu" in done.stderr
    assert "bị hỏng" in done.stderr
