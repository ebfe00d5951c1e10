"""Indicator pages through HTTP: they work, leaders above see them, outsiders get 404."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kiemsat.indicators.charts import Point, Series, trend_svg
from kiemsat.indicators.engine import Status
from kiemsat.indicators.evaluation import Table
from kiemsat.indicators.models import Figure, Indicator, Metric, Submission, SubmissionStatus
from kiemsat.indicators.ranking import ranking
from kiemsat.lib.periods import Month, MonthRange
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm

pytestmark = pytest.mark.django_db

RANGE = {"from": "2020-12", "to": "2021-11"}
MONTHS = MonthRange.parse("2020-12", "2021-11")


def put(unit, values: dict[str, int], months=MONTHS) -> None:  # type: ignore[no-untyped-def]
    """The same monthly values for every month of the range."""
    metrics = {m.code: m for m in Metric.objects.filter(code__in=values)}
    Figure.objects.bulk_create(
        Figure(unit=unit, metric=metrics[code], period=month.index, value=value)
        for month in months
        for code, value in values.items()
    )


TB_GOOD = {"TB_TON_DAU": 10, "TB_MOI": 20, "TB_CHUYEN": 1, "TB_DA_GQ": 18}
# TB-01 over 12 months: 216 / (10 + 240 - 12) = 90,756…% > 90 → Vượt.
TT_SHORT = {"TT_TRUY_TO": 5, "TT_DUNG_HAN": 4}
# TT-01 (= 100%): 48/60 = 80% → Không đạt, 12 more on time needed.


@pytest.fixture
def halong(units):  # type: ignore[no-untyped-def]
    unit = units["QUANG-NINH-HA-LONG"]
    put(unit, {**TB_GOOD, **TT_SHORT})
    last_year = {"TB_TON_DAU": 5, "TB_MOI": 10, "TB_CHUYEN": 0, "TB_DA_GQ": 8}
    put(unit, last_year, MONTHS.same_period_last_year())
    return unit


def url(name: str, *args: int) -> str:
    return reverse(name, args=args)


# --- the unit dashboard -------------------------------------------------------------------


def test_dashboard_redirects_to_own_unit(client_for, units):
    response = client_for("halong.ksv").get(url("indicator_dashboard"))
    assert response.status_code == 302
    assert response["Location"] == url("indicator_unit", units["QUANG-NINH-HA-LONG"].pk)


def test_dashboard_without_unit_explains(client_for):
    response = client_for("nguoingoai").get(url("indicator_dashboard"))
    assert response.status_code == 200
    assert "chưa thuộc đơn vị nào" in response.content.decode()


def test_anonymous_is_sent_to_login(client, units):
    response = client.get(url("indicator_unit", units["QUANG-NINH-HA-LONG"].pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("halong.ksv", 200),
        ("qn.vientruong", 200),  # the parent's leader sees the child
        ("qn.xem", 200),
        ("admin", 200),
        ("hagiang.ksv", 404),  # outsider
        ("nguoingoai", 404),
    ],
)
@pytest.mark.parametrize("name", ["indicator_unit", "indicator_figures"])
def test_unit_pages_gate(client_for, halong, username, status, name):
    response = client_for(username).get(url(name, halong.pk), RANGE)
    assert response.status_code == status


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
@pytest.mark.parametrize("username", ["hagiang.ksv", "nguoingoai"])
def test_exports_refuse_outsiders(client_for, halong, username, fmt):
    response = client_for(username).get(url("indicator_unit", halong.pk), {**RANGE, "format": fmt})
    assert response.status_code == 404


def test_unit_dashboard_shows_results(client_for, halong):
    response = client_for("halong.ksv").get(url("indicator_unit", halong.pk), RANGE)
    body = response.content.decode()
    assert "Kỳ 12/2020 – 11/2021" in body
    assert "1/2 chỉ tiêu đạt (50,0%)" in body  # TB-01 and TT-01 arose
    assert "1/1 chỉ tiêu vượt (100,0%)" in body  # TT-01 (= 100%) cannot be exceeded
    assert "90,8%" in body and "trên 90%" in body
    assert "80,0%" in body and "Không đạt" in body
    assert 'class="badge status-VUOT"' in body
    assert "<svg" in body and 'class="sparkline"' in body
    assert "Chưa báo cáo" in body  # indicators without figures
    assert url("indicator_figures", halong.pk) in body


def test_unit_dashboard_gap_and_last_year(client_for, halong):
    body = client_for("halong.ksv").get(url("indicator_unit", halong.pk), RANGE).content.decode()
    # Cùng kỳ TB-01: 96 / (5 + 120) = 76,8% → Không đạt.
    assert "76,8%" in body
    row = body[body.index(">TT-01<") :].split("</tr>")[0]
    assert ">12<" in row  # cần thêm 12 bị can truy tố đúng hạn


def test_unit_dashboard_default_range_is_work_year_to_date(client_for, halong):
    moment = datetime(2021, 3, 15, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=False):
        body = client_for("halong.ksv").get(url("indicator_unit", halong.pk)).content.decode()
    assert "Kỳ 12/2020 – 03/2021" in body


def test_unit_dashboard_with_subordinates_for_province(client_for, units, halong):
    qn = units["QUANG-NINH"]
    response = client_for("qn.vientruong").get(
        url("indicator_unit", qn.pk), {**RANGE, "scope": "with-subordinates"}
    )
    assert "90,8%" in response.content.decode()
    own = client_for("qn.vientruong").get(url("indicator_unit", qn.pk), RANGE)
    assert "90,8%" not in own.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2021-13", "to": "2021-11"},
        {"from": "2021-11", "to": "2020-12"},
        {"from": "2010-01", "to": "2021-11"},
        {**RANGE, "scope": "everything"},
        {**RANGE, "format": "exe"},
    ],
)
def test_bad_period_is_refused(client_for, halong, params):
    response = client_for("halong.ksv").get(url("indicator_unit", halong.pk), params)
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()


def test_chart_for_chosen_indicator(client_for, halong):
    client = client_for("halong.ksv")
    body = client.get(url("indicator_unit", halong.pk), {**RANGE, "chart": "TT-01"}).content
    text = body.decode()
    assert 'id="bieu-do"' in text
    assert "Diễn biến theo tháng: TT-01" in text
    assert "stroke-dasharray" in text  # the target line


def test_no_inline_styles_or_scripts(client_for, halong):
    body = client_for("halong.ksv").get(url("indicator_unit", halong.pk), RANGE).content.decode()
    assert " style=" not in body and "<script>" not in body and "<style" not in body


# --- the figures behind it ----------------------------------------------------------------


def test_figures_page_lists_monthly_values(client_for, halong):
    Submission.objects.create(
        unit=halong, period=Month(2021, 1).index, status=SubmissionStatus.APPROVED
    )
    response = client_for("qn.vientruong").get(
        url("indicator_figures", halong.pk), {**RANGE, "indicator": "TB-01"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "TB_DA_GQ" in body and "TG_SO_NGUOI" not in body  # only TB-01's metrics
    assert ">216<" in body  # TB_DA_GQ over the year
    assert "Đã duyệt" in body and "Chưa gửi" in body
    assert "01/2021" in body


# --- groups -------------------------------------------------------------------------------


@pytest.fixture
def north_cluster(units):  # type: ignore[no-untyped-def]
    cluster = Cluster.objects.create(
        code="CUM-THU", name="Cụm thi đua thử", number=99, kind=ClusterKind.PROVINCIAL
    )
    term = ClusterTerm.objects.create(cluster=cluster, year=2021, leader=units["QUANG-NINH"])
    term.members.add(units["QUANG-NINH"], units["HA-GIANG"])
    put(units["HA-GIANG"], {"TB_TON_DAU": 0, "TB_MOI": 10, "TB_CHUYEN": 0, "TB_DA_GQ": 10})
    return cluster


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("admin", 200),
        ("qn.vientruong", 200),
        ("hagiang.ksv", 200),  # cluster results are shared within the cluster
        ("halong.ksv", 404),  # Hạ Long is not a member; its province is, but it cannot read it
        ("nguoingoai", 404),
    ],
)
def test_cluster_gate(client_for, north_cluster, halong, username, status):
    response = client_for(username).get(url("indicator_cluster", north_cluster.pk), RANGE)
    assert response.status_code == status


def test_cluster_outsider_gets_404(client_for, units):
    cum6 = Cluster.objects.get(code="CUM-6")
    response = client_for("halong.ksv").get(url("indicator_cluster", cum6.pk), RANGE)
    assert response.status_code == 404


def test_cluster_page_pools_and_ranks(client_for, units, north_cluster, halong):
    params = {**RANGE, "scope": "with-subordinates"}
    body = client_for("hagiang.ksv").get(url("indicator_cluster", north_cluster.pk), params)
    text = body.content.decode()
    # Members with their local units (the default is each member's own figures).
    # Pooled TB-01: (216 + 120) / (238 + 120) = 93,85…% ; Hà Giang alone 100%.
    assert "93,9%" in text and "100,0%" in text
    assert "Xếp hạng thành viên" in text
    ranked = text[text.index("Xếp hạng thành viên") :]
    assert ranked.index("VKSND tỉnh Hà Giang") < ranked.index("VKSND tỉnh Quảng Ninh")
    # Hà Giang's user sees Quảng Ninh's row but gets no link into its dashboard.
    assert url("indicator_unit", units["QUANG-NINH"].pk) not in text
    assert url("indicator_unit", units["HA-GIANG"].pk) in text


def test_cluster_without_term_for_the_year(client_for, north_cluster):
    params = {"from": "2022-12", "to": "2023-02"}
    response = client_for("hagiang.ksv").get(url("indicator_cluster", north_cluster.pk), params)
    assert response.status_code == 200
    assert "chưa có thành phần cho năm công tác 2023" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("qn.vientruong", "QUANG-NINH", 200),
        ("qn.xem", "QUANG-NINH", 200),
        ("halong.ksv", "QUANG-NINH", 404),  # a child does not see its parent
        ("hagiang.ksv", "QUANG-NINH", 404),
        ("nguoingoai", "QUANG-NINH", 404),
        ("qn.vientruong", "QUANG-NINH-HA-LONG", 404),  # not a provincial unit
    ],
)
def test_province_gate(client_for, units, username, code, status):
    response = client_for(username).get(url("indicator_province", units[code].pk), RANGE)
    assert response.status_code == status


def test_province_page_shows_local_units(client_for, units, halong):
    response = client_for("qn.vientruong").get(
        url("indicator_province", units["QUANG-NINH"].pk), RANGE
    )
    text = response.content.decode()
    assert "VKSND tỉnh Quảng Ninh (hai cấp)" in text
    assert "VKSND thành phố Hạ Long" in text
    assert "Cả nhóm (cộng gộp)" in text
    assert 'class="num cell status-VUOT"' in text


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("qn.vientruong", 403), ("halong.ksv", 403), ("nguoingoai", 403)],
)
def test_nation_gate(client_for, username, status):
    response = client_for(username).get(
        url("indicator_nation"), {"from": "2021-11", "to": "2021-11"}
    )
    assert response.status_code == status


def test_group_exports(client_for, units, halong):
    client = client_for("qn.vientruong")
    page = url("indicator_province", units["QUANG-NINH"].pk)
    for fmt, magic in (("xlsx", b"PK"), ("docx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(page, {**RANGE, "format": fmt})
        assert response.status_code == 200
        assert response.content.startswith(magic)
        assert "chi-tieu-QUANG-NINH-2020-12-2021-11" in response["Content-Disposition"]


# --- report completeness ------------------------------------------------------------------


def test_completeness_grid(client_for, units, django_assert_max_num_queries):
    halong = units["QUANG-NINH-HA-LONG"]
    Submission.objects.create(unit=halong, period=Month(2021, 1).index, status="approved")
    Submission.objects.create(unit=halong, period=Month(2021, 2).index, status="submitted")
    qn = units["QUANG-NINH"]
    Submission.objects.create(unit=qn, period=Month(2021, 1).index, status="reopened")
    client = client_for("qn.vientruong")
    with django_assert_max_num_queries(12):
        response = client.get(url("indicator_completeness"), RANGE)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('<td class="sub sub-approved"') == 1
    assert text.count('<td class="sub sub-submitted"') == 1
    assert text.count('<td class="sub sub-reopened"') == 1
    assert "VKSND thành phố Hạ Long" in text and "VKSND tỉnh Hà Giang" not in text
    assert "Chưa gửi" in text


def test_completeness_queries_do_not_grow_with_cells(client_for, django_assert_max_num_queries):
    client = client_for("admin")  # every unit of the country, twelve months
    with django_assert_max_num_queries(12):
        response = client.get(url("indicator_completeness"), RANGE)
    assert response.status_code == 200


def test_completeness_for_one_subtree(client_for, units):
    qn = units["QUANG-NINH"]
    response = client_for("admin").get(url("indicator_completeness"), {**RANGE, "unit": qn.pk})
    text = response.content.decode()
    assert "VKSND thành phố Hạ Long" in text and "VKSND tỉnh Hà Giang" not in text
    other = client_for("hagiang.ksv").get(url("indicator_completeness"), {**RANGE, "unit": qn.pk})
    assert other.status_code == 404


# --- the catalogue ------------------------------------------------------------------------


def test_indicator_detail_readable_by_anyone_signed_in(client_for):
    indicator = Indicator.objects.filter(code="TB-01").first()
    assert indicator is not None
    response = client_for("nguoingoai").get(url("indicator_detail", indicator.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Số tố giác, tin báo, kiến nghị khởi tố đã giải quyết ÷ (" in text
    assert " − Số tố giác, tin báo đã chuyển cơ quan khác" in text
    assert "trên 90%" in text
    assert "Đã xác minh" in text and "Xác minh một phần" in text


def test_indicator_list(client_for):
    response = client_for("halong.ksv").get(url("indicator_list"))
    assert response.status_code == 200
    assert "TB-01" in response.content.decode()


# --- pure helpers -------------------------------------------------------------------------


def test_ranking_shares_rank_on_exact_ties():
    def table(name: str, statuses: list[Status]) -> Table:
        from kiemsat.indicators.engine import Evaluation
        from kiemsat.indicators.evaluation import Line

        lines = [
            Line(
                Indicator(code=f"X-{i}", op=">"),
                Evaluation(f"X-{i}", "ratio", s, 1, 1, Fraction(100), Fraction(90), ">"),
            )
            for i, s in enumerate(statuses)
        ]
        return Table(code=name, name=name, months=MONTHS, lines=lines)

    rows = ranking(
        [
            table("Bình", [Status.DAT, Status.KHONG_DAT]),
            table("An", [Status.DAT, Status.KHONG_DAT]),
            table("Cường", [Status.VUOT, Status.VUOT]),
            table("Dũng", [Status.CHUA_BAO_CAO]),
        ],
        {},
    )
    assert [(r.rank, r.table.name) for r in rows] == [
        (1, "Cường"),
        (2, "An"),
        (2, "Bình"),
        (4, "Dũng"),
    ]


def test_chart_escapes_text_and_leaves_gaps():
    points = [
        Point(Month(2021, 1), Fraction(95), Status.VUOT, "95,0%"),
        Point(Month(2021, 2), None, Status.KHONG_PHAT_SINH, ""),
        Point(Month(2021, 3), Fraction(80), Status.KHONG_DAT, "80,0%"),
    ]
    svg = trend_svg(Series("X-1", "<b>tên</b> & co", True, Fraction(90), "trên 90%", points))
    assert "<b>" not in svg and "&lt;b&gt;tên&lt;/b&gt; &amp; co" in svg
    assert "<polyline" not in svg  # no two consecutive months: no line, only markers
    assert svg.count("<circle") == 2
    assert "Chỉ tiêu: trên 90%" in svg and "100%" in svg
