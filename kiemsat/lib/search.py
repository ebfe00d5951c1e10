"""Diacritic-insensitive search helpers (DESIGN §7): SQLite FTS5 cannot fold đ itself."""

from __future__ import annotations

import re

from kiemsat.lib.vn import fold

__all__ = ["fold", "fold_query"]

_WORD = re.compile(r"[^\W_]+")


def fold_query(q: str) -> list[str]:
    """Folded words of a user query, free of FTS5 syntax ("Đà-Nẵng*" -> ["da", "nang"])."""
    return _WORD.findall(fold(q))
