"""Working days and deadlines (DESIGN §4), pure over dates.

A working day is Monday–Friday, not a Vietnamese public holiday (the `holidays` package,
which also knows the government's weekend make-up days), not an extra day off; a make-up
day set by the admin is a working day whatever the package says.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays

# What is due within this many working days is "sắp đến hạn" in every register and reminder.
SOON_WORKING_DAYS = 7

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@functools.lru_cache(maxsize=256)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    """Public holidays of Vietnam for one year, Vietnamese names."""
    import holidays  # a large package: loaded by the first date that needs it

    return holidays.country_holidays("VN", years=year, language="vi")


def _is_public_day_off(d: date) -> bool:
    """Weekend or public holiday per the package, minus its weekend make-up days."""
    calendar = _vn_holidays(d.year)
    if d.weekday() >= _SATURDAY:
        return d not in calendar.weekend_workdays
    return d in calendar


@dataclass(frozen=True)
class WorkCalendar:
    """The working-day calendar, with the admin's extra days off and make-up days."""

    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    make_up_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_days_off:
            return False
        return d in self.make_up_days or not _is_public_day_off(d)

    def next_working_day(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_working_days(self, event: date, n: int) -> date:
        """The n-th working day strictly after `event` (the event day is not counted)."""
        if n < 1:
            raise ValueError(f"Số ngày làm việc phải từ 1 trở lên: {n}")
        d = event
        for _ in range(n):
            d = self.next_working_day(d + _ONE_DAY)
        return d

    def add_calendar_days(self, event: date, n: int) -> date:
        """`event` + n days, moved to the next working day if that is a day off (civil code)."""
        return self.next_working_day(event + timedelta(days=n))

    def due_date(self, event: date, n: int, working: bool) -> date:
        """Deadline `n` days after `event`, counted in working or calendar days."""
        if working:
            return self.add_working_days(event, n)
        return self.add_calendar_days(event, n)

    def working_days_between(self, a: date, b: date) -> int:
        """Number of working days in (a, b]; 0 when b <= a."""
        count = 0
        d = a + _ONE_DAY
        while d <= b:
            count += self.is_working_day(d)
            d += _ONE_DAY
        return count

    def holiday_name(self, d: date) -> str | None:
        """Vietnamese name of the public holiday on `d`, if any."""
        name: str | None = _vn_holidays(d.year).get(d)
        return name


DEFAULT_CALENDAR = WorkCalendar()
