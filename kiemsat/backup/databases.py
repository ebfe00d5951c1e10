"""Copy the database out of and back into the server, for SQLite and PostgreSQL.

A copy is taken in one read snapshot, and its row counts are taken in the same snapshot,
so the manifest describes exactly what the archive holds while the server keeps writing.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from kiemsat.backup.errors import BackupError

SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.dump"
MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRES_MEMBER}
# How long a copy waits for a lock before it gives up (a busy SQLite file, a held write).
BUSY_LIMIT = 60.0
# Tables that `migrate` fills by itself: a database holding rows only there is empty.
BOOKKEEPING = frozenset({"django_migrations", "django_content_type", "auth_permission"})


@dataclass(frozen=True)
class Snapshot:
    """A database copy on disk, with what was in it."""

    path: Path
    member: str
    tables: dict[str, int]
    migrations: dict[str, str]


def supported(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in MEMBERS:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {connection.vendor}.")
    return connection.vendor


def dump(connection: BaseDatabaseWrapper, folder: Path) -> Snapshot:
    if supported(connection) == "sqlite":
        return _dump_sqlite(connection, folder / SQLITE_MEMBER)
    return _dump_postgres(connection, folder / POSTGRES_MEMBER)


def load(connection: BaseDatabaseWrapper, path: Path) -> None:
    """Replace the whole database with the copy at ``path``."""
    if connection.in_atomic_block:
        raise BackupError("Không phục hồi được bên trong một giao dịch đang mở.")
    if supported(connection) == "sqlite":
        _load_sqlite(connection, path)
    else:
        _load_postgres(connection, path)
    connection.close()


def row_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        return _counts(cursor, names)


def occupied_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables holding rows that `migrate` alone does not write."""
    counts = row_counts(connection)
    return sorted(name for name, rows in counts.items() if rows and name not in BOOKKEEPING)


def copy_row_counts(path: Path) -> dict[str, int]:
    """Row counts of an SQLite copy on disk, read without changing it."""
    source = _open_read_only(path)
    try:
        cursor = source.cursor()
        return _counts(cursor, _sqlite_tables(cursor))
    finally:
        source.close()


def _counts(cursor: Any, names: Iterable[str]) -> dict[str, int]:
    counts = {}
    for name in sorted(names):
        if name.startswith("sqlite_"):
            continue
        cursor.execute(f'SELECT COUNT(*) FROM "{name}"')  # noqa: S608 (names from the catalogue)
        counts[name] = int(cursor.fetchone()[0])
    return counts


def _heads(cursor: Any) -> dict[str, str]:
    """The last applied migration of each app (names start with their sequence number)."""
    cursor.execute("SELECT app, name FROM django_migrations")
    heads: dict[str, str] = {}
    for app, name in cursor.fetchall():
        heads[app] = max(heads.get(app, ""), name)
    return dict(sorted(heads.items()))


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return [row[0] for row in cursor.fetchall()]


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _dump_sqlite(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step: the whole copy is read under one read lock (WAL lets writers go on).
        connection.connection.backup(copy, progress=_give_up_when_busy(), sleep=0.05)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        cursor = copy.cursor()
        tables = _counts(cursor, _sqlite_tables(cursor))
        migrations = _heads(cursor)
    except sqlite3.Error as error:
        raise BackupError(f"Không sao chép được cơ sở dữ liệu SQLite: {error}.") from error
    finally:
        copy.close()
    return Snapshot(target, SQLITE_MEMBER, tables, migrations)


def _give_up_when_busy() -> Callable[[int, int, int], None]:
    """A progress callback for sqlite3's backup, which otherwise retries a lock forever."""
    deadline = time.monotonic() + BUSY_LIMIT

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(
                f"Cơ sở dữ liệu đang bận quá {BUSY_LIMIT:.0f} giây (một thao tác ghi chưa xong): "
                "thử lại sau."
            )

    return progress


def _load_sqlite(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.ensure_connection()
    source = _open_read_only(path)
    try:
        source.backup(connection.connection, progress=_give_up_when_busy(), sleep=0.05)
    except sqlite3.Error as error:
        raise BackupError(
            f"Không ghi được vào cơ sở dữ liệu SQLite ({error}); hãy dừng máy chủ rồi thử lại."
        ) from error
    finally:
        source.close()


def _dump_postgres(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    import psycopg  # only where PostgreSQL is used

    # A connection of its own: the copy never depends on the caller's transaction.
    try:
        raw = connection.get_new_connection(connection.get_connection_params())
    except psycopg.Error as error:
        raise BackupError(f"Không kết nối được PostgreSQL: {error}".strip()) from error
    try:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run_pg(
                connection,
                "pg_dump",
                ["--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
            )
            tables = _counts(cursor, connection.introspection.table_names(cursor))
            migrations = _heads(cursor)
            cursor.execute("COMMIT")
    except psycopg.Error as error:
        raise BackupError(f"PostgreSQL báo lỗi khi sao lưu: {error}".strip()) from error
    finally:
        raw.close()
    return Snapshot(target, POSTGRES_MEMBER, tables, migrations)


def _load_postgres(connection: BaseDatabaseWrapper, path: Path) -> None:
    connection.close()
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error"]
    _run_pg(connection, "pg_restore", [*options, "--single-transaction", str(path)])


def _run_pg(connection: BaseDatabaseWrapper, tool: str, arguments: list[str]) -> None:
    settings = connection.settings_dict
    _, env = connection.client.settings_to_cmd_args_env(settings, [])
    target = [f"--dbname={settings['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            target.append(f"{flag}={settings[key]}")
    command = [pg_tool(tool), *target, *arguments]
    try:
        done = subprocess.run(  # noqa: S603 (fixed tool, arguments from settings)
            command, env={**os.environ, **(env or {})}, capture_output=True, text=True
        )
    except OSError as error:
        raise BackupError(f"Không chạy được {tool}: {error.strerror}.") from error
    if done.returncode != 0:
        detail = " ".join(done.stderr.strip().splitlines()[-3:])
        raise BackupError(f"{tool} báo lỗi (mã {done.returncode}): {detail}")


def pg_tool(name: str) -> str:
    """The newest installed PostgreSQL client tool (as Debian lays them out), else PATH."""
    folders = sorted(glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"Không tìm thấy {name}: cài gói postgresql-client.")
    return found


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder))
