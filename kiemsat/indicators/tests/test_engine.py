"""The indicator engine (DESIGN §5) without a database: examples, properties, a DuckDB check."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kiemsat.indicators.engine import (
    AggregatedInput,
    Aggregation,
    Evaluation,
    IndicatorSpec,
    Status,
    Summary,
    aggregate,
    aggregate_for,
    aggregate_unit,
    csv_value,
    display_gap,
    display_value,
    evaluate,
    evaluate_aggregated,
    pool,
    summarize,
)
from kiemsat.indicators.formula import evaluate_formula, metric_codes, parse_formula

pytestmark: list[pytest.MarkDecorator] = []

KINDS = {
    "TON_DAU": Aggregation.FIRST,
    "MOI": Aggregation.SUM,
    "CHUYEN": Aggregation.SUM,
    "DA_GQ": Aggregation.SUM,
    "CHUA_GQ": Aggregation.LAST,
    "QUA_HAN": Aggregation.LAST,
    "SO_NGUOI": Aggregation.SUM,
    "VI_PHAM": Aggregation.SUM,
    "KSTT": Aggregation.SUM,
}
SPECS = [
    IndicatorSpec.from_formulas(
        "TB-01", numerator="DA_GQ", denominator="TON_DAU + MOI - CHUYEN", op=">", target=90
    ),
    IndicatorSpec.from_formulas("TB-02", numerator="QUA_HAN", denominator="CHUA_GQ", op="none"),
    IndicatorSpec.from_formulas(
        "TB-03", numerator="DA_GQ", denominator="TON_DAU + MOI", op=">=", target=Fraction(175, 2)
    ),
    IndicatorSpec.from_formulas("TB-04", numerator="DA_GQ", denominator="MOI", op="=", target=100),
    IndicatorSpec.from_formulas(
        "TB-05", numerator="QUA_HAN", denominator="CHUA_GQ", op="<", target=Fraction(3, 2)
    ),
    IndicatorSpec.from_formulas(
        "TB-06", numerator="QUA_HAN", denominator="CHUA_GQ + MOI", op="<=", target=20
    ),
    IndicatorSpec.from_formulas("TG-01", count="VI_PHAM", base="SO_NGUOI", op="zero"),
    IndicatorSpec.from_formulas("TG-02", count="KSTT", op="quota"),
    IndicatorSpec.from_formulas("TG-03", count="VI_PHAM", op="zero"),
    IndicatorSpec.from_formulas("TG-04", count="KSTT + VI_PHAM", op=">=", target=3),
    IndicatorSpec.from_formulas("TG-05", count="KSTT", op="none"),
]


def ratio(op: str, target: int | Fraction | None = None) -> IndicatorSpec:
    return IndicatorSpec.from_formulas("R", numerator="N", denominator="D", op=op, target=target)


def count(op: str, target: int | Fraction | None = None, base: bool = False) -> IndicatorSpec:
    return IndicatorSpec.from_formulas(
        "C", count="C", base="B" if base else None, op=op, target=target
    )


def run(spec: IndicatorSpec, quota: int | None = None, **values: int) -> Evaluation:
    return evaluate_aggregated(spec, values, True, quota)


def shown(display: str) -> Fraction:
    """Read a displayed Vietnamese number back ("1.234,56%" → 1234.56)."""
    return Fraction(display.rstrip("%").replace(".", "").replace(",", "."))


# --- formulas --------------------------------------------------------------------------------


def test_parse_formula_gives_signed_terms():
    assert parse_formula("TB_TON_DAU + TB_MOI - TB_CHUYEN") == [
        (1, "TB_TON_DAU"),
        (1, "TB_MOI"),
        (-1, "TB_CHUYEN"),
    ]
    assert parse_formula("  -A+B2 ") == [(-1, "A"), (1, "B2")]
    assert metric_codes("A + B - A") == {"A", "B"}
    assert evaluate_formula(parse_formula("A + B - C"), {"A": 5, "B": 3, "C": 10}) == -2
    assert evaluate_formula(parse_formula("A - MISSING"), {"A": 5}) == 5


@pytest.mark.parametrize("text", ["", "   ", "A +", "A B", "A * B", "+ - A", "1A", "A + (B)"])
def test_bad_formula_is_refused_in_vietnamese(text):
    with pytest.raises(ValueError, match="Công thức không hợp lệ"):
        parse_formula(text)


def test_spec_is_validated():
    with pytest.raises(ValueError, match="cần giá trị chỉ tiêu"):
        ratio(">")
    with pytest.raises(ValueError, match="không dùng phép so sánh"):
        ratio("quota")
    with pytest.raises(ValueError, match="phép so sánh không hợp lệ"):
        ratio("!=", 5)
    assert SPECS[0].metrics() == {"DA_GQ", "TON_DAU", "MOI", "CHUYEN"}
    assert SPECS[6].metrics() == {"VI_PHAM", "SO_NGUOI"}
    assert hash(SPECS[0]) == hash(SPECS[0])  # frozen and hashable: terms stored as tuples


def test_status_labels_are_vietnamese():
    assert [s.label for s in Status] == [
        "Vượt", "Đạt", "Không đạt", "Không phát sinh", "Chưa báo cáo", "Không có chỉ tiêu",
        "Theo dõi",
    ]  # fmt: skip
    assert Status.KHONG_DAT == "KHONG_DAT"
    assert Aggregation("first") is Aggregation.FIRST


# --- rule 1: aggregation and reporting ----------------------------------------------------------


def test_aggregate_sum_first_last_and_missing_months():
    monthly = {10: 4, 11: 5, 13: 7, 20: 100}
    months = [10, 11, 12, 13]
    assert aggregate(monthly, Aggregation.SUM, months) == 16
    assert aggregate(monthly, Aggregation.FIRST, months) == 4
    assert aggregate(monthly, Aggregation.LAST, months) == 7
    assert aggregate(monthly, "last", [10, 11, 12]) == 0  # month 12 missing: 0
    assert aggregate(monthly, "first", [12, 13]) == 0
    assert aggregate({}, "sum", months) == 0


def test_aggregate_unit_reports_which_metrics_have_figures_in_range():
    figures = {"TON_DAU": {3: 10}, "MOI": {1: 5, 2: 6}, "DA_GQ": {9: 1}}
    totals, reported = aggregate_unit(figures, KINDS, [1, 2, 3])
    assert totals["TON_DAU"] == 0  # first month of the range is 1: stock missing there
    assert totals["MOI"] == 11
    assert totals["DA_GQ"] == 0  # only outside the range
    assert reported == {"TON_DAU", "MOI"}


def test_no_figure_is_not_reported_but_zero_figures_are():
    spec = SPECS[0]
    nothing = aggregate_for(spec, {}, KINDS, [1, 2])
    outside = aggregate_for(spec, {"MOI": {5: 3}}, KINDS, [1, 2])
    zeros = aggregate_for(spec, {"MOI": {1: 0}}, KINDS, [1, 2])
    assert evaluate(spec, nothing).status == Status.CHUA_BAO_CAO
    assert evaluate(spec, outside).status == Status.CHUA_BAO_CAO
    assert evaluate(spec, zeros).status == Status.KHONG_PHAT_SINH
    ev = evaluate(spec, nothing)
    assert (ev.numerator, ev.denominator, ev.value, ev.gap) == (None, None, None, None)


def test_unknown_aggregation_kind_is_refused():
    with pytest.raises(ValueError, match="Chưa khai báo cách cộng dồn"):
        aggregate_for(SPECS[0], {}, {"MOI": "sum"}, [1])
    with pytest.raises(ValueError, match="Cách cộng dồn không hợp lệ"):
        aggregate({1: 1}, "avg", [1])


# --- rules 2-5: statuses of every op --------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "n", "status"),
    [
        (">", 91, Status.VUOT),
        (">", 90, Status.KHONG_DAT),
        (">", 89, Status.KHONG_DAT),
        (">=", 91, Status.VUOT),
        (">=", 90, Status.DAT),
        (">=", 89, Status.KHONG_DAT),
        ("=", 90, Status.DAT),
        ("=", 91, Status.KHONG_DAT),
        ("=", 89, Status.KHONG_DAT),
        ("<", 89, Status.VUOT),
        ("<", 90, Status.KHONG_DAT),
        ("<=", 89, Status.VUOT),
        ("<=", 90, Status.DAT),
        ("<=", 91, Status.KHONG_DAT),
    ],
)
def test_threshold_ops(op, n, status):
    ev = run(ratio(op, 90), N=n, D=100)
    assert ev.status == status
    assert (ev.numerator, ev.denominator, ev.value) == (n, 100, Fraction(n))
    assert ev.met == (status in (Status.VUOT, Status.DAT))


def test_equal_to_100_is_never_exceeded():
    assert run(ratio("=", 100), N=7, D=7).status == Status.DAT
    assert run(ratio("=", 100), N=6, D=7).status == Status.KHONG_DAT


def test_ratio_without_denominator_did_not_arise():
    for d in (0, -3):
        ev = run(ratio(">", 90), N=5, D=d)
        assert ev.status == Status.KHONG_PHAT_SINH
        assert (ev.numerator, ev.denominator, ev.value) == (5, d, None)
        assert not ev.arising


def test_tracked_ratio_has_a_value_but_no_judgement():
    ev = run(ratio("none"), N=1, D=3)
    assert ev.status == Status.THEO_DOI
    assert ev.value == Fraction(100, 3)
    assert display_value(ev) == "33,3%"
    assert run(ratio("none"), N=1, D=0).status == Status.KHONG_PHAT_SINH


def test_zero_count():
    spec = count("zero", base=True)
    assert run(spec, C=0, B=12).status == Status.DAT
    ev = run(spec, C=2, B=12)
    assert (ev.status, ev.numerator, ev.denominator, ev.gap) == (Status.KHONG_DAT, 2, None, 2)
    assert run(spec, C=0, B=0).status == Status.KHONG_PHAT_SINH
    assert run(count("zero"), C=0).status == Status.DAT  # no base: always arises


def test_quota_count():
    spec = count("quota")
    ev = run(spec, quota=5, C=7)
    assert (ev.status, ev.numerator, ev.denominator, ev.value) == (Status.VUOT, 7, 5, 7)
    assert run(spec, quota=5, C=5).status == Status.DAT
    ev = run(spec, quota=5, C=3)
    assert (ev.status, ev.gap) == (Status.KHONG_DAT, 2)
    ev = run(spec, quota=None, C=3)
    assert (ev.status, ev.numerator, ev.denominator) == (Status.KHONG_CO_CHI_TIEU, 3, None)
    assert run(spec, quota=0, C=0).status == Status.DAT
    assert evaluate_aggregated(spec, {}, False, None).status == Status.CHUA_BAO_CAO


def test_count_against_a_threshold():
    spec = count(">=", 3)
    assert run(spec, C=4).status == Status.VUOT
    assert run(spec, C=3).status == Status.DAT
    ev = run(spec, C=1)
    assert (ev.status, ev.gap) == (Status.KHONG_DAT, 2)
    assert run(count("none"), C=9).status == Status.THEO_DOI


# --- rule 9: gap ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "target", "n", "d", "gap"),
    [
        (">", 90, 80, 100, 11),
        (">=", 90, 80, 100, 10),
        (">", 90, 0, 7, 7),  # 6/7 = 85,7%; 7/7 passes
        ("=", 100, 97, 100, 3),
        ("=", 50, 3, 10, 2),
        ("<", Fraction(3, 2), 3, 100, 2),
        ("<=", Fraction(3, 2), 3, 100, 2),
        ("<=", 2, 3, 100, 1),
    ],
)
def test_gap_examples(op, target, n, d, gap):
    ev = run(ratio(op, target), N=n, D=d)
    assert ev.status == Status.KHONG_DAT
    assert (ev.gap, ev.gap_impossible) == (gap, False)
    assert display_gap(ev) == str(gap)


@pytest.mark.parametrize(
    ("op", "target", "n", "d"),
    [(">", 100, 5, 10), ("=", 95, 5, 10), ("<", 0, 3, 10), ("=", 50, 8, 10)],
)
def test_gap_impossible(op, target, n, d):
    ev = run(ratio(op, target), N=n, D=d)
    assert ev.status == Status.KHONG_DAT
    assert (ev.gap, ev.gap_impossible) == (None, True)
    assert display_gap(ev) == "không thể đạt trong kỳ"


def test_no_gap_unless_not_met():
    for ev in (run(ratio(">", 90), N=95, D=100), run(count("quota"), quota=2, C=3)):
        assert (ev.gap, ev.gap_impossible, display_gap(ev)) == (None, False, "")


# --- rule 6: summaries ----------------------------------------------------------------------------


def _ev(status: Status, op: str) -> Evaluation:
    return Evaluation("X", "ratio", status, 1, 1, Fraction(100), Fraction(90), op)


def test_summary_lines_of_cluster_6():
    evaluations = (
        [_ev(Status.VUOT, ">")] * 59
        + [_ev(Status.KHONG_DAT, ">")]
        + [_ev(Status.DAT, "=")] * 68
        + [_ev(Status.KHONG_DAT, "=")]
        + [_ev(s, ">") for s in (Status.KHONG_PHAT_SINH, Status.CHUA_BAO_CAO, Status.THEO_DOI)]
        + [_ev(Status.KHONG_CO_CHI_TIEU, "quota")]
    )
    summary = summarize(evaluations)
    assert summary == Summary(arising=129, met=127, eligible=60, exceeded=59)
    assert summary.met_line() == "127/129 chỉ tiêu đạt (98,4%)"
    assert summary.exceeded_line() == "59/60 chỉ tiêu vượt (98,3%)"
    assert summary.by_status[Status.THEO_DOI] == 1


def test_empty_summary_has_no_percentage():
    summary = summarize([])
    assert summary.met_line() == "0/0 chỉ tiêu đạt"
    assert summary.exceeded_line() == "0/0 chỉ tiêu vượt"


@pytest.mark.parametrize(
    ("met", "arising", "line"),
    [
        (1997, 2000, "1997/2000 chỉ tiêu đạt (99,9%)"),  # 99,85 → 99,9 (half up)
        (1, 8000, "1/8000 chỉ tiêu đạt (0,0%)"),  # 0,0125 → 0,0
        (2, 3, "2/3 chỉ tiêu đạt (66,7%)"),
        (5, 5, "5/5 chỉ tiêu đạt (100,0%)"),
    ],
)
def test_percent_rounds_half_up_once(met, arising, line):
    evaluations = [_ev(Status.DAT, "=")] * met + [_ev(Status.KHONG_DAT, "=")] * (arising - met)
    assert summarize(evaluations).met_line() == line


# --- rule 8: display ------------------------------------------------------------------------------


def test_display_adds_decimals_only_when_rounding_would_hide_the_status():
    not_met = run(ratio(">=", 90), N=8996, D=10000)
    assert display_value(not_met) == "89,96%"
    assert display_value(run(ratio(">", 90), N=8996, D=10000)) == "89,96%"
    assert display_value(run(ratio(">", 90), N=9004, D=10000)) == "90,04%"  # VUOT
    assert display_value(run(ratio(">=", 90), N=90001, D=100000)) == "90,001%"  # VUOT
    assert display_value(run(ratio(">=", 90), N=9, D=10)) == "90,0%"  # DAT, exactly
    assert display_value(run(ratio(">", 90), N=9, D=10)) == "90,0%"  # exactly 90: not above
    assert display_value(run(ratio(">=", 80), N=8996, D=10000)) == "90,0%"
    assert display_value(run(ratio("none"), N=9845, D=10000)) == "98,5%"  # half up
    assert display_value(run(ratio("<", Fraction(3, 2)), N=149, D=10000)) == "1,49%"
    assert display_value(run(ratio(">", 90), N=123456, D=100)) == "123.456,0%"


def test_display_of_counts_and_missing_values():
    assert display_value(run(count("quota"), quota=20000, C=15548)) == "15.548"
    assert display_value(run(ratio(">", 90), N=0, D=0)) == ""
    assert display_value(evaluate_aggregated(ratio(">", 90), {}, False)) == ""


def test_csv_value_has_a_point_and_four_decimals():
    assert csv_value(run(ratio(">", 90), N=127, D=129)) == "98.4496"
    assert csv_value(run(count("quota"), quota=3, C=1234)) == "1234.0000"
    assert csv_value(run(ratio(">", 90), N=0, D=0)) == ""
    assert csv_value(run(ratio("none"), N=-1, D=3)) == "-33.3333"


# --- rule 7: pooling ---------------------------------------------------------------------------


def test_pool_sums_members_that_reported_and_their_quotas():
    pooled = pool(
        [
            AggregatedInput({"N": 9, "D": 10}, True, 3),
            AggregatedInput({"N": 0, "D": 0}, False, 2),
            ({"N": 1, "D": 5}, True, None),
        ]
    )
    # the member that did not report adds nothing, its quota of 2 included
    assert pooled == AggregatedInput({"N": 10, "D": 15}, True, 3)
    assert pool([AggregatedInput({}, False, None)] * 2) == AggregatedInput({}, False, None)
    assert pool([]) == AggregatedInput({}, False, None)
    ev = evaluate(ratio(">", 90), pooled)
    assert (ev.numerator, ev.denominator, ev.status) == (10, 15, Status.KHONG_DAT)
