"""The indicator engine against properties and against an independent implementation: pooled
results equal results on summed figures, gaps are the smallest change that meets the
target, exact comparison at the boundary, and a DuckDB version of the same rules (DESIGN
§5) agreeing on random units and groups. The examples are in ``test_engine``.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiemsat.indicators.engine import (
    IndicatorSpec,
    Status,
    aggregate_for,
    display_value,
    evaluate,
    evaluate_aggregated,
    pool,
    summarize,
)
from kiemsat.indicators.tests.test_engine import KINDS, SPECS, count, ratio, run, shown

pytestmark: list[pytest.MarkDecorator] = []

# --- properties -----------------------------------------------------------------------------------

months_st = st.integers(0, 5).flatmap(lambda a: st.integers(a, 6).map(lambda b: list(range(a, b))))
figures_st = st.dictionaries(
    st.sampled_from(sorted(KINDS)),
    st.dictionaries(st.integers(0, 6), st.integers(0, 40), max_size=4),
    max_size=6,
)
members_st = st.lists(st.tuples(figures_st, st.none() | st.integers(0, 30)), max_size=5)
targets_st = st.builds(Fraction, st.integers(0, 1100), st.sampled_from([1, 2, 10, 100]))
threshold_st = st.sampled_from([">", ">=", "=", "<", "<="])


def _merge(members):
    merged: dict[str, dict[int, int]] = {}
    for figures, _ in members:
        for code, monthly in figures.items():
            for month, value in monthly.items():
                merged.setdefault(code, {})[month] = merged.get(code, {}).get(month, 0) + value
    return merged


@given(members_st, months_st)
def test_pooled_results_equal_results_on_summed_figures(members, months):
    for spec in SPECS:
        inputs = [aggregate_for(spec, f, KINDS, months, q) for f, q in members]
        quotas = [i.quota for i in inputs if i.reported and i.quota is not None]
        merged_quota = sum(quotas) if quotas else None
        whole = aggregate_for(spec, _merge(members), KINDS, months, merged_quota)
        assert evaluate(spec, pool(inputs)) == evaluate(spec, whole)


def _met(spec: IndicatorSpec, n: int, d: int) -> bool:
    return run(spec, N=n, D=d, C=n).met


@given(threshold_st, targets_st, st.integers(0, 150), st.integers(1, 150))
def test_ratio_gap_is_the_smallest_change_that_meets_the_target(op, target, n, d):
    spec = ratio(op, target)
    ev = run(spec, N=n, D=d)
    if ev.status != Status.KHONG_DAT:
        assert ev.gap is None and not ev.gap_impossible
        return
    shrink = op in ("<", "<=")
    candidates = range(1, (n if shrink else d - n) + 1)
    reaching = [x for x in candidates if _met(spec, n - x if shrink else n + x, d)]
    if ev.gap_impossible:
        assert ev.gap is None and not reaching
        return
    x = ev.gap
    assert x is not None and x >= 1 and reaching and x == min(reaching)
    assert _met(spec, n - x if shrink else n + x, d)
    assert not _met(spec, n - (x - 1) if shrink else n + (x - 1), d)


@given(threshold_st | st.just("quota"), st.integers(0, 300), st.integers(0, 300))
def test_count_gap_reaches_the_target_and_one_less_does_not(op, target, c):
    spec = count(op, None if op == "quota" else target)
    quota = target if op == "quota" else None
    ev = run(spec, quota=quota, C=c)
    if ev.status != Status.KHONG_DAT:
        assert ev.gap is None
        return
    step = -1 if op in ("<", "<=") else 1
    if ev.gap_impossible:
        assert op == "=" or step == -1  # only "=" (never) or going below zero can fail
        return
    assert ev.gap is not None and ev.gap >= 1
    assert run(spec, quota=quota, C=c + step * ev.gap).met
    assert not run(spec, quota=quota, C=c + step * (ev.gap - 1)).met


evaluation_st = st.builds(
    lambda spec, values, reported, quota: evaluate_aggregated(spec, values, reported, quota),
    st.sampled_from(SPECS),
    st.dictionaries(st.sampled_from(sorted(KINDS)), st.integers(-5, 30)),
    st.booleans(),
    st.none() | st.integers(0, 30),
)


@given(st.lists(evaluation_st, max_size=40))
def test_summaries_count_what_they_claim(evaluations):
    s = summarize(evaluations)
    statuses = [ev.status for ev in evaluations]
    not_met = statuses.count(Status.KHONG_DAT)
    assert s.arising == s.met + not_met
    assert s.met == statuses.count(Status.VUOT) + statuses.count(Status.DAT)
    assert s.exceeded == statuses.count(Status.VUOT)
    assert s.exceeded <= s.met and s.exceeded <= s.eligible <= s.arising
    assert sum(s.by_status.values()) == len(evaluations)
    assert s.met_line().startswith(f"{s.met}/{s.arising} chỉ tiêu đạt")


def _oracle(op: str, n: int, d: int, t: Fraction) -> Status:
    """Integer cross-multiplication: 100·n·t_den ⋈ t_num·d (d > 0)."""
    lhs, rhs = 100 * n * t.denominator, t.numerator * d
    met = {">": lhs > rhs, ">=": lhs >= rhs, "=": lhs == rhs, "<": lhs < rhs, "<=": lhs <= rhs}
    better = lhs > rhs if op in (">", ">=") else lhs < rhs if op in ("<", "<=") else False
    return Status.VUOT if met[op] and better else Status.DAT if met[op] else Status.KHONG_DAT


@given(
    threshold_st,
    targets_st,
    st.integers(10**15, 10**18),
    st.integers(-2, 2),
)
def test_comparison_is_exact_around_the_boundary(op, target, d, nudge):
    at_target = target * d / 100
    n = max(0, int(at_target) + nudge)
    assert run(ratio(op, target), N=n, D=d).status == _oracle(op, n, d, target)


@given(threshold_st, st.integers(0, 10**6), st.integers(1, 10**6))
def test_value_exactly_at_target(op, n, d):
    target = Fraction(100 * n, d)
    expected = {">": "KHONG_DAT", ">=": "DAT", "=": "DAT", "<": "KHONG_DAT", "<=": "DAT"}
    assert run(ratio(op, target), N=n, D=d).status == expected[op]


def test_floats_would_get_this_wrong():
    n, d = 9 * 10**17 + 1, 10**18
    assert 100 * n / d == 90.0  # the float rounds the difference away
    assert run(ratio(">", 90), N=n, D=d).status == Status.VUOT
    assert run(ratio("<=", 90), N=n, D=d).status == Status.KHONG_DAT


@given(threshold_st, targets_st, st.integers(0, 10**5), st.integers(1, 10**5))
def test_display_never_shows_a_different_value_as_the_target(op, target, n, d):
    ev = run(ratio(op, target), N=n, D=d)
    assert ev.value is not None
    if ev.value != target:
        assert shown(display_value(ev)) != target
    assert abs(shown(display_value(ev)) - ev.value) <= Fraction(1, 20)


# --- cross-check against the independent DuckDB implementation -----------------------------------

UNITS = [f"U{i:02d}" for i in range(8)]


def _random_case(rng: random.Random):
    presence = {u: rng.choice([0.0, 0.2, 0.6, 1.0]) for u in UNITS}
    rows = [
        (u, month, metric, rng.choice([0, 0, 1, 2, 4, 5, 8, 10, rng.randint(0, 40)]))
        for u in UNITS
        for metric in KINDS
        for month in range(10)
        if rng.random() < presence[u]
    ]
    start = rng.randint(0, 8)
    months = list(range(start, rng.randint(start + 1, 10)))
    quotas = {
        (u, spec.code): rng.randint(0, 15)
        for u in UNITS
        for spec in SPECS
        if spec.op == "quota" and rng.random() < 0.6
    }
    groups = {
        "G-ALL": UNITS,
        "G-SOME": rng.sample(UNITS, 3),
        "G-SILENT": [u for u in UNITS if presence[u] == 0.0][:2] or ["U-NONE"],
        "G-EMPTY": [],
    }
    return rows, months, quotas, groups


def _python_rows(rows, months, quotas, groups):
    figures: dict[str, dict[str, dict[int, int]]] = {}
    for unit, month, metric, value in rows:
        figures.setdefault(unit, {}).setdefault(metric, {})[month] = value
    members = (u for unit_codes in groups.values() for u in unit_codes)
    units = sorted({*UNITS, *figures, *members})
    result = []
    for spec in SPECS:
        inputs = {
            u: aggregate_for(spec, figures.get(u, {}), KINDS, months, quotas.get((u, spec.code)))
            for u in units
        }
        entries = [(u, inputs[u]) for u in units]
        entries += [(g, pool(inputs[u] for u in members)) for g, members in groups.items()]
        for code, data in entries:
            ev = evaluate(spec, data)
            result.append((code, spec.code, ev.numerator, ev.denominator, str(ev.status)))
    return sorted(result), units


def _duckdb_rows(rows, months, quotas, groups, units):
    duckdb = pytest.importorskip("duckdb")
    from bench.duckdb_engine import evaluate_duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE figures (unit_code VARCHAR, month INTEGER, metric_code VARCHAR, value BIGINT)"
    )
    if rows:
        columns = [list(column) for column in zip(*rows, strict=True)]
        con.execute(
            "INSERT INTO figures SELECT UNNEST(?::VARCHAR[]), UNNEST(?::INTEGER[]),"
            " UNNEST(?::VARCHAR[]), UNNEST(?::BIGINT[])",
            columns,
        )
    return evaluate_duckdb(con, "figures", SPECS, months, quotas, groups, kinds=KINDS, units=units)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32))
def test_duckdb_implementation_agrees_for_units_and_groups(seed):
    rows, months, quotas, groups = _random_case(random.Random(seed))
    expected, units = _python_rows(rows, months, quotas, groups)
    assert _duckdb_rows(rows, months, quotas, groups, units) == expected


EDGE_ROWS = [  # one month, figures that land exactly on the targets
    ("B1", 0, "DA_GQ", 7), ("B1", 0, "TON_DAU", 8),  # 87,5%: TB-03 met exactly, TB-01 not
    ("B2", 0, "DA_GQ", 9), ("B2", 0, "MOI", 10),  # 90%: TB-01 not above, TB-04 not 100
    ("B3", 0, "DA_GQ", 5), ("B3", 0, "MOI", 5),  # 100%: TB-04 met
    ("B4", 0, "QUA_HAN", 3), ("B4", 0, "CHUA_GQ", 200),  # 1,5%: TB-05 not below
    ("B5", 0, "QUA_HAN", 1), ("B5", 0, "CHUA_GQ", 4), ("B5", 0, "MOI", 1),  # TB-06 20%
    ("B6", 0, "KSTT", 2), ("B6", 0, "VI_PHAM", 1), ("B6", 0, "SO_NGUOI", 0),
    ("B7", 0, "VI_PHAM", 0), ("B7", 0, "SO_NGUOI", 4), ("B7", 0, "KSTT", 1),
]  # fmt: skip


def test_duckdb_implementation_agrees_on_the_boundaries():
    quotas = {("B6", "TG-02"): 2, ("B7", "TG-02"): 2}
    groups = {"G1": ["B1", "B2"], "G2": ["B4", "B5", "B6", "B7"]}
    expected, units = _python_rows(EDGE_ROWS, [0], quotas, groups)
    statuses = {(code, indicator): status for code, indicator, _, _, status in expected}
    assert statuses["B1", "TB-03"] == statuses["B3", "TB-04"] == statuses["B5", "TB-06"] == "DAT"
    assert statuses["B2", "TB-01"] == statuses["B4", "TB-05"] == "KHONG_DAT"
    assert statuses["B6", "TG-02"] == statuses["B6", "TG-04"] == "DAT"
    assert statuses["B6", "TG-01"] == "KHONG_PHAT_SINH"
    assert statuses["B7", "TG-02"] == "KHONG_DAT"
    assert _duckdb_rows(EDGE_ROWS, [0], quotas, groups, units) == expected
