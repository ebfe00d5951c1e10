"""Indicator statuses computed in DuckDB SQL, independently of kiemsat.indicators.engine.

`make bench` (bench/engine_bench.py) times kiemsat's evaluation against this on the national
dataset; `benchmark()` (`python -m bench.duckdb_engine`) times the pure engine alone on
generated figures; and the engine's tests use it as a cross-check: `evaluate_duckdb` shares no
evaluation code with the engine (it only reads the fields of `IndicatorSpec`), so agreeing
results mean DESIGN §5 was read the same way twice. Aggregation by kind, formula sums and
statuses are all SQL; targets enter as integer fractions t_num/t_den and ratios are
compared as 100·N·t_den ⋈ t_num·D in HUGEINT.

The figures table has columns (unit_code VARCHAR, month INTEGER, metric_code VARCHAR,
value BIGINT), at most one row per unit × month × metric; `month` is a month index
(`kiemsat.lib.periods.Month.index`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from kiemsat.indicators import engine
from kiemsat.indicators.engine import IndicatorSpec

Row = tuple[str, str, int | None, int | None, str]
"""(unit or group code, indicator code, numerator, denominator, status)"""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")

_EVALUATE_SQL = """
WITH bounds AS (SELECT MIN(pos) AS first_pos, MAX(pos) AS last_pos FROM _ev_months),
unit_metric AS (
    SELECT f.unit_code, f.metric_code,
        SUM(CASE k.kind
            WHEN 'sum' THEN f.value
            WHEN 'first' THEN CASE WHEN m.pos = b.first_pos THEN f.value ELSE 0 END
            WHEN 'last' THEN CASE WHEN m.pos = b.last_pos THEN f.value ELSE 0 END
        END)::HUGEINT AS total
    FROM {figures} f
    JOIN _ev_months m ON m.month = f.month
    JOIN _ev_kinds k ON k.metric_code = f.metric_code
    CROSS JOIN bounds b
    GROUP BY f.unit_code, f.metric_code
),
unit_sums AS (
    SELECT u.unit_code AS code, t.indicator_code,
        SUM(CASE WHEN t.part = 'numerator' THEN t.sign * COALESCE(um.total, 0) ELSE 0 END) AS n,
        SUM(CASE WHEN t.part = 'denominator' THEN t.sign * COALESCE(um.total, 0) ELSE 0 END) AS d,
        SUM(CASE WHEN t.part = 'count' THEN t.sign * COALESCE(um.total, 0) ELSE 0 END) AS c,
        SUM(CASE WHEN t.part = 'base' THEN t.sign * COALESCE(um.total, 0) ELSE 0 END) AS b,
        COUNT(um.metric_code) > 0 AS reported
    FROM _ev_units u
    CROSS JOIN _ev_terms t
    LEFT JOIN unit_metric um ON um.unit_code = u.unit_code AND um.metric_code = t.metric_code
    GROUP BY u.unit_code, t.indicator_code
),
unit_rows AS (
    SELECT us.*, q.quota::HUGEINT AS quota
    FROM unit_sums us
    LEFT JOIN _ev_quotas q ON q.unit_code = us.code AND q.indicator_code = us.indicator_code
),
group_rows AS (
    SELECT g.group_code AS code, s.indicator_code,
        COALESCE(SUM(CASE WHEN ur.reported THEN ur.n ELSE 0 END), 0) AS n,
        COALESCE(SUM(CASE WHEN ur.reported THEN ur.d ELSE 0 END), 0) AS d,
        COALESCE(SUM(CASE WHEN ur.reported THEN ur.c ELSE 0 END), 0) AS c,
        COALESCE(SUM(CASE WHEN ur.reported THEN ur.b ELSE 0 END), 0) AS b,
        COALESCE(BOOL_OR(ur.reported), FALSE) AS reported,
        SUM(CASE WHEN ur.reported THEN ur.quota END) AS quota
    FROM _ev_groups g
    CROSS JOIN _ev_specs s
    LEFT JOIN _ev_members gm ON gm.group_code = g.group_code
    LEFT JOIN unit_rows ur ON ur.code = gm.unit_code AND ur.indicator_code = s.indicator_code
    GROUP BY g.group_code, s.indicator_code
),
all_rows AS (SELECT * FROM unit_rows UNION ALL BY NAME SELECT * FROM group_rows),
compared AS (
    SELECT r.*, s.kind, s.op, s.has_base,
        CASE s.kind WHEN 'ratio' THEN 100 * r.n * s.t_den ELSE r.c * s.t_den END AS lhs,
        CASE s.kind WHEN 'ratio' THEN s.t_num * r.d ELSE s.t_num::HUGEINT END AS rhs
    FROM all_rows r JOIN _ev_specs s ON s.indicator_code = r.indicator_code
)
SELECT code, indicator_code,
    CASE WHEN NOT reported THEN NULL WHEN kind = 'ratio' THEN n ELSE c END AS numerator,
    CASE WHEN NOT reported THEN NULL WHEN kind = 'ratio' THEN d
         WHEN op = 'quota' THEN quota END AS denominator,
    CASE
        WHEN NOT reported THEN 'CHUA_BAO_CAO'
        WHEN kind = 'ratio' AND d <= 0 THEN 'KHONG_PHAT_SINH'
        WHEN kind = 'count' AND has_base AND b <= 0 THEN 'KHONG_PHAT_SINH'
        WHEN op = 'none' THEN 'THEO_DOI'
        WHEN op = 'quota' AND quota IS NULL THEN 'KHONG_CO_CHI_TIEU'
        WHEN op = 'quota' THEN CASE WHEN c > quota THEN 'VUOT' WHEN c = quota THEN 'DAT'
                                    ELSE 'KHONG_DAT' END
        WHEN op = 'zero' THEN CASE WHEN c = 0 THEN 'DAT' ELSE 'KHONG_DAT' END
        WHEN op = '=' THEN CASE WHEN lhs = rhs THEN 'DAT' ELSE 'KHONG_DAT' END
        WHEN op IN ('>', '>=') THEN CASE WHEN lhs > rhs THEN 'VUOT'
                                         WHEN lhs = rhs AND op = '>=' THEN 'DAT'
                                         ELSE 'KHONG_DAT' END
        WHEN op IN ('<', '<=') THEN CASE WHEN lhs < rhs THEN 'VUOT'
                                         WHEN lhs = rhs AND op = '<=' THEN 'DAT'
                                         ELSE 'KHONG_DAT' END
    END AS status
