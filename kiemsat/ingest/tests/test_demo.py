"""The press desk's demo: two Quảng Ninh items (answered, overdue) and the articles, never
in the future whatever day it is built, idempotent."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import time_machine

from kiemsat.ingest import demo
from kiemsat.ingest.models import Article, ArticleStatus, PressItem
from kiemsat.ingest.selectors import with_status
from kiemsat.org.selectors import work_calendar
from kiemsat.oversight.clock import Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "now",
    ["2025-02-09 10:00 +0700", "2025-02-03 08:00 +0700", "2025-12-01 08:00 +0700"],
    ids=["sunday-after-tet", "first-day-after-tet", "work-year-start"],
)
def test_demo_items_are_recent_never_future_and_built_once(units, now, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.INGEST_DEMO_ARTICLES = ""
    with time_machine.travel(now, tick=False):
        today = date.fromisoformat(now[:10])
        demo.build(io.StringIO())
        demo.build(io.StringIO())
        items = list(PressItem.objects.filter(unit__code="QUANG-NINH"))
        assert len(items) == 2
        for item in items:
            assert item.received_on <= today and (item.done_on or today) <= today
            assert (today - item.received_on).days <= 30
        with_status(items, today=today, calendar=work_calendar())
        assert sorted(i.status for i in items) == sorted([Status.ANSWERED, Status.OVERDUE])  # type: ignore[attr-defined]


def test_demo_reads_and_confirms_the_articles(units, settings, tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "001.txt").write_text(
        "Ký kết quy chế phối hợp\nNgày 18/1/2022, VKSND tỉnh Quảng Ninh và Tòa án nhân dân "
        "tỉnh Quảng Ninh ký kết Quy chế phối hợp trong công tác giải quyết án hình sự.",
        encoding="utf-8",
    )
    settings.INGEST_DEMO_ARTICLES = str(tmp_path)
    settings.MEDIA_ROOT = Path(tmp_path) / "media"
    demo.build(io.StringIO())
    demo.build(io.StringIO())
    article = Article.objects.get(file_name="001.txt")
    assert article.status == ArticleStatus.CONFIRMED
    assert article.facts["event_date"] == "2022-01-18"
