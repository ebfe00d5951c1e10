"""Diacritic-insensitive search helpers (DESIGN §7): SQLite FTS5 cannot fold đ itself.

Every list and the header search match a query the same way (``match_q``): each word the
user typed must begin a word of one of the record's folded columns, and a word written like a
document number ("33", "33/KN", "33/KN-VKS") also finds the record with that number.
``rank`` orders the exact number first, then the number with a symbol that begins as
typed, then names that begin with the query, then the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

from kiemsat.lib.vn import fold

__all__ = ["NumberTerm", "fold", "fold_query", "match_q", "number_term", "rank"]

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"^(\d{1,6})(?:/([^\s/]*))?$")
EXACT, PREFIX, NAME, OTHER = 0, 1, 2, 3


def fold_query(q: str) -> list[str]:
    """Folded words of a user query, free of FTS5 syntax ("Đà-Nẵng*" -> ["da", "nang"])."""
    return _WORD.findall(fold(q))


@dataclass(frozen=True)
class NumberTerm:
    """A word read as a document number: "33/KN-VKS" -> 33 and "KN-VKS"."""

    number: int
    symbol: str = ""


def number_term(word: str) -> NumberTerm | None:
    found = _NUMBER.match(word.strip())
    if found is None or int(found.group(1)) == 0:
        return None
    return NumberTerm(int(found.group(1)), (found.group(2) or "").upper())


_WORD_STARTS = (" ", "-", "/", "(", '"', "“")


def _word_start_q(name: str, word: str) -> Q:
    """``word`` begins a word of the folded column ("an" finds "cong an", not "nam")."""
    q = Q(**{f"{name}__startswith": word})
    for mark in _WORD_STARTS:
        q |= Q(**{f"{name}__contains": mark + word})
    return q


def _number_q(term: NumberTerm, number: str, symbol: str | None) -> Q:
    q = Q(**{number: term.number})
    if term.symbol and symbol:
        q &= Q(**{f"{symbol}__istartswith": term.symbol})
    return q


def match_q(
    query: str,
    *,
    folded: Sequence[str],
    raw: Sequence[str] = (),
    number: str | None = None,
    symbol: str | None = None,
) -> Q:
    """Every word of ``query`` begins a word of one of the ``folded`` columns (compared
    folded), is in one of the ``raw`` columns (case ignored), or, written as a number, is
    the record's number."""
    match = Q()
    for word in query.split():
        folded_word = fold(word)
        either = Q()
        for name in folded:
            either |= _word_start_q(name, folded_word)
        for name in raw:
            either |= Q(**{f"{name}__icontains": word})
        term = number_term(word) if number else None
        if term is not None and number:
            either |= _number_q(term, number, symbol)
        match &= either
    return match


def rank(
    query: str,
    *,
    number: str | None = None,
    symbol: str | None = None,
    name: str | None = None,
    code: str | None = None,
) -> Case:
    """0 for the exact number (or code), 1 for a number whose symbol begins as typed,
    2 for a folded ``name`` that begins with the query, 3 for the rest."""
    whens: list[When] = []
    term = number_term(query.split()[0]) if query.split() and number else None
    if term is not None and number:
        exact = Q(**{number: term.number})
        if term.symbol and symbol:
            exact &= Q(**{f"{symbol}__iexact": term.symbol})
        whens += [When(exact, then=Value(EXACT))]
        whens += [When(_number_q(term, number, symbol), then=Value(PREFIX))]
    if code and query.strip():
        whens.append(When(Q(**{f"{code}__iexact": query.strip()}), then=Value(EXACT)))
    if name and query.strip():
        whens.append(When(Q(**{f"{name}__startswith": fold(query).strip()}), then=Value(NAME)))
    return Case(*whens, default=Value(OTHER), output_field=IntegerField())