FROM compared
ORDER BY code, indicator_code
"""

_TABLES: dict[str, list[tuple[str, str]]] = {
    "_ev_months": [("month", "INTEGER"), ("pos", "INTEGER")],
    "_ev_kinds": [("metric_code", "VARCHAR"), ("kind", "VARCHAR")],
    "_ev_specs": [
        ("indicator_code", "VARCHAR"),
        ("kind", "VARCHAR"),
        ("op", "VARCHAR"),
        ("t_num", "HUGEINT"),
        ("t_den", "HUGEINT"),
        ("has_base", "BOOLEAN"),
    ],
    "_ev_terms": [
        ("indicator_code", "VARCHAR"),
        ("part", "VARCHAR"),
        ("metric_code", "VARCHAR"),
        ("sign", "INTEGER"),
    ],
    "_ev_quotas": [("unit_code", "VARCHAR"), ("indicator_code", "VARCHAR"), ("quota", "BIGINT")],
    "_ev_groups": [("group_code", "VARCHAR")],
    "_ev_members": [("group_code", "VARCHAR"), ("unit_code", "VARCHAR")],
    "_ev_units": [("unit_code", "VARCHAR")],
}


def evaluate_duckdb(
    con: Any,
    figures_table: str,
    specs: Sequence[IndicatorSpec],
    month_indices: Sequence[int],
    quotas: Mapping[tuple[str, str], int],
    groups: Mapping[str, Sequence[str]],
    *,
    kinds: Mapping[str, str],
    units: Sequence[str] | None = None,
) -> list[Row]:
    """Statuses of every spec for every unit and every (pooled) group, sorted by code.

    `kinds` maps each metric code to its aggregation ("sum", "first", "last"); `quotas`
    maps (unit code, indicator code) to the unit's quota. Units are `units` if given, else
    every unit with a figure, a quota or a group membership.
    """
    if not _IDENTIFIER.fullmatch(figures_table):
        raise ValueError(f"invalid table name: {figures_table!r}")
    unknown = sorted({m for spec in specs for m in spec.metrics()} - kinds.keys())
    if unknown:
        raise ValueError(f"no aggregation kind for metrics: {', '.join(unknown)}")
    _load_inputs(con, specs, month_indices, quotas, groups, kinds)
    if units is None:
        con.execute(
            f"""INSERT INTO _ev_units SELECT DISTINCT unit_code FROM (
                SELECT unit_code FROM {figures_table} UNION SELECT unit_code FROM _ev_quotas
                UNION SELECT unit_code FROM _ev_members)"""  # noqa: S608 - checked name
        )
    else:
        _insert(con, "_ev_units", [(u,) for u in dict.fromkeys(units)])
    rows = con.execute(_EVALUATE_SQL.format(figures=figures_table)).fetchall()
    return [(c, i, _int(n), _int(d), s) for c, i, n, d, s in rows]


def _load_inputs(
    con: Any,
    specs: Sequence[IndicatorSpec],
    month_indices: Sequence[int],
    quotas: Mapping[tuple[str, str], int],
    groups: Mapping[str, Sequence[str]],
    kinds: Mapping[str, str],
) -> None:
    for name, columns in _TABLES.items():
        body = ", ".join(f"{column} {type_}" for column, type_ in columns)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({body})")
    _insert(con, "_ev_months", [(m, pos) for pos, m in enumerate(month_indices)])
    _insert(con, "_ev_kinds", [(code, str(kind)) for code, kind in kinds.items()])
    _insert(con, "_ev_specs", [_spec_row(spec) for spec in specs])
    _insert(con, "_ev_terms", [term for spec in specs for term in _term_rows(spec)])
    _insert(con, "_ev_quotas", [(u, i, q) for (u, i), q in quotas.items()])
    _insert(con, "_ev_groups", [(g,) for g in groups])
    _insert(con, "_ev_members", [(g, u) for g, members in groups.items() for u in members])


def _spec_row(spec: IndicatorSpec) -> tuple[str, str, str, int, int, bool]:
    num, den = (0, 1) if spec.target is None else spec.target.as_integer_ratio()
    return (spec.code, spec.kind, spec.op, num, den, spec.base is not None)


def _term_rows(spec: IndicatorSpec) -> list[tuple[str, str, str, int]]:
    parts = {
        "numerator": spec.numerator,
        "denominator": spec.denominator,
        "count": spec.count,
        "base": spec.base or (),
    }
    return [(spec.code, part, code, sign) for part, terms in parts.items() for sign, code in terms]


def _insert(con: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Bulk insert through list parameters (one UNNEST per column), much faster than
    executemany in DuckDB."""
    if not rows:
        return
    types = [type_ for _, type_ in _TABLES[table]]
    columns = [list(column) for column in zip(*rows, strict=True)]
    select = ", ".join(f"UNNEST(?::{type_}[])" for type_ in types)
    con.execute(f"INSERT INTO {table} SELECT {select}", columns)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


