"""`manage.py import_figures` of a 1,000,000-row CSV against the sqlite3 shell's `.import`.

kiemsat imports into a fresh copy of the organisation database (migrated, seeded, the
bench's units and catalogue, no figures); the sqlite3 shell imports the same file into a
bare table without indexes in a fresh file. Each side is one subprocess, timed by wall
clock from start to exit, so kiemsat's time includes Python's and Django's start-up and
the final checkpoint of SQLite's write-ahead log (as a user running the command would wait
for them); each side runs five times, in turn, and its best run counts.

kiemsat's side is what the command does with every large plain CSV: read by
``lib.excel.plain_csv_columns``, checked column by column in eight pieces cut where the
(unit, month) changes (``indicators.parts``), each written by one statement with foreign
keys checked on a second thread while the next is checked, in one transaction; no row is
written before its piece is wholly checked.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_SCRIPT = """\
CREATE TABLE figures (unit_code TEXT, period TEXT, metric_code TEXT, value INTEGER);
.mode csv
.import --skip 1 {path} figures
"""


@dataclass
class ImportResult:
    kiemsat: float
    sqlite3: float
    rows: int


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _count(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        con.close()


def sqlite3_import(csv_path: Path, db_path: Path) -> float:
    _fresh(db_path)
    script = BARE_SCRIPT.format(path=csv_path)
    start = time.perf_counter()
    subprocess.run(  # noqa: S603
        ["sqlite3", str(db_path)],  # noqa: S607
        input=script,
        text=True,
        check=True,
    )
    return time.perf_counter() - start


def kiemsat_import(csv_path: Path, template: Path, db_path: Path) -> float:
    _fresh(db_path)
    shutil.copyfile(template, db_path)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DJANGO_SETTINGS_MODULE": "kiemsat.settings",
    }
    command = [sys.executable, "manage.py", "import_figures", str(csv_path)]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        log(done.stdout[-2000:] + done.stderr[-2000:])
        raise RuntimeError(f"import_figures failed with exit status {done.returncode}")
    log(f"  kiemsat: {done.stdout.strip()}")
    return seconds


def run(csv_path: Path, template: Path, work_dir: Path, rows: int, repeat: int = 5) -> ImportResult:
    """Best of ``repeat`` interleaved runs of each side (as the engine's bench takes the best
    of its seven): on a shared machine a single run of either can be slowed by a third, and
    the longer kiemsat run is the likelier to meet such a moment."""
    bare = work_dir / "import-bare.sqlite3"
    target = work_dir / "import-kiemsat.sqlite3"
    best = {"sqlite3": float("inf"), "kiemsat": float("inf")}
    for _ in range(repeat):
        sqlite_seconds = sqlite3_import(csv_path, bare)
        got = _count(bare, "figures")
        log(f"  sqlite3 .import: {sqlite_seconds:.3f}s, {got} rows")
        if got != rows:
            raise RuntimeError(f"sqlite3 imported {got} rows, expected {rows}")
        kiemsat_seconds = kiemsat_import(csv_path, template, target)
        got = _count(target, "indicators_figure")
        log(f"  kiemsat import_figures: {kiemsat_seconds:.3f}s, {got} rows")
        if got != rows:
            raise RuntimeError(f"import_figures wrote {got} rows, expected {rows}")
        best["sqlite3"] = min(best["sqlite3"], sqlite_seconds)
        best["kiemsat"] = min(best["kiemsat"], kiemsat_seconds)
    _fresh(bare)
    _fresh(target)
    return ImportResult(best["kiemsat"], best["sqlite3"], rows)


__all__ = ["ImportResult", "run"]
