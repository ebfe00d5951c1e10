"""`make bench`: build the national dataset, then print exactly three lines.

    bench engine: kiemsat=<s> duckdb=<s> ratio=<R>
    bench import: kiemsat=<s> sqlite3=<s> ratio=<R>
    bench page: dashboard=<req/s> trivial=<req/s> ratio=<R>

Progress and details go to stderr. Everything lives in bench/data/ (gitignored) and is
rebuilt on every run (deterministic), unless `--reuse` finds data built by the same
generator. `python -m bench engine page` runs only the parts named; `python -m bench load`
(`make load`) runs the load test, which `make bench` leaves out.

Environment: BENCH_ENGINE_MODE (batched|api, default batched), BENCH_PAGE_SECONDS
(per URL, default 10), BENCH_REPEAT (engine runs per side, default 7), BENCH_IMPORT_REPEAT
(import runs per side, default 5); for the load test
LOAD_SECONDS (default 120), LOAD_USERS (concurrent connections, default 32) and
LOAD_WORKERS (gunicorn workers, default 2 × cores + 1).
"""

from __future__ import annotations

import compileall
import hashlib
import os
import secrets
import sqlite3
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
NATIONAL = DATA / "national.sqlite3"
TEMPLATE = DATA / "org-template.sqlite3"
CSV = DATA / "figures-1m.csv"
STAMP = DATA / "stamp.txt"
CSV_ROWS = 1_000_000
YEAR = 2026
PARTS = ("engine", "import", "page")
ON_DEMAND = ("load",)  # run only when named: `make load`


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _configure() -> None:
    """Settings come from the environment: set it before Django reads it."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{NATIONAL}"
    os.environ["DEBUG"] = "0"  # measure what production runs: no query log, WhiteNoise
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _stamp() -> str:
    """Changes whenever the generator or the schema could change the data."""
    digest = hashlib.sha256((ROOT / "bench" / "dataset.py").read_bytes())
    for path in sorted(ROOT.glob("kiemsat/*/migrations/*.py")):
        digest.update(path.name.encode())
    return digest.hexdigest()


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _build() -> None:
    from django.db import connection

    from bench import dataset

    start = time.perf_counter()
    counts = dataset.build_org()
    log(f"setup: organisation, catalogue, clusters, quotas in {time.perf_counter() - start:.1f}s")
    log("  " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(TEMPLATE)])
    start = time.perf_counter()
    data = dataset.build_figures()
    log(
        f"setup: {len(data.figures)} figures ({len(data.units)} units × {len(data.metrics)} "
        f"metrics × their months) written in {time.perf_counter() - start:.1f}s"
    )
    start = time.perf_counter()
    rows = dataset.write_csv(CSV, data, CSV_ROWS)
    log(f"setup: {rows}-row CSV written in {time.perf_counter() - start:.1f}s")
    connection.close()
    con = sqlite3.connect(NATIONAL)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _compile() -> None:
    """The project's modules compiled to bytecode, as an installed program's are (pip does
    it for packages, a server's first start for its own code): every command the parts time
    then starts as it does in use, not compiling the project's source on each start."""
    compileall.compile_dir(ROOT / "kiemsat", quiet=1)


def main(argv: list[str]) -> int:
    reuse = "--reuse" in argv
    parts = [a for a in argv if a in PARTS + ON_DEMAND] or list(PARTS)
    _configure()
    _compile()
    DATA.mkdir(parents=True, exist_ok=True)
    stamp = _stamp()
    fresh = not (
        reuse
        and STAMP.exists()
        and STAMP.read_text() == stamp
        and all(p.exists() for p in (NATIONAL, TEMPLATE, CSV))
    )
    if fresh:
        for path in (NATIONAL, TEMPLATE, CSV, STAMP):
            _remove(path)

    import django

    django.setup()
    started = time.perf_counter()
    if fresh:
        _build()
        STAMP.write_text(stamp)
    else:
        log("setup: reusing bench/data/ (same generator and migrations)")

    if "engine" in parts:
        from bench import engine_bench

        log(f"engine: work year {YEAR}")
        mode = os.environ.get("BENCH_ENGINE_MODE", "batched")
        repeat = int(os.environ.get("BENCH_REPEAT", "7"))
        result = engine_bench.run(YEAR, repeat=repeat, mode=mode)
        if result.mismatches:
            log(f"engine: {result.mismatches} rows differ between kiemsat and DuckDB")
        ratio = result.kiemsat / result.duckdb
        print(
            f"bench engine: kiemsat={result.kiemsat:.3f} duckdb={result.duckdb:.3f} "
            f"ratio={ratio:.2f}",
            flush=True,
        )
    if "import" in parts:
        from bench import import_bench

        log(f"import: {CSV.name}")
        repeat = int(os.environ.get("BENCH_IMPORT_REPEAT", "5"))
        imported = import_bench.run(CSV, TEMPLATE, DATA, CSV_ROWS, repeat=repeat)
        ratio = imported.kiemsat / imported.sqlite3
        print(
            f"bench import: kiemsat={imported.kiemsat:.3f} sqlite3={imported.sqlite3:.3f} "
            f"ratio={ratio:.2f}",
            flush=True,
        )
    if "page" in parts:
        from bench import page_bench

        log("page: gunicorn, 2 workers")
        seconds = float(os.environ.get("BENCH_PAGE_SECONDS", "10"))
        page = page_bench.run(YEAR, seconds=seconds)
        ratio = page.dashboard / page.trivial
        print(
            f"bench page: dashboard={page.dashboard:.1f} trivial={page.trivial:.1f} "
            f"ratio={ratio:.3f}",
            flush=True,
        )
    if "load" in parts:
        from bench import load

        seconds = float(os.environ.get("LOAD_SECONDS", "120"))
        connections = int(os.environ.get("LOAD_USERS", "32"))
        workers = int(os.environ.get("LOAD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
        result = load.run(seconds, connections, workers)
        print("\n".join(load.report(result)), flush=True)
    log(f"bench: done in {time.perf_counter() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