# --- benchmark: the Python engine against this, on the same generated figures ---------------

STARTER_KINDS = {
    "TB_TON_DAU": "first", "TB_MOI": "sum", "TB_CHUYEN": "sum", "TB_DA_GQ": "sum",
    "TB_CHUA_GQ": "last", "TB_QUA_HAN": "last", "TB_KSTT": "sum", "TG_SO_NGUOI": "sum",
    "TG_QUA_HAN": "sum", "TG_KSTT": "sum", "TT_TRUY_TO": "sum", "TT_DUNG_HAN": "sum",
    "KNG_BAN_HANH": "sum", "KNG_CHAP_NHAN": "sum",
}  # fmt: skip
"""A slice of the starter catalogue (../shared/data/catalog.yaml) to benchmark with."""


def starter_specs() -> list[IndicatorSpec]:
    build = IndicatorSpec.from_formulas
    return [
        build("TB-01", numerator="TB_DA_GQ", denominator="TB_TON_DAU + TB_MOI - TB_CHUYEN",
              op=">", target=90),
        build("TB-02", numerator="TB_QUA_HAN", denominator="TB_CHUA_GQ", op="none"),
        build("TB-03", count="TB_KSTT", op="quota"),
        build("TG-01", count="TG_QUA_HAN", base="TG_SO_NGUOI", op="zero"),
        build("TG-02", count="TG_KSTT", op="quota"),
        build("TT-01", numerator="TT_DUNG_HAN", denominator="TT_TRUY_TO", op="=", target=100),
        build("KN-01", numerator="KNG_CHAP_NHAN", denominator="KNG_BAN_HANH", op=">=",
              target=70),
    ]  # fmt: skip


