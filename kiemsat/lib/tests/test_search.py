"""Reading a query: document numbers as written, folded words, the rank's order."""

from __future__ import annotations

import pytest
from django.db.models import Q

from kiemsat.lib.search import NumberTerm, fold_query, match_q, number_term


@pytest.mark.parametrize(
    ("word", "term"),
    [
        ("33", NumberTerm(33)),
        ("033", NumberTerm(33)),
        ("33/KN", NumberTerm(33, "KN")),
        ("33/kn-vks", NumberTerm(33, "KN-VKS")),
        ("05/QĐ-VKS-HS", NumberTerm(5, "QĐ-VKS-HS")),
        ("33/", NumberTerm(33)),
        ("0", None),
        ("kn-vks", None),
        ("33/2023/HS-ST", None),  # a judgment's number, not the register's
        ("1234567", None),
    ],
)
def test_number_term_reads_numbers_as_the_register_shows_them(word, term):
    assert number_term(word) == term


def test_fold_query_strips_marks_and_syntax():
    assert fold_query("Đà-Nẵng*") == ["da", "nang"]


def test_every_word_must_match_and_a_number_may_match_the_number():
    q = match_q("33 ha", folded=["name"], number="number", symbol="symbol")
    text = str(q)
    assert text.count("name__startswith") == 2  # one test per word, ANDed
    assert "('number', 33)" in text
    assert match_q("ha", folded=["name"], number="number") != Q()
    assert match_q("   ", folded=["name"]) == Q()
