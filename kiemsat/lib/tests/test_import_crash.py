"""The three imports killed mid-write, and run while another write holds the database.

Each command runs as a separate process, as a person would run it, on a database file of
its own (made by `migrate` and `seed_reference`; on PostgreSQL the test database), with the
clock of the test corpus. It is told to say when its write begins (``-v 2``), then killed
with SIGKILL once another connection sees it holding the write lock. The database must
then be intact and hold all or none of the file's rows.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kiemsat.indicators.imports import Reference
from kiemsat.lib.busy import BUSY_MESSAGE
from kiemsat.lib.periods import Month
from kiemsat.lib.tests.test_bad_files import INSTRUMENTS, INTERVENTIONS, NOW, table
from kiemsat.lib.validity import within

# Runs a command with the clock at NOW (moving on from there), as the corpus expects.
RUNNER = (
    "import sys, time_machine\n"
    "time_machine.travel(sys.argv[1], tick=True).start()\n"
    "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['manage.py', *sys.argv[2:]])\n"
)
# On PostgreSQL the command writes into the test database: outside a test transaction.
# On SQLite it has a file of its own, and the test reads the reference data it holds.
pytestmark = pytest.mark.django_db(transaction=connection.vendor == "postgresql")
POLL_SECONDS = 0.005
TABLES = {
    "import_figures": "indicators_figure",
    "import_interventions": "oversight_intervention",
    "import_instruments": "agreements_instrument",
}


def manage(url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": url}
    env["DJANGO_SETTINGS_MODULE"] = "kiemsat.settings"
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A database file with the real organisation, made once by the commands a new
    installation runs."""
    path = tmp_path_factory.mktemp("crash") / "mau.sqlite3"
    manage(f"sqlite:///{path}", "migrate", "--noinput")
    manage(f"sqlite:///{path}", "seed_reference")
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


