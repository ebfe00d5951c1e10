"""`make bench` (`python -m bench`): kiemsat measured against references in the same run.

On a deterministic national-scale dataset (bench/dataset.py: the real organisation plus
generated local units, ≈1,100 units across history, 40 metrics, work years 2022–2026, a
register of ≈50,000 interventions behind the derived metrics) it prints exactly:

    bench engine: kiemsat=<s> duckdb=<s> ratio=<R>       (engine_bench.py, smaller is better)
    bench import: kiemsat=<s> sqlite3=<s> ratio=<R>      (import_bench.py, smaller is better)
    bench page: dashboard=<req/s> trivial=<req/s> ratio=<R>   (page_bench.py, larger is better)

Progress, per-part details and cross-checks go to stderr. Data lives in bench/data/
(gitignored). bench/settings.py and bench/urls.py add the page benchmark's constant view;
nothing else in the project refers to this package.
"""
