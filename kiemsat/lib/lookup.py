"""What a person typed in a file's cell to name a unit, a partner, a rule or a metric: its
code, or its name as written anywhere, folded ("ha long" finds "Hạ Long").

A code always wins. A name is taken only when it names one thing among those the person may
use; otherwise the row is refused with the candidates and their codes, so the file can say
which one it meant. Nothing here knows a model: callers give the items and how to read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kiemsat.lib.vn import fold

MAX_CANDIDATES = 5  # an ambiguous name lists this many candidates, then how many more


class NotFound(ValueError):
    """The cell names nothing, or more than one thing (``ambiguous``); the message says which."""

    def __init__(self, message: str, *, ambiguous: bool = False):
        super().__init__(message)
        self.ambiguous = ambiguous


def names_of(item: Any) -> list[str]:
    """A model's names as people write them: its name and, if it has one, its short name."""
    return [n for n in (getattr(item, "name", ""), getattr(item, "short_name", "")) if n]


class CodeOrName[T]:
    """Finds items by code (any case) or by folded name; ``usable`` items are preferred when a
    name is shared, so a name is ambiguous only among what the person may use."""

    def __init__(
        self,
        items: Iterable[T],
        *,
        what: str,
        column: str = "",
        code: Callable[[T], str] = lambda item: str(getattr(item, "code", "")),
        names: Callable[[T], Iterable[str]] = names_of,
        usable: Callable[[T], bool] | None = None,
    ):
        self.what, self.column, self.code, self.usable = what, column, code, usable
        self.names = names
        self.by_code: dict[str, T] = {}
        self.by_name: dict[str, list[T]] = {}
        for item in items:
            self.by_code[fold(self.code(item))] = item
            for name in {fold(n) for n in names(item)}:
                self.by_name.setdefault(name, []).append(item)
        self.found: dict[str, T | NotFound] = {}

    def find(self, text: str) -> T:
        """The one item ``text`` names; NotFound with a Vietnamese message otherwise."""
        if text not in self.found:
            try:
                self.found[text] = self._find(text)
            except NotFound as missing:
                self.found[text] = missing
        result = self.found[text]
        if isinstance(result, NotFound):
            raise result
        return result

    def _find(self, text: str) -> T:
        key = fold(text)
        if not key:
            raise NotFound(f"thiếu {self.what}{self._column()}")
        if key in self.by_code:
            return self.by_code[key]
        matches = list({self.code(m): m for m in self.by_name.get(key, [])}.values())
        if len(matches) > 1 and self.usable is not None:
            matches = [item for item in matches if self.usable(item)] or matches
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise NotFound(self._ambiguous(text, matches), ambiguous=True)
        raise NotFound(f"không có {self.what} mã hoặc tên '{text[:60]}'{self._column()}")

    def _column(self) -> str:
        """The column, for messages of a file whose lines do not already name it."""
        return f" (cột {self.column})" if self.column else ""

    def _ambiguous(self, text: str, matches: list[T]) -> str:
        listed = [f"{self._label(m)} ({self.code(m)})" for m in matches[:MAX_CANDIDATES]]
        more = len(matches) - MAX_CANDIDATES
        shown = ", ".join(listed) + (f" và {more} {self.what} khác" if more > 0 else "")
        return f'"{text[:60]}" khớp nhiều {self.what}: {shown}; hãy ghi mã'

    def _label(self, item: T) -> str:
        names = list(self.names(item))
        return names[0] if names else self.code(item)