def benchmark(n_units: int = 1100, n_months: int = 60, seed: int = 0) -> dict[str, float]:
    """Seconds taken by each implementation on one work year of generated figures.

    Both evaluate every unit and every group (63 provinces and the nation) over the last 12
    of `n_months` generated months; raises AssertionError if their results differ.
    """
    import random
    import time

    import duckdb

    specs, kinds = starter_specs(), STARTER_KINDS
    con = duckdb.connect()
    _insert_kinds_table(con, kinds)
    con.execute(
        """CREATE TABLE bench_figures AS
        SELECT 'U' || lpad(u::VARCHAR, 5, '0') AS unit_code, m::INTEGER AS month,
               k.metric_code, (hash(u, m, k.metric_code, $seed) % 40)::BIGINT AS value
        FROM range($units) r(u), range($months) s(m), bench_kinds k
        WHERE hash(u, m, k.metric_code, $seed + 1) % 10 <> 0""",
        {"units": n_units, "months": n_months, "seed": seed},
    )
    rng = random.Random(seed)
    units = [f"U{u:05d}" for u in range(n_units)]
    quotas = {(u, s.code): rng.randint(0, 20) for u in units for s in specs if s.op == "quota"}
    groups = {f"P{p:02d}": units[p::63] for p in range(63)} | {"VN": units}
    months = list(range(n_months - 12, n_months))
    figures: dict[str, dict[str, dict[int, int]]] = {}
    rows = con.execute("SELECT * FROM bench_figures").fetchall()
    for unit, month, metric, value in rows:
        figures.setdefault(unit, {}).setdefault(metric, {})[month] = value

    start = time.perf_counter()
    expected = _engine_rows(specs, figures, kinds, months, quotas, groups, units)
    python_seconds = time.perf_counter() - start
    start = time.perf_counter()
    got = evaluate_duckdb(
        con, "bench_figures", specs, months, quotas, groups, kinds=kinds, units=units
    )
    duckdb_seconds = time.perf_counter() - start
    assert got == expected, "DuckDB and the Python engine disagree"
    return {"python": python_seconds, "duckdb": duckdb_seconds, "figures": float(len(rows))}


def _engine_rows(
    specs: Sequence[IndicatorSpec],
    figures: Mapping[str, Mapping[str, Mapping[int, int]]],
    kinds: Mapping[str, str],
    months: Sequence[int],
    quotas: Mapping[tuple[str, str], int],
    groups: Mapping[str, Sequence[str]],
    units: Sequence[str],
) -> list[Row]:
    """The same rows from the Python engine (kiemsat.indicators.engine)."""
    rows: list[Row] = []
    for spec in specs:
        code = spec.code
        inputs = {
            u: engine.aggregate_for(spec, figures.get(u, {}), kinds, months, quotas.get((u, code)))
            for u in units
        }
        pooled = {g: engine.pool(inputs[u] for u in members) for g, members in groups.items()}
        for key, data in [*inputs.items(), *pooled.items()]:
            ev = engine.evaluate(spec, data)
            rows.append((key, code, ev.numerator, ev.denominator, str(ev.status)))
    return sorted(rows)


def _insert_kinds_table(con: Any, kinds: Mapping[str, str]) -> None:
    con.execute("CREATE TABLE bench_kinds (metric_code VARCHAR, kind VARCHAR)")
    con.execute(
        "INSERT INTO bench_kinds SELECT UNNEST(?::VARCHAR[]), UNNEST(?::VARCHAR[])",
        [list(kinds), list(kinds.values())],
    )


if __name__ == "__main__":
    result = benchmark()
    ratio = result["python"] / result["duckdb"]
    print(
        f"{result['figures']:.0f} figures: python {result['python']:.3f}s, "
        f"duckdb {result['duckdb']:.3f}s, python/duckdb {ratio:.1f}"
    )
