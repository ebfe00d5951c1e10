"""The "Hôm nay" page collects sections from every app.

An app registers a callable ``(user, today) -> TodaySection | None`` in its
AppConfig.ready(); the home view renders each non-empty section in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class TodayItem:
    title: str
    url: str = ""
    due: date | None = None
    overdue: bool = False
    note: str = ""


@dataclass
class TodaySection:
    title: str
    items: list[TodayItem] = field(default_factory=list)
    empty_text: str = "Không có việc nào."


MAX_ITEMS = 50
TodayProvider = Callable[[Any, date], TodaySection | None]
TODAY_PROVIDERS: list[TodayProvider] = []


def register(provider: TodayProvider) -> TodayProvider:
    if provider not in TODAY_PROVIDERS:
        TODAY_PROVIDERS.append(provider)
    return provider


def sections_for(user: Any, today: date) -> list[TodaySection]:
    sections = [_due_work(user, today)]
    sections += [provider(user, today) for provider in TODAY_PROVIDERS]
    return [s for s in sections if s is not None]


def _due_work(user: Any, today: date) -> TodaySection | None:
    """Every app's due and overdue work for the user's units, in one list."""
    from kiemsat.org.reminders import SOURCES, reminders_for

    if not SOURCES:
        return None
    due = reminders_for(user, today)
    items = [
        TodayItem(
            title=f"{r.kind}: {r.title}" if r.kind else r.title,
            url=r.url,
            due=r.due,
            overdue=r.overdue,
        )
        for r in due[:MAX_ITEMS]
    ]
    if len(due) > MAX_ITEMS:
        items.append(TodayItem(title=f"… và {len(due) - MAX_ITEMS} việc khác"))
    return TodaySection("Việc đến hạn và quá hạn", items, "Không có việc nào sắp đến hạn.")
