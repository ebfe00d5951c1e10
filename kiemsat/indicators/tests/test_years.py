"""Years are not numbers: no page or export groups a year's digits ("năm 2.021"), and a
year selector's option values are plain so that they submit the year they show.

Also the cluster page: it opens on the current work year (or the latest year before it
that has clusters) and links each cluster to its results where the user may read them.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from kiemsat.indicators.models import Figure, Metric
from kiemsat.lib.periods import MonthRange
from kiemsat.org.models import Cluster

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
YEARS = range(2018, 2031)


def at(day: date) -> time_machine.travel:
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=HANOI), tick=False)


def assert_no_grouped_year(text: str) -> None:
    grouped = [f"{y // 1000}.{y % 1000:03d}" for y in YEARS]
    found = [g for g in grouped if re.search(rf"(?<![\d.]){re.escape(g)}(?![\d])", text)]
    assert not found, found


@pytest.fixture
def halong(units):  # type: ignore[no-untyped-def]
    unit = units["QUANG-NINH-HA-LONG"]
    metrics = {m.code: m for m in Metric.objects.filter(code__in=["TB_MOI", "TB_DA_GQ"])}
    Figure.objects.bulk_create(
        Figure(unit=unit, metric=metric, period=month.index, value=1234)
        for month in MonthRange.work_year(2021)
        for metric in metrics.values()
    )
    return unit


def test_pages_with_years_show_them_plain(client_for, units, halong):
    client = client_for("qn.vientruong")
    pages = [
        reverse("indicator_unit", args=[halong.pk]),
        reverse("indicator_figures", args=[halong.pk]),
        reverse("indicator_province", args=[units["QUANG-NINH"].pk]),
        reverse("figures_entry", args=[halong.pk]),
        reverse("cluster_list"),
    ]
    with at(date(2021, 9, 15)):
        bodies = [client.get(page).content.decode() for page in pages]
        thanh_hoa = reverse("unit_detail", args=[units["THANH-HOA"].pk])
        bodies.insert(4, client_for("admin").get(thanh_hoa).content.decode())
    unit_page, _, _, entry, unit_detail, clusters = bodies
    for body in bodies:
        assert_no_grouped_year(body)
    assert "Năm công tác 2021" in unit_page and "6 tháng đầu năm 2021" in unit_page
    assert "12.340" in unit_page  # quantities keep their grouping: 10 months × 1.234
    assert "Tải mẫu Excel năm công tác 2021" in entry
    assert "Cụm thi đua số 6 (VKSND các tỉnh Bắc Trung Bộ) – năm 2021" in unit_detail
    assert "Cụm, khối thi đua năm công tác 2021" in clusters
    options = re.findall(r'<option value="([^"]*)"', clusters)
    assert options == ["2021", "2020"]


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_exports_show_years_plain(client_for, halong, fmt):
    query = {"from": "2020-12", "to": "2021-11", "format": fmt}
    with at(date(2022, 1, 5)):
        response = client_for("halong.ksv").get(reverse("indicator_unit", args=[halong.pk]), query)
    assert response.status_code == 200
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(response.content))
        cells = [str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value]
        text = "\n".join(cells)
    else:
        doc = Document(io.BytesIO(response.content))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        text = "\n".join([p.text for p in doc.paragraphs] + cells)
    assert "2021" in text
    assert_no_grouped_year(text)


# --- the cluster page -----------------------------------------------------------------------


def cluster_cards(body: str) -> dict[str, str]:
    """Cluster name → its card's html."""
    cards = re.findall(r'<section class="card">\s*<h2>([^<]+)</h2>(.*?)</section>', body, re.S)
    return dict(cards)


def test_cluster_page_opens_on_the_current_work_year(client_for):
    with at(date(2020, 12, 1)):  # the first day of work year 2021
        body = client_for("admin").get(reverse("cluster_list")).content.decode()
    assert "Cụm, khối thi đua năm công tác 2021" in body
    assert re.search(r'<option value="2021" selected>2021 \(năm nay\)</option>', body)
    assert "Năm công tác hiện tại là" not in body


def test_cluster_page_after_the_last_year_with_clusters_says_so(client_for):
    with at(date(2026, 12, 6)):  # work year 2027; the reference data stops at 2021
        body = client_for("admin").get(reverse("cluster_list")).content.decode()
    assert "Cụm, khối thi đua năm công tác 2021" in body
    assert "Năm công tác hiện tại là 2027" in body
    assert "đang hiện năm gần nhất đã có" in body


def test_each_cluster_links_to_its_results_for_the_year_shown(client_for):
    cum6 = Cluster.objects.get(code="CUM-6")
    name = cum6.name
    dashboard = reverse("indicator_cluster", args=[cum6.pk])
    with at(date(2021, 9, 15)):
        current = client_for("admin").get(reverse("cluster_list")).content.decode()
        past = client_for("admin").get(reverse("cluster_list"), {"year": "2020"}).content.decode()
        opened = client_for("admin").get(dashboard + "?from=2019-12&to=2020-11")
    # The current year opens on the dashboard's own default; a past year on its months.
    assert f'href="{dashboard}">' in cluster_cards(current)[name]
    assert f'href="{dashboard}?from=2019-12&amp;to=2020-11">' in cluster_cards(past)[name]
    assert opened.status_code == 200


def test_cluster_links_only_where_the_user_may_read_the_results(client_for, units):
    """Hà Giang is in no reference cluster: its procurator sees the list without links."""
    cum6 = Cluster.objects.get(code="CUM-6")
    with at(date(2021, 9, 15)):
        body = client_for("hagiang.ksv").get(reverse("cluster_list")).content.decode()
        refused = client_for("hagiang.ksv").get(reverse("indicator_cluster", args=[cum6.pk]))
    assert cum6.name in body
    assert reverse("indicator_cluster", args=[cum6.pk]) not in body
    assert refused.status_code == 404


@pytest.mark.parametrize("text", ["2.020", "2020.0", "năm", "20201"])
def test_a_year_that_is_not_one_is_refused(client_for, text):
    with at(date(2021, 9, 15)):
        response = client_for("admin").get(reverse("cluster_list"), {"year": text})
    body = response.content.decode()
    assert response.status_code == 400
    assert f"Năm công tác: “{text}” không phải là một năm" in body
    assert '<section class="card">' not in body  # no other year's clusters instead


def test_a_year_chosen_is_shown_without_the_fallback_note(client_for):
    with at(date(2026, 12, 6)):
        body = client_for("admin").get(reverse("cluster_list"), {"year": "2020"}).content
    text = body.decode()
    assert "Cụm, khối thi đua năm công tác 2020" in text
    assert "Năm công tác hiện tại là" not in text
