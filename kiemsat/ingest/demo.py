"""Demo data of the press desk: the founding articles read and confirmed, and two items of
Quảng Ninh's information register (one answered, one overdue).

The articles' texts are not part of kiemsat: they are read from ``INGEST_DEMO_ARTICLES``
(a folder of .txt files, the five founding articles) when it is set and exists, and their
facts confirmed as read (the instruments they report are already in the demo, built by the
agreements app). Dates are relative to the day the demo is built and never in the future.
Idempotent: nothing is added twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from kiemsat.ingest import readers, services
from kiemsat.ingest.models import Action, Article, PressItem, PressKind, Sensitivity
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.models import Unit
from kiemsat.org.selectors import work_calendar

UNIT = "QUANG-NINH"
ANSWERED = "Thông tin về vụ án tham ô tài sản tại một doanh nghiệp nhà nước (minh họa)"
OVERDUE = "Bài đăng sai sự thật về việc truy tố một vụ án giao thông (minh họa)"


def build(stdout: Any) -> None:
    unit = Unit.objects.filter(code=UNIT).first()
    if unit is None:
        return
    today, calendar = timezone.localdate(), work_calendar()
    made = _press_items(unit, today, calendar)
    read = _articles(unit, Path(getattr(settings, "INGEST_DEMO_ARTICLES", "") or "/nonexistent"))
    stdout.write(f"Thông tin – báo chí minh họa: {made} việc, {read} tin bài.")


def received_back(today: date, calendar: WorkCalendar, working_days: int) -> date:
    """The working day ``working_days`` working days before today (so never in the future)."""
    day = today
    for _ in range(working_days):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def _press_items(unit: Unit, today: date, calendar: WorkCalendar) -> int:
    made = 0
    if not PressItem.objects.filter(unit=unit, subject=ANSWERED).exists():
        received = received_back(today, calendar, 12)
        item = services.press_item_register(
            actor=None,
            unit=unit,
            data=services.PressData(
                kind=PressKind.REQUEST,
                subject=ANSWERED,
                responsible_unit=unit,
                received_on=received,
                working_days=5,
                outlet="Báo Quảng Ninh",
                source_on=received,
                responsible_person="Trần Văn Hùng",
            ),
            calendar=calendar,
        )
        services.press_item_done(
            actor=None,
            item=item,
            action=Action.PROVIDED,
            done_on=calendar.add_working_days(received, 3),
            note="Đã cung cấp thông tin về tiến độ giải quyết vụ án theo quy chế phát ngôn.",
        )
        made += 1
    if not PressItem.objects.filter(unit=unit, subject=OVERDUE).exists():
        received = received_back(today, calendar, 6)
        services.press_item_register(
            actor=None,
            unit=unit,
            data=services.PressData(
                kind=PressKind.FALSE_INFO,
                subject=OVERDUE,
                responsible_unit=unit,
                received_on=received,
                working_days=3,
                outlet="Trang mạng xã hội",
                source_on=received,
                sensitivity=Sensitivity.SENSITIVE,
                responsible_person="Nguyễn Thị Lan",
            ),
            calendar=calendar,
        )
        made += 1
    return made


def _articles(unit: Unit, folder: Path) -> int:
    if not folder.is_dir():
        return 0
    read = 0
    for path in sorted(folder.glob("*.txt")):
        if Article.objects.filter(unit=unit, file_name=path.name).exists():
            continue
        article = services.article_upload(
            actor=None,
            unit=unit,
            text=readers.read_path(path),
            file_name=path.name,
            content=path.read_bytes(),
        )
        services.article_confirm(
            actor=None,
            article=article,
            confirmation=services.Confirmation(facts=article.facts),
        )
        read += 1
    return read
