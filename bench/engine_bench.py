"""kiemsat's evaluation against DuckDB on the national dataset, one work year.

Both evaluate, for the work year: every provincial and local unit that existed in it (own
scope: the unit and the units it took over), every emulation cluster of the year, every
provincial unit "hai cấp" with its local units, and the nation (each province with its
subordinates, pooled). kiemsat runs the way a page or command would:

- ``api``: the public calls one by one (`evaluate_unit`, `evaluate_cluster`,
  `evaluate_province`, `evaluate_nation`), each reading the database itself;
- ``batched``: one `member_inputs` call for every member of every evaluation (a dict of
  member key -> unit ids), then `engine.evaluate`/`engine.pool` per table, as an
  "evaluate everything" command would.

DuckDB gets the same figures in memory (loaded from the SQLite file, not timed) and the
same member sets (unit ids per member, from the organisation graph), and computes every
status in SQL with `bench.duckdb_engine.evaluate_duckdb`. Derived metrics (counted from
the registers by metric providers) enter DuckDB as the providers' monthly values for the
range, computed before the clock starts; kiemsat queries the providers inside its time.
Only the computation is timed; the result rows (code, indicator, numerator, denominator,
status) must agree.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from bench.duckdb_engine import Row, evaluate_duckdb
from kiemsat.indicators import engine
from kiemsat.indicators.evaluation import (
    Line,
    Table,
    evaluate_cluster,
    evaluate_nation,
    evaluate_province,
    evaluate_unit,
    indicators_in_force,
    member_inputs,
    nation_members,
    spec_for,
    units_active_in,
)
from kiemsat.indicators.models import Indicator, Metric, Quota
from kiemsat.indicators.providers import PROVIDERS
from kiemsat.lib.periods import MonthRange, work_year_of
from kiemsat.org.access import OrgGraph
from kiemsat.org.models import ClusterTerm, Level, Unit

NATION = "TOAN-QUOC"
LEVELS = (Level.PROVINCIAL, Level.LOCAL)


@dataclass
class EngineResult:
    kiemsat: float
    duckdb: float
    mode: str
    other: dict[str, float]
    rows: int
    mismatches: int


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- kiemsat -----------------------------------------------------------------------------


def _units(months: MonthRange) -> list[Unit]:
    return list(Unit.objects.filter(units_active_in(months), level__in=LEVELS).order_by("code"))


def _rows(key: str, table: Table) -> Iterable[Row]:
    for line in table.lines:
        ev = line.evaluation
        yield (key, line.indicator.code, ev.numerator, ev.denominator, str(ev.status))


def kiemsat_api(months: MonthRange) -> dict[tuple[str, str], Row]:
    """Every evaluation through the public one-call-per-table functions."""
    out: dict[tuple[str, str], Row] = {}

    def keep(key: str, table: Table) -> None:
        for row in _rows(key, table):
            out[row[0], row[1]] = row

    units = _units(months)
    for unit in units:
        keep(f"U:{unit.code}", evaluate_unit(unit, months))
    year = work_year_of(months.end)
    for term in ClusterTerm.objects.filter(year=year).select_related("cluster"):
        result = evaluate_cluster(term.cluster, term, months)
        keep(f"C:{term.cluster.code}", result.group)
        for table in result.members:
            keep(f"U:{table.code}", table)
    for unit in units:
        if unit.level == Level.PROVINCIAL:
            result = evaluate_province(unit, months)
            keep(f"P:{unit.code}", result.group)
            for table in result.members:
                keep(f"U:{table.code}", table)
    result = evaluate_nation(months)
    keep(NATION, result.group)
    for table in result.members:
        keep(f"N:{table.code}", table)
    return out


@dataclass
class Plan:
    """Who is evaluated: member key -> unit ids, and group key -> member keys."""

    members: dict[str, set[int]]
    levels: dict[str, set[str]]
    groups: dict[str, list[str]]
    names: dict[str, str]


def plan(months: MonthRange, graph: OrgGraph | None = None) -> Plan:
    """The member sets and groups of every evaluation, as the public functions build them."""
    graph = graph or OrgGraph.load()
    units = _units(months)
    members: dict[str, set[int]] = {}
    levels: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for unit in units:
        key = f"U:{unit.code}"
        members[key] = graph.taken_over([unit.pk])
        levels[key] = {unit.level}
        names[key] = unit.name
    groups: dict[str, list[str]] = {}
    year = work_year_of(months.end)
    terms = ClusterTerm.objects.filter(year=year).select_related("cluster")
    for term in terms.prefetch_related("members"):
        codes = sorted(term.members.all(), key=lambda u: u.name_folded)
        groups[f"C:{term.cluster.code}"] = [f"U:{u.code}" for u in codes]
    by_parent: dict[int, list[Unit]] = {}
    for unit in units:
        by_parent.setdefault(unit.parent_id or 0, []).append(unit)
    for unit in units:
        if unit.level == Level.PROVINCIAL:
            children = sorted(by_parent.get(unit.pk, []), key=lambda u: u.name_folded)
            groups[f"P:{unit.code}"] = [f"U:{u.code}" for u in [unit, *children]]
    nation = []
    for unit in nation_members(months.last_day()):
        key = f"N:{unit.code}"
        own = graph.taken_over([unit.pk])
        members[key] = own | graph.below(own)
        nation.append(key)
        names[key] = unit.name
    groups[NATION] = nation
    unit_levels = dict(Unit.objects.values_list("pk", "level"))
    for key in nation:
        levels[key] = {unit_levels[u] for u in members[key]}
    return Plan(members, levels, groups, names)


def kiemsat_batched(months: MonthRange) -> dict[tuple[str, str], Row]:
    """Every evaluation from one `member_inputs` call (one aggregate query)."""
    work = plan(months)
    by_levels: dict[frozenset[str], list[Indicator]] = {}

    def indicators(levels: Iterable[str]) -> list[Indicator]:
        key = frozenset(levels)
        if key not in by_levels:
            by_levels[key] = indicators_in_force(months.last_day(), key)
        return by_levels[key]

    every = indicators(set().union(*work.levels.values()))
    inputs = member_inputs(work.members, every, months)
    specs = {ind.code: spec_for(ind) for ind in every}
    out: dict[tuple[str, str], Row] = {}

    def keep(key: str, wanted: Sequence[Indicator], data: Mapping[str, Any]) -> None:
        lines = [Line(ind, engine.evaluate(specs[ind.code], data[ind.code])) for ind in wanted]
        table = Table(key, work.names.get(key, key), months, lines)
        for row in _rows(key, table):
            out[row[0], row[1]] = row

    for key in work.members:
        keep(key, indicators(work.levels[key]), inputs[key])
    for key, member_keys in work.groups.items():
        levels = set().union(*(work.levels[m] for m in member_keys))
        wanted = indicators(levels)
        pooled = {ind.code: engine.pool(inputs[m][ind.code] for m in member_keys) for ind in wanted}
        keep(key, wanted, pooled)
    return out


# --- DuckDB ------------------------------------------------------------------------------


def load_duckdb(db_path: str) -> Any:
    """An in-memory DuckDB with the figures table (unit_code, month, metric_code, value)."""
    import duckdb

    src = sqlite3.connect(db_path)
    rows = src.execute("SELECT unit_id, period, metric_id, value FROM indicators_figure").fetchall()
    units = src.execute("SELECT id, code FROM org_unit").fetchall()
    metrics = src.execute("SELECT id, code FROM indicators_metric").fetchall()
    src.close()
    con = duckdb.connect()
    for name, pairs in (("units", units), ("metrics", metrics)):
        ids, codes = (list(c) for c in zip(*pairs, strict=True))
        con.execute(
            f"CREATE TABLE {name} AS SELECT UNNEST(?::INTEGER[]) AS id, "
            "UNNEST(?::VARCHAR[]) AS code",
            [ids, codes],
        )
    columns = [list(c) for c in zip(*rows, strict=True)]
    del rows
    con.execute(
        "CREATE TABLE raw_figures AS SELECT UNNEST(?::INTEGER[]) AS unit_id, "
        "UNNEST(?::INTEGER[]) AS month, UNNEST(?::INTEGER[]) AS metric_id, "
        "UNNEST(?::BIGINT[]) AS value",
        columns,
    )
    con.execute(
        "CREATE TABLE figures AS SELECT u.code AS unit_code, f.month, m.code AS metric_code, "
        "f.value FROM raw_figures f JOIN units u ON u.id = f.unit_id "
        "JOIN metrics m ON m.id = f.metric_id"
    )
    con.execute("DROP TABLE raw_figures")
    return con


def add_derived(con: Any, months: MonthRange) -> int:
    """The derived metrics' monthly values over the range, from the registered providers
    (what kiemsat's evaluation reads from the registers), as figures rows."""
    codes = dict(Unit.objects.values_list("pk", "code"))
    rows = [
        (codes[unit_id], period, code, value)
        for provider in PROVIDERS
        for unit_id, code, period, value in provider.monthly_values(
            list(codes), months.start.index, months.end.index
        )
    ]
    if rows:
        columns = [list(c) for c in zip(*rows, strict=True)]
        con.execute(
            "INSERT INTO figures SELECT UNNEST(?::VARCHAR[]), UNNEST(?::INTEGER[]), "
            "UNNEST(?::VARCHAR[]), UNNEST(?::BIGINT[])",
            columns,
        )
    return len(rows)


@dataclass
class DuckInputs:
    specs: list[engine.IndicatorSpec]
    months: list[int]
    quotas: dict[tuple[str, str], int]
    groups: dict[str, list[str]]
    kinds: dict[str, str]
    member_units: list[tuple[str, str]]  # (member key, unit code)
    member_keys: list[str]


def duck_inputs(months: MonthRange, work: Plan) -> DuckInputs:
    """What DuckDB is given: specs, months, member sets (as unit codes), summed quotas."""
    every = indicators_in_force(months.last_day(), set().union(*work.levels.values()))
    codes = dict(Unit.objects.values_list("pk", "code"))
    year = work_year_of(months.end)
    unit_quotas: dict[int, dict[str, int]] = {}
    for unit_id, indicator, value in Quota.objects.filter(work_year=year).values_list(
        "unit_id", "indicator_code", "value"
    ):
        unit_quotas.setdefault(unit_id, {})[indicator] = value
    quotas: dict[tuple[str, str], int] = {}
    for key, ids in work.members.items():
        for unit_id in ids:
            for indicator, value in unit_quotas.get(unit_id, {}).items():
                quotas[key, indicator] = quotas.get((key, indicator), 0) + value
    return DuckInputs(
        specs=[spec_for(ind) for ind in every],
        months=[m.index for m in months],
        quotas=quotas,
        groups=work.groups,
        kinds=dict(Metric.objects.values_list("code", "aggregation")),
        member_units=[(key, codes[u]) for key, ids in work.members.items() for u in sorted(ids)],
        member_keys=list(work.members),
    )


def duckdb_run(con: Any, data: DuckInputs) -> dict[tuple[str, str], Row]:
    """Member figures are the join of the figures with the member map, then evaluate."""
    con.execute("CREATE OR REPLACE TABLE member_map (member VARCHAR, unit_code VARCHAR)")
    keys, unit_codes = (list(c) for c in zip(*data.member_units, strict=True))
    con.execute(
        "INSERT INTO member_map SELECT UNNEST(?::VARCHAR[]), UNNEST(?::VARCHAR[])",
        [keys, unit_codes],
    )
    con.execute(
        "CREATE OR REPLACE VIEW member_figures AS SELECT mm.member AS unit_code, f.month, "
        "f.metric_code, f.value FROM figures f JOIN member_map mm ON mm.unit_code = f.unit_code"
    )
    rows = evaluate_duckdb(
        con,
        "member_figures",
        data.specs,
        data.months,
        data.quotas,
        data.groups,
        kinds=data.kinds,
        units=data.member_keys,
    )
    return {(r[0], r[1]): r for r in rows}


# --- the run -----------------------------------------------------------------------------


def _compare(ours: Mapping[tuple[str, str], Row], theirs: Mapping[tuple[str, str], Row]) -> int:
    bad = sorted(set(ours) ^ set(theirs))
    bad += sorted(k for k in set(ours) & set(theirs) if ours[k] != theirs[k])
    for key in bad[:10]:
        log(f"  mismatch {key}: kiemsat={ours.get(key)} duckdb={theirs.get(key)}")
    return len(bad)


def run(year: int = 2026, repeat: int = 7, mode: str = "batched") -> EngineResult:
    """Best of `repeat` interleaved runs of kiemsat (`mode`) and DuckDB, after a warm-up
    round; the other kiemsat way is timed once and only logged."""
    months = MonthRange.work_year(year)
    db_path = str(settings.DATABASES["default"]["NAME"])
    start = time.perf_counter()
    con = load_duckdb(db_path)
    derived = add_derived(con, months)
    log(
        f"  duckdb: figures loaded in {time.perf_counter() - start:.1f}s (not timed), "
        f"with {derived} monthly values of derived metrics from the registers"
    )
    data = duck_inputs(months, plan(months))
    ways: dict[str, Callable[[], dict[tuple[str, str], Row]]] = {
        "api": lambda: kiemsat_api(months),
        "batched": lambda: kiemsat_batched(months),
    }
    sides = {mode: ways[mode], "duckdb": lambda: duckdb_run(con, data)}
    other = next(name for name in ways if name != mode)
    best = dict.fromkeys([*sides, other], float("inf"))
    results: dict[str, dict[tuple[str, str], Row]] = {}
    for round_ in range(repeat + 1):
        for name, fn in sides.items():
            start = time.perf_counter()
            results[name] = fn()
            if round_:
                best[name] = min(best[name], time.perf_counter() - start)
    start = time.perf_counter()
    results[other] = ways[other]()
    best[other] = time.perf_counter() - start
    for name, seconds in best.items():
        runs = "once" if name == other else f"best of {repeat}"
        log(f"  {name}: {seconds:.3f}s ({runs}, {len(results[name])} rows)")
    duck_rows = results.pop("duckdb")
    mismatches = 0
    for name, rows in results.items():
        count = _compare(rows, duck_rows)
        if count:
            log(f"  {count} rows differ between kiemsat {name} and DuckDB")
        mismatches += count
    _log_statuses(duck_rows)
    return EngineResult(best[mode], best["duckdb"], mode, best, len(duck_rows), mismatches)


def _log_statuses(rows: Mapping[tuple[str, str], Row]) -> None:
    counts: dict[str, int] = {}
    for row in rows.values():
        counts[row[4]] = counts.get(row[4], 0) + 1
    log("  statuses: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))


__all__ = ["EngineResult", "kiemsat_api", "kiemsat_batched", "plan", "run"]