class SqliteFile:
    def __init__(self, template: Path, path: Path):
        shutil.copyfile(template, path)
        self.path = path
        self.url = f"sqlite:///{path}"

    def count(self, table: str) -> int:
        with closing(sqlite3.connect(self.path)) as db:
            return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608

    def intact(self) -> bool:
        with closing(sqlite3.connect(self.path)) as db:
            return db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    def writing(self, table: str) -> bool:
        """Whether another connection holds the write lock (this one cannot take it)."""
        with closing(sqlite3.connect(self.path, timeout=0, isolation_level=None)) as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            db.execute("ROLLBACK")
            return False

    @contextmanager
    def write_lock(self, table: str) -> Iterator[None]:
        with closing(sqlite3.connect(self.path, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            yield
            db.execute("ROLLBACK")

    def after_kill(self) -> None:
        pass


class PostgresDatabase:
    """The test database itself (the test runs outside a transaction, and empties the
    tables after it as every such test does)."""

    def __init__(self) -> None:
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        host, port = db["HOST"] or "localhost", db["PORT"] or 5432
        self.url = f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"

    def count(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            return int(cursor.fetchone()[0])

    def intact(self) -> bool:
        """Every figure unique and pointing to its unit and metric (PostgreSQL has no
        integrity check of a file to run: it rolls an interrupted transaction back)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) = count(DISTINCT (f.unit_id, f.metric_id, f.period)) "
                "AND count(*) = count(u.id) AND count(*) = count(m.id) FROM indicators_figure f "
                "LEFT JOIN org_unit u ON u.id = f.unit_id "
                "LEFT JOIN indicators_metric m ON m.id = f.metric_id"
            )
            return bool(cursor.fetchone()[0])

    def writing(self, table: str) -> bool:
        """Whether another session of this database holds a row lock on ``table``."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE c.relname = %s "
                "AND l.mode = 'RowExclusiveLock' AND l.granted "
                "AND a.datname = current_database() AND l.pid <> pg_backend_pid())",
                [table],
            )
            return bool(cursor.fetchone()[0])

    @contextmanager
    def write_lock(self, table: str) -> Iterator[None]:
        import psycopg

        db = connection.settings_dict
        with psycopg.connect(
            dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
            host=db["HOST"] or None, port=db["PORT"] or None,
        ) as other:  # fmt: skip
            other.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            yield
            other.rollback()

    def after_kill(self) -> None:
        """The killed command's server session ends its transaction, rolled back, on its
        own; ending it now frees the tables for the next test."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def target(request, tmp_path):  # type: ignore[no-untyped-def]
    if connection.vendor == "postgresql":
        request.getfixturevalue("units")
        return PostgresDatabase()
    return SqliteFile(request.getfixturevalue("sqlite_template"), tmp_path / "kiemsat.sqlite3")


def start(target, command: str, path: Path, *options: str) -> subprocess.Popen[str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": target.url}
    env["DJANGO_SETTINGS_MODULE"] = "kiemsat.settings"
    return subprocess.Popen(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", RUNNER, NOW.isoformat(), command, str(path), *options],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def figures_file(tmp_path: Path, rows: int) -> Path:
    """``rows`` distinct valid figures: units in the months they existed, typed metrics,
    months from 2016 to the corpus's last month before NOW."""
    ref = Reference.load()
    metrics = sorted(code for code in ref.metrics if code not in ref.derived)
    lines = ["unit_code,period,metric_code,value"]
    for month in range(Month(2016, 1).index, Month(2025, 3).index):
        codes = sorted(code for code, unit in ref.units.items() if within(month, unit[1], unit[2]))
        lines += [f"{c},{Month.from_index(month)},{m},{month % 97}" for c in codes for m in metrics]
        if len(lines) > rows:
            path = tmp_path / "so-lieu.csv"
            path.write_text("\n".join(lines[: rows + 1]) + "\n")
            return path
    raise AssertionError(f"only {len(lines) - 1} valid figures for the file")


def register_file(tmp_path: Path, command: str, rows: int) -> Path:
    imp = INTERVENTIONS if command == "import_interventions" else INSTRUMENTS
    if imp is INTERVENTIONS:
        lines = [imp.row(number=n) for n in range(1, rows + 1)]
    else:
        lines = [imp.row(so_ky_hieu=f"{n}/CTrPH-VKS-UBND") for n in range(1, rows + 1)]
    name, content = table(imp, lines)
    path = tmp_path / name
    path.write_bytes(content)
    return path


SIZES = {"import_figures": 150_000, "import_interventions": 1500, "import_instruments": 400}


def import_file(tmp_path: Path, command: str, rows: int) -> Path:
    if command == "import_figures":
        return figures_file(tmp_path, rows)
    return register_file(tmp_path, command, rows)


@pytest.mark.parametrize("command", list(TABLES))
def test_an_import_killed_mid_write_leaves_all_or_nothing(target, tmp_path, command) -> None:  # type: ignore[no-untyped-def]
    rows, table_name = SIZES[command], TABLES[command]
    path = import_file(tmp_path, command, rows)
    before = target.count(table_name)
    process = start(target, command, path, "-v", "2")
    assert process.stdout is not None
    for line in process.stdout:  # every row checked, the write about to begin
        if line.startswith("Đang ghi"):
            break
    else:
        pytest.fail(f"{command} ended before writing: {process.stderr.read()}")  # type: ignore[union-attr]
    while process.poll() is None and not target.writing(table_name):
        time.sleep(POLL_SECONDS)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    target.after_kill()
    assert target.intact()
    assert target.count(table_name) in (before, before + rows)


@pytest.mark.parametrize("command", list(TABLES))
def test_an_import_meeting_a_held_write_lock_says_the_database_is_busy(
    target, tmp_path, command
) -> None:  # type: ignore[no-untyped-def]
    path = import_file(tmp_path, command, 3)
    table_name = TABLES[command]
    before = target.count(table_name)
    with target.write_lock(table_name):
        process = start(target, command, path, "--wait", "0.2")
        out, err = process.communicate()
    assert process.returncode == 1, (out, err)
    assert f"{BUSY_MESSAGE} Không nhập; cơ sở dữ liệu không đổi." in err
    assert "Traceback" not in err
    assert target.count(table_name) == before


def test_a_dry_run_is_not_held_up_by_another_write(target, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = figures_file(tmp_path, 50)
    with target.write_lock("indicators_figure"):
        process = start(target, "import_figures", path, "--dry-run", "--wait", "0")
        out, err = process.communicate()
    assert process.returncode == 0, err
    assert "Kiểm tra (không ghi): 50 dòng – thêm mới 50" in out
    assert target.count("indicators_figure") == 0


def test_a_second_import_waits_for_the_first_then_writes(target, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = figures_file(tmp_path, 50)
    with target.write_lock("indicators_figure"):
        process = start(target, "import_figures", path, "-v", "2")
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Đang ghi 50 dòng")
    out, err = process.communicate()  # the lock is gone: the waiting import goes on
    assert process.returncode == 0, err
    assert "Đã nhập: 50 dòng – thêm mới 50" in out
    assert target.count("indicators_figure") == 50
