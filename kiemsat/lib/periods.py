"""Months, month ranges and work years.

Figures are monthly; work year N runs from 1 December N-1 to 30 November N, its first half
is December–May and its second half June–November (DESIGN §4).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_SLASH_MONTH_RE = re.compile(r"([0-9]{1,2})/([0-9]{4})")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month; orders chronologically."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (1 <= self.year <= 9999 and 1 <= self.month <= 12):
            raise ValueError(f"Tháng không hợp lệ: năm {self.year}, tháng {self.month}")

    @classmethod
    def parse(cls, s: str) -> Month:
        """Parse "YYYY-MM"; raise ValueError with a Vietnamese message otherwise."""
        match = _MONTH_RE.fullmatch(s.strip())
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
            raise ValueError(f"Kỳ không hợp lệ: {s!r} (định dạng YYYY-MM)")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, d: date) -> Month:
        """The month containing `d`."""
        return cls(d.year, d.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        """Inverse of `index`."""
        year, month0 = divmod(index, 12)
        return cls(year, month0 + 1)

    @property
    def index(self) -> int:
        """Months since year 0, for arithmetic: consecutive months differ by 1."""
        return self.year * 12 + self.month - 1

    def shift(self, n: int) -> Month:
        """The month `n` months later (earlier if negative)."""
        return Month.from_index(self.index + n)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        """Vietnamese label, e.g. "01/2020"."""
        return f"{self.month:02d}/{self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month_text(text: str) -> Month:
    """A month as people write it ("3/2025", "03/2025") or as files and addresses carry it
    ("2025-03"); ValueError with a Vietnamese message otherwise."""
    stripped = text.strip()
    slash = _SLASH_MONTH_RE.fullmatch(stripped)
    try:
        if slash:
            return Month(int(slash[2]), int(slash[1]))
        return Month.parse(stripped)
    except ValueError:
        raise ValueError(f"tháng '{stripped[:30]}' không hợp lệ (MM/YYYY hoặc YYYY-MM)") from None


def parse_month(value: Any) -> Month:
    """A month from a file's cell: a date cell (Excel turns a typed "03/2025" into 1 March
    2025) or text as ``parse_month_text`` reads it."""
    if isinstance(value, date):
        return Month.of(value)
    return parse_month_text("" if value is None else str(value))


def work_year_of(m: Month | date) -> int:
    """The work year containing `m`: December belongs to the following year."""
    month = m if isinstance(m, Month) else Month.of(m)
    return month.year + 1 if month.month == 12 else month.year


@dataclass(frozen=True)
class MonthRange:
    """An inclusive range of months, start <= end."""

    start: Month
    end: Month

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(
                f"Kỳ không hợp lệ: tháng bắt đầu {self.start} sau tháng kết thúc {self.end}"
            )

    @classmethod
    def parse(cls, start: str, end: str) -> MonthRange:
        return cls(Month.parse(start), Month.parse(end))

    @classmethod
    def parse_span(cls, text: str) -> MonthRange:
        """ "2025-03" or "2025-01..2025-06" (the form ``str`` prints); ValueError otherwise."""
        start, sep, end = text.partition("..")
        return cls.parse(start, end if sep else start)

    @classmethod
    def single(cls, m: Month) -> MonthRange:
        return cls(m, m)

    @classmethod
    def work_year(cls, year: int) -> MonthRange:
        """Work year `year`: December `year`-1 to November `year`."""
        return cls(Month(year - 1, 12), Month(year, 11))

    @classmethod
    def half(cls, year: int, half: Literal[1, 2]) -> MonthRange:
        """First half (December–May) or second half (June–November) of work year `year`."""
        if half == 1:
            return cls(Month(year - 1, 12), Month(year, 5))
        if half == 2:
            return cls(Month(year, 6), Month(year, 11))
        raise ValueError(f"Nửa năm không hợp lệ: {half!r} (1 hoặc 2)")

    def months(self) -> list[Month]:
        return list(self)

    def __iter__(self) -> Iterator[Month]:
        return (Month.from_index(i) for i in range(self.start.index, self.end.index + 1))

    def __len__(self) -> int:
        return self.end.index - self.start.index + 1

    def __contains__(self, item: object) -> bool:
        """True for a Month (or a date) inside the range."""
        if isinstance(item, date):
            item = Month.of(item)
        return isinstance(item, Month) and self.start <= item <= self.end

    def same_period_last_year(self) -> MonthRange:
        """ "Cùng kỳ": the same months a year earlier."""
        return MonthRange(self.start.shift(-12), self.end.shift(-12))

    def first_day(self) -> date:
        return self.start.first_day()

    def last_day(self) -> date:
        return self.end.last_day()

    @property
    def label(self) -> str:
        """Vietnamese label, e.g. "12/2019 – 11/2020" ("01/2020" for a single month)."""
        if self.start == self.end:
            return self.start.label
        return f"{self.start.label} – {self.end.label}"

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"
