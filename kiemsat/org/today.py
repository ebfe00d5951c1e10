"""The "Hôm nay" page: counts first, then each kind of work of the user's units.

An app registers a due-work provider ``(user, today, horizon) -> Iterable[DueWork]`` with
``register_due``: each DueWork is a queryset already scoped to the user's units, the date
its rows fall due on and how one row reads. The page counts every kind with one aggregate
query and reads a few of its most urgent rows with one limited query, so it costs the same
number of queries however many records the sector or the user's units hold.

A provider of a free-form section ``(user, today) -> TodaySection | None`` registers with
``register``; its section is shown after the kinds of due work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from kiemsat.lib.vn import short_date
from kiemsat.lib.workdays import SOON_WORKING_DAYS

OLD_DAYS = 90  # overdue longer than this: one line on Hôm nay, not a pile on top
SECTION_ITEMS = 6
LIST_ITEMS = 1000  # rows of one kind on the full list

# States a list can be filtered by (the URL parameter "tinh-trang").
OVERDUE, SOON, OLD = "qua-han", "sap-den-han", "qua-han-cu"
STATES = {
    OVERDUE: "Quá hạn",
    SOON: f"Đến hạn trong {SOON_WORKING_DAYS} ngày làm việc",
    OLD: f"Quá hạn trên {OLD_DAYS} ngày",
}
# Tiles a kind may count into besides the two due ones (the URL parameter "nhom").
TO_APPROVE, UNSUBMITTED, ASSIGNED, RETURNED = "cho-duyet", "chua-gui", "duoc-giao", "tra-lai"
GROUPS = {
    TO_APPROVE: "Chờ duyệt",
    UNSUBMITTED: "Chưa gửi số liệu",
    ASSIGNED: "Việc được giao",
    RETURNED: "Bị trả lại",
}
ALWAYS_SHOWN = (OVERDUE, SOON, TO_APPROVE, UNSUBMITTED, ASSIGNED)


@dataclass
class TodayItem:
    title: str
    url: str = ""
    due: date | None = None
    overdue: bool = False
    note: str = ""
    soon: bool = False
    due_label: str = ""

    def __post_init__(self) -> None:
        if self.due is not None and not self.due_label:
            self.due_label = f"hạn {short_date(self.due)}"


@dataclass
class TodaySection:
    title: str
    items: list[TodayItem] = field(default_factory=list)
    empty_text: str = "Không có việc nào."


@dataclass(frozen=True)
class DueWork:
    """One kind of work: rows of the user's units still to be done, in SQL."""

    key: str  # in URLs: "kien-nghi"
    title: str
    rows: QuerySet[Any]
    item: Callable[[Any], TodayItem]  # how one row reads; its dates are filled in here
    due: str = ""  # the date field (or annotation) the rows fall due on; "" for none
    group: str = ""  # the extra tile it counts into (GROUPS)
    order: tuple[str, ...] = ("pk",)  # after the due date


@dataclass(frozen=True)
class Window:
    """The dates Hôm nay judges by."""

    today: date
    horizon: date  # the last day of "đến hạn": SOON_WORKING_DAYS working days ahead
    cutoff: date  # overdue before this day is old

    @classmethod
    def of(cls, today: date) -> Window:
        from kiemsat.org.selectors import work_calendar

        horizon = work_calendar().add_working_days(today, SOON_WORKING_DAYS)
        return cls(today, horizon, today - timedelta(days=OLD_DAYS))

    def state_q(self, due: str, state: str) -> Q:
        return {
            OVERDUE: Q(**{f"{due}__lt": self.today}),
            SOON: Q(**{f"{due}__gte": self.today, f"{due}__lte": self.horizon}),
            OLD: Q(**{f"{due}__lt": self.cutoff}),
        }[state]


@dataclass
class DueSection:
    work: DueWork
    counts: dict[str, int]
    items: list[TodayItem]
    cutoff: date

    @property
    def total(self) -> int:
        return self.counts["total"]

    @property
    def old(self) -> int:
        return self.counts.get(OLD, 0)

    @property
    def old_text(self) -> str:
        return f"{self.old} việc quá hạn từ trước {short_date(self.cutoff)}"

    @property
    def list_url(self) -> str:
        return list_url(kind=self.work.key)

    @property
    def old_url(self) -> str:
        return list_url(kind=self.work.key, state=OLD)


@dataclass
class Tile:
    key: str
    label: str
    count: int
    url: str
    tone: str  # "danger", "warning", "ok" or "" (the CSS modifier)


DueProvider = Callable[[Any, date, date], Iterable[DueWork]]
DUE_PROVIDERS: list[DueProvider] = []
TodayProvider = Callable[[Any, date], TodaySection | None]
TODAY_PROVIDERS: list[TodayProvider] = []


