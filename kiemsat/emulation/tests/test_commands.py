"""import_scores (all or nothing, `dòng N: …`) and emulation_rank (table, csv, json)."""

from __future__ import annotations

import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kiemsat.audit.models import AuditEntry
from kiemsat.emulation import services, term_services
from kiemsat.emulation.models import Score
from kiemsat.emulation.selectors import term_result
from kiemsat.emulation.services import SelfEntry
from kiemsat.emulation.tests.conftest import YEAR

pytestmark = pytest.mark.django_db
HEADER = "unit_code,year,criterion_code,points"


def _file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "diem.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _import(path: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_scores", str(path), *extra, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_sets_self_assessment_and_dry_run_writes_nothing(term, tmp_path):
    path = _file(
        tmp_path,
        f'QUANG-NINH-HA-LONG,{YEAR},2,"25,5"',
        f"QUANG-NINH-HA-LONG,{YEAR},THUONG,2",
        f"QUANG-NINH-UONG-BI,{YEAR},2,18.25",
    )
    code, out, _ = _import(path, "--dry-run")
    assert code == 0 and "Kiểm tra (không ghi): 3 dòng – thêm mới 3" in out
    assert not Score.objects.exists()
    code, out, _ = _import(path)
    assert code == 0 and "Đã nhập: 3 dòng – thêm mới 3, cập nhật 0, giữ nguyên 0." in out
    points = dict(
        Score.objects.values_list("unit__code", "self_points").filter(criterion__code="2")
    )
    assert points == {"QUANG-NINH-HA-LONG": D("25.5"), "QUANG-NINH-UONG-BI": D("18.25")}
    assert AuditEntry.objects.filter(action="emulation.score_import").count() == 3
    code, out, _ = _import(path)
    assert (
        "giữ nguyên 3" in out
        and AuditEntry.objects.filter(action="emulation.score_import").count() == 3
    )


def test_a_semicolon_file_with_decimal_commas_and_unit_names_is_read(term, tmp_path):
    """As Excel writes CSV on a Vietnamese Windows: semicolons, so "25,5" needs no quotes."""
    path = tmp_path / "diem.csv"
    lines = [HEADER.replace(",", ";"), f"vksnd thanh pho ha long;{YEAR};2;25,5"]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())
    code, out, err = _import(path)
    assert (code, err) == (0, "")
    assert "Đã nhập: 1 dòng – thêm mới 1" in out
    assert list(Score.objects.values_list("unit__code", "criterion__code", "self_points")) == [
        ("QUANG-NINH-HA-LONG", "2", D("25.5"))
    ]


def test_a_bad_file_changes_nothing_and_names_each_row(term, tmp_path, cast):
    services.scores_self_assess(
        actor=None,
        term=term,
        unit=term.members.get(code="QUANG-NINH-HA-LONG"),
        entries={"2": SelfEntry("5")},
    )
    before = (list(Score.objects.values_list("pk", "self_points")), AuditEntry.objects.count())
    path = _file(
        tmp_path,
        f"QUANG-NINH-HA-LONG,{YEAR},2,7",  # good, but the file is refused whole
        f"QUANG-NINH-HA-LONG,{YEAR},1.2,11",
        f"KHONG-CO,{YEAR},2,1",
        f"QUANG-NINH-UONG-BI,{YEAR},1.1,3",
        f"QUANG-NINH-UONG-BI,{YEAR},9,3",
        f"HA-GIANG,{YEAR},2,1",
        "QUANG-NINH-UONG-BI,20x4,2,1",
    )
    code, _, err = _import(path)
    assert code == 1
    assert "dòng 3: tiêu chí 1.2: điểm 11 vượt điểm tối đa 10" in err
    assert "dòng 4: không có đơn vị mã hoặc tên 'KHONG-CO' (cột unit_code)" in err
    assert "dòng 5: tiêu chí '1.1' tính theo kết quả chỉ tiêu" in err
    assert "dòng 6: không có tiêu chí '9'" in err
    assert "dòng 7: VKSND tỉnh Hà Giang không thuộc cụm thi đua nào năm 2024" in err
    assert "dòng 8: năm '20x4' không hợp lệ" in err
    assert "dòng 2" not in err and "cơ sở dữ liệu không đổi" in err
    assert (
        list(Score.objects.values_list("pk", "self_points")),
        AuditEntry.objects.count(),
    ) == before


def test_a_locked_year_is_refused(term, tmp_path, cast):
    services.scores_lock(actor=cast["qn.vientruong"], term=term)
    code, _, err = _import(_file(tmp_path, f"QUANG-NINH-HA-LONG,{YEAR},2,7"))
    assert (
        code == 1
        and "dòng 2: điểm thi đua năm 2024 của Cụm thi đua số 1" in err
        and "đã khóa" in err
    )
    assert not Score.objects.exists()


def _rank(fmt: str) -> str:
    out = io.StringIO()
    call_command(
        "emulation_rank", "--group", "CUM-QN-1", "--year", str(YEAR), "--format", fmt, stdout=out
    )
    return out.getvalue()


def test_rank_prints_the_same_ranking_as_the_page_in_every_format(term, units, cast):
    for code, points in (
        ("HA-LONG", "20"),
        ("CAM-PHA", "25,5"),
        ("UONG-BI", "20"),
        ("MONG-CAI", "9"),
    ):
        services.scores_self_assess(
            actor=None,
            term=term,
            unit=units[f"QUANG-NINH-{code}"],
            entries={"2": SelfEntry(points)},
        )
    term_services.exclusion_record(
        actor=cast["qn.vientruong"],
        term=term,
        unit=units["QUANG-NINH-MONG-CAI"],
        reason="Tham nhũng",
    )
    assert _rank("csv").splitlines() == [
        "rank,unit_code,total,band",
        "1,QUANG-NINH-CAM-PHA,25.50,Hoàn thành tốt nhiệm vụ",
        "2,QUANG-NINH-HA-LONG,20.00,Hoàn thành nhiệm vụ",
        "2,QUANG-NINH-UONG-BI,20.00,Hoàn thành nhiệm vụ",
        ",QUANG-NINH-MONG-CAI,9.00,",
    ]
    rows = json.loads(_rank("json"))
    page = [(m.rank, m.unit.code) for m in term_result(term).members]
    assert [(r["rank"], r["unit_code"]) for r in rows] == page
    assert rows[3]["excluded"] == "Tham nhũng"
    table = _rank("table")
    assert "25,5" in table and "không xét thi đua: Tham nhũng" in table


def test_rank_of_an_unknown_cluster_says_so(term):
    with pytest.raises(CommandError, match="Không có cụm 'CUM-X' trong năm công tác 2024"):
        call_command("emulation_rank", "--group", "CUM-X", "--year", "2024", stdout=io.StringIO())
