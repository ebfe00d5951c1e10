"""The pages: works, the parent's leader sees it, outsiders 404, viewers 403, bad input 400."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from conftest import sign_in
from kiemsat.audit.models import AuditEntry
from kiemsat.emulation import services
from kiemsat.emulation.models import Criterion, Exclusion, Score, TermRecord
from kiemsat.emulation.services import SelfEntry
from kiemsat.emulation.tests.conftest import YEAR, set_figures
from kiemsat.lib.excel import first_body_row

pytestmark = pytest.mark.django_db
HA_LONG = "QUANG-NINH-HA-LONG"


def _member_url(term, unit, name: str = "term_member") -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[term.pk, unit.pk])


def _state():  # type: ignore[no-untyped-def]
    return (
        sorted(
            Score.objects.values_list("unit_id", "criterion_id", "self_points", "adjusted_points")
        ),
        list(TermRecord.objects.values_list("status", flat=True)),
        AuditEntry.objects.count(),
    )


def test_cluster_page_for_members_and_the_parent(term, units, client_for):
    set_figures(units[HA_LONG], {"KNTC_TON_DAU": 0, "KNTC_MOI": 10, "KNTC_DA_GQ": 10})
    for username in ("halong.ksv", "qn.vientruong", "qn.xem", "admin"):
        page = client_for(username).get(reverse("term_detail", args=[term.pk]))
        assert page.status_code == 200, username
        text = page.content.decode()
        assert "Cụm thi đua số 1" in text and "Xếp hạng" in text
        assert "Số chỉ tiêu đạt chung của cả cụm: 1/1 chỉ tiêu đạt (100,0%); " in text
        assert "chỉ tiêu chưa báo cáo" in text
    assert (
        "Duyệt và khóa điểm"
        in client_for("qn.vientruong").get(reverse("term_detail", args=[term.pk])).content.decode()
    )
    assert (
        "Duyệt và khóa điểm"
        not in client_for("halong.ksv").get(reverse("term_detail", args=[term.pk])).content.decode()
    )


def test_outsiders_get_404_everywhere(term, units, client_for):
    halong = units[HA_LONG]
    for username in ("hagiang.ksv", "nguoingoai"):
        client = client_for(username)
        for url in (
            reverse("term_detail", args=[term.pk]),
            reverse("term_ranking_xlsx", args=[term.pk]),
            _member_url(term, halong),
        ):
            assert client.get(url).status_code == 404, (username, url)
        before = _state()
        for url in (
            reverse("term_lock", args=[term.pk]),
            _member_url(term, halong, "term_self_assess"),
            _member_url(term, halong, "term_adjust"),
        ):
            assert client.post(url, {"reason": "x"}).status_code == 404, (username, url)
        assert _state() == before
    assert client_for("halong.ksv").get(_member_url(term, units["HA-GIANG"])).status_code == 404


def test_viewers_get_403_on_writes(term, units, client_for):
    client = client_for("qn.xem")
    halong = units[HA_LONG]
    assert client.get(_member_url(term, halong)).status_code == 200
    before = _state()
    leaf = Criterion.objects.get(sheet__code="BANG-HUYEN", code="2")
    for url, data in (
        (_member_url(term, halong, "term_self_assess"), {f"points_{leaf.pk}": "5"}),
        (
            _member_url(term, halong, "term_adjust"),
            {"criterion": "2", "points": "5", "reason": "x"},
        ),
        (reverse("term_lock", args=[term.pk]), {}),
        (reverse("term_exclude", args=[term.pk]), {"unit": halong.pk, "reason": "x"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert _state() == before


def test_self_assessment_through_the_page(term, units, client_for):
    halong = units[HA_LONG]
    leaf = Criterion.objects.get(sheet__code="BANG-HUYEN", code="1.2")
    client = client_for("halong.ksv")
    page = client.get(_member_url(term, halong)).content.decode()
    assert "Tự chấm điểm" in page and "Cụm trưởng điều chỉnh điểm" not in page
    response = client.post(
        _member_url(term, halong, "term_self_assess"),
        {f"points_{leaf.pk}": "8,5", f"evidence_{leaf.pk}": "Biên bản kiểm tra hồ sơ số 12"},
    )
    assert response.status_code == 302
    score = Score.objects.get(term=term, unit=halong, criterion=leaf)
    assert score.self_points == D("8.5") and score.evidence == "Biên bản kiểm tra hồ sơ số 12"
    page = client.get(_member_url(term, halong)).content.decode()
    assert "Biên bản kiểm tra hồ sơ số 12" in page and "8,5" in page


def test_bad_self_assessment_is_refused_and_nothing_changes(term, units, client_for):
    halong = units[HA_LONG]
    ok = Criterion.objects.get(sheet__code="BANG-HUYEN", code="2")
    bad = Criterion.objects.get(sheet__code="BANG-HUYEN", code="1.2")
    before = _state()
    response = client_for("halong.ksv").post(
        _member_url(term, halong, "term_self_assess"),
        {f"points_{ok.pk}": "20", f"points_{bad.pk}": "12"},
    )
    assert response.status_code == 400
    assert "tiêu chí 1.2: điểm 12 vượt điểm tối đa 10" in response.content.decode()
    assert _state() == before


def test_leader_adjusts_with_a_reason_and_the_parent_locks(
    term, units, client_for, campha_leader, client
):
    halong = units[HA_LONG]
    services.scores_self_assess(actor=None, term=term, unit=halong, entries={"2": SelfEntry("25")})
    sign_in(client, campha_leader)
    url = _member_url(term, halong, "term_adjust")
    before = _state()
    missing = client.post(url, {"criterion": "2", "points": "20", "reason": ""})
    assert missing.status_code == 400 and "This field is required" not in missing.content.decode()
    assert _state() == before
    assert (
        client.post(
            url, {"criterion": "2", "points": "20", "reason": "Thiếu minh chứng"}
        ).status_code
        == 302
    )
    score = Score.objects.get(term=term, unit=halong, criterion__code="2")
    assert (score.self_points, score.adjusted_points) == (D(25), D(20))
    assert client.post(reverse("term_lock", args=[term.pk])).status_code == 403  # not the parent
    response = client_for("qn.vientruong").post(reverse("term_lock", args=[term.pk]))
    assert response.status_code == 302 and TermRecord.objects.get(term=term).locked


def test_ranking_page_and_command_agree_and_excel_downloads(term, units, client_for, cast):
    for code, points in (
        ("HA-LONG", "20"),
        ("CAM-PHA", "25,5"),
        ("UONG-BI", "20"),
        ("MONG-CAI", "9"),
    ):
        unit = units[f"QUANG-NINH-{code}"]
        services.scores_self_assess(
            actor=None, term=term, unit=unit, entries={"2": SelfEntry(points)}
        )
    Exclusion.objects.create(term=term, unit=units["QUANG-NINH-MONG-CAI"], reason="Tham nhũng")
    page = client_for("halong.ksv").get(reverse("term_detail", args=[term.pk])).content.decode()
    ranking = page[page.index('id="xep-hang"') : page.index("Tải bảng xếp hạng")]
    rows = re.findall(r'<td class="num">(\d*)</td>\s*<td><a href="[^"]+">([^<]+)</a>', ranking)
    out = io.StringIO()
    call_command(
        "emulation_rank", "--group", "CUM-QN-1", "--year", str(YEAR), "--format", "csv", stdout=out
    )
    command = [line.split(",")[0] for line in out.getvalue().splitlines()[1:]]
    assert [r[0] for r in rows] == command == ["1", "2", "2", ""]
    assert rows[0][1] == "VKSND thành phố Cẩm Phả"
    assert "Không xét thi đua: Tham nhũng" in ranking
    response = client_for("halong.ksv").get(reverse("term_ranking_xlsx", args=[term.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    first = first_body_row(sheet)
    assert sheet.cell(first, 2).value == "QUANG-NINH-CAM-PHA" and sheet.cell(first, 1).value == 1
    assert sheet.cell(first, 1).number_format == "#,##0" and sheet.freeze_panes == f"D{first}"


def test_term_list_shows_only_readable_clusters(term, client_for):
    assert "Cụm thi đua số 1" in client_for("halong.ksv").get(reverse("term_list")).content.decode()
    assert (
        "Cụm thi đua số 1"
        not in client_for("hagiang.ksv").get(reverse("term_list")).content.decode()
    )
