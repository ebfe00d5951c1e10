"""Indicator formulas: sums and differences of metric codes ("TB_TON_DAU + TB_MOI - TB_CHUYEN").

Pure module (no Django): the catalogue loader parses formulas with it and the engine
evaluates the parsed terms over aggregated metric totals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

Term = tuple[int, str]
"""One term of a formula: its sign (+1 or -1) and a metric code."""

_CODE = r"[A-Za-z_][A-Za-z0-9_]*"
_FORMULA = re.compile(rf"\s*[+-]?\s*{_CODE}(?:\s*[+-]\s*{_CODE})*\s*")
_TERM = re.compile(rf"([+-]?)\s*({_CODE})")


def parse_formula(formula: str) -> list[Term]:
    """Parse "A + B - C" into [(1, "A"), (1, "B"), (-1, "C")].

    Raises ValueError with a Vietnamese message when the text is not such a sum.
    """
    if not isinstance(formula, str) or not _FORMULA.fullmatch(formula):
        raise ValueError(f"Công thức không hợp lệ: {formula!r}")
    return [(-1 if sign == "-" else 1, code) for sign, code in _TERM.findall(formula)]


def metric_codes(formula: str) -> set[str]:
    """The metric codes a formula uses."""
    return {code for _, code in parse_formula(formula)}


def evaluate_formula(terms: Iterable[Term], values: Mapping[str, int]) -> int:
    """The signed sum of the terms' values; a metric missing from `values` counts 0."""
    return sum(sign * values.get(code, 0) for sign, code in terms)