def register(provider: TodayProvider) -> TodayProvider:
    if provider not in TODAY_PROVIDERS:
        TODAY_PROVIDERS.append(provider)
    return provider


def register_due(provider: DueProvider) -> DueProvider:
    if provider not in DUE_PROVIDERS:
        DUE_PROVIDERS.append(provider)
    return provider


def list_url(*, kind: str = "", state: str = "", group: str = "") -> str:
    query = {"loai": kind, "tinh-trang": state, "nhom": group}
    return reverse("today_list") + "?" + urlencode({k: v for k, v in query.items() if v})


def due_work(user: Any, window: Window) -> list[DueWork]:
    return [w for p in DUE_PROVIDERS for w in p(user, window.today, window.horizon)]


def sections_for(user: Any, today: date) -> list[TodaySection]:
    """The free-form sections of the apps that register one."""
    sections = [provider(user, today) for provider in TODAY_PROVIDERS]
    return [s for s in sections if s is not None]


def counts_of(work: DueWork, window: Window) -> dict[str, int]:
    """Every count of one kind in one aggregate query."""
    counts: dict[str, Any] = {"total": Count("pk")}
    if work.due:
        counts |= {s: Count("pk", filter=window.state_q(work.due, s)) for s in STATES}
    return work.rows.aggregate(**counts)


def items_of(work: DueWork, window: Window, rows: QuerySet[Any], limit: int) -> list[TodayItem]:
    """Rows as lines, the most urgent first, read with one limited query."""
    ordered = rows.order_by(work.due, *work.order) if work.due else rows.order_by(*work.order)
    return [_dated(work, row, window) for row in ordered[:limit]]


def _dated(work: DueWork, row: Any, window: Window) -> TodayItem:
    item = work.item(row)
    due = getattr(row, work.due) if work.due else None
    if due is not None:
        item.due = due
        item.overdue = due < window.today
        item.soon = not item.overdue and due <= window.horizon
        same_year = due.year == window.today.year
        item.due_label = f"hạn {due:%d/%m}" if same_year else f"hạn {short_date(due)}"
    return item


def section_of(work: DueWork, window: Window) -> DueSection:
    counts = counts_of(work, window)
    current = work.rows.exclude(window.state_q(work.due, OLD)) if work.due else work.rows
    items = items_of(work, window, current, SECTION_ITEMS) if counts["total"] else []
    return DueSection(work, counts, items, window.cutoff)


def tiles_for(sections: list[DueSection]) -> list[Tile]:
    totals = dict.fromkeys((OVERDUE, SOON, *GROUPS), 0)
    offered = {OVERDUE, SOON}
    for s in sections:
        for state in (OVERDUE, SOON):
            totals[state] += s.counts.get(state, 0)
        if s.work.group:
            totals[s.work.group] += s.total
            offered.add(s.work.group)
    labels = STATES | GROUPS
    keys = [k for k in totals if k in ALWAYS_SHOWN or k in offered]
    return [_tile(k, labels[k], totals[k]) for k in keys]


def _tile(key: str, label: str, count: int) -> Tile:
    url = list_url(state=key) if key in STATES else list_url(group=key)
    if not count:
        tone = "ok"
    elif key == OVERDUE:
        tone = "danger"
    elif key == ASSIGNED:
        tone = ""
    else:
        tone = "warning"
    return Tile(key, label, count, url, tone)


def today_page(user: Any, today: date) -> dict[str, Any]:
    """Hôm nay's tiles and sections: a fixed number of queries."""
    window = Window.of(today)
    sections = [section_of(work, window) for work in due_work(user, window)]
    return {
        "tiles": tiles_for(sections),
        "due_sections": [s for s in sections if s.total],
        "sections": sections_for(user, today),
        "window": window,
    }


def today_list(user: Any, today: date, *, kind: str, state: str, group: str) -> dict[str, Any]:
    """Every row that a tile or a section counts, kind by kind."""
    window = Window.of(today)
    chosen = [
        w
        for w in due_work(user, window)
        if (not kind or w.key == kind) and (not group or w.group == group) and (not state or w.due)
    ]
    sections = []
    for work in chosen:
        rows = work.rows.filter(window.state_q(work.due, state)) if state else work.rows
        sections.append((work, items_of(work, window, rows, LIST_ITEMS)))
    titles = [STATES.get(state, ""), GROUPS.get(group, "")]
    titles += [w.title for w in chosen if kind]
    return {
        "title": " – ".join(t for t in titles if t) or "Tất cả việc",
        "sections": [(w, items) for w, items in sections if items],
        "count": sum(len(items) for _, items in sections),
        "window": window,
    }
