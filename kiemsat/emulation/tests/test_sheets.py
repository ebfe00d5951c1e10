"""load_score_sheet: the YAML of the sector's format, versions, refusals that name the node."""

from __future__ import annotations

import io
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from kiemsat.audit.models import AuditEntry
from kiemsat.emulation.models import Criterion, Score, ScoreSheet
from kiemsat.emulation.tests.conftest import sheet_data

pytestmark = pytest.mark.django_db


def _write(tmp_path: Path, data: dict, name: str = "bang.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _load(path: Path) -> str:
    out = io.StringIO()
    call_command("load_score_sheet", str(path), stdout=out)
    return out.getvalue()


def test_load_builds_the_tree_and_a_reload_changes_nothing(tmp_path, units):
    path = _write(tmp_path, sheet_data())
    assert "đã nạp (5 tiêu chí chấm điểm)" in _load(path)
    sheet = ScoreSheet.objects.get(code="BANG-HUYEN")
    leaf = Criterion.objects.get(sheet=sheet, code="1.1")
    assert leaf.parent is not None and leaf.parent.code == "1"
    assert leaf.max_points == D(20) and leaf.indicators == ["KNTC-01", "XX-02"]
    assert leaf.per_status == {"VUOT": "10.00", "DAT": "6.00", "KHONG_DAT": "-2.00"}
    assert Criterion.objects.get(sheet=sheet, code="1").max_points is None
    assert Criterion.objects.get(sheet=sheet, code="TRU").kind == "penalty"
    assert sheet.bands.values_list("name", flat=True)[0] == "Hoàn thành xuất sắc nhiệm vụ"
    audits = AuditEntry.objects.filter(action__startswith="emulation.sheet").count()
    assert "không đổi" in _load(path)
    assert AuditEntry.objects.filter(action__startswith="emulation.sheet").count() == audits


def test_a_new_effective_date_is_a_new_version(tmp_path, units):
    _load(_write(tmp_path, sheet_data()))
    _load(_write(tmp_path, sheet_data(effective_from="2024-12-01"), "moi.yaml"))
    versions = ScoreSheet.objects.filter(code="BANG-HUYEN").order_by("effective_from")
    assert [str(s.effective_from) for s in versions] == ["2020-12-01", "2024-12-01"]


def test_a_used_version_cannot_be_changed(tmp_path, term, units):
    leaf = Criterion.objects.get(sheet__code="BANG-HUYEN", code="2")
    Score.objects.create(term=term, unit=units["QUANG-NINH-HA-LONG"], criterion=leaf, self_points=3)
    changed = sheet_data(name="Tên khác")
    with pytest.raises(CommandError, match="đã có điểm chấm"):
        _load(_write(tmp_path, changed))
    assert ScoreSheet.objects.get(code="BANG-HUYEN").name != "Tên khác"


def test_bad_sheet_names_each_problem_and_writes_nothing(tmp_path, units):
    data = sheet_data()
    data["criteria"][0]["children"][0]["indicators"] = ["KHONG-CO"]
    data["criteria"][0]["children"][1]["max"] = "1,234"
    data["criteria"][1]["source"] = "tay"
    data["level"] = "tinh"
    with pytest.raises(CommandError) as exc:
        _load(_write(tmp_path, data))
    message = str(exc.value)
    assert "tiêu chí '1.1': không có chỉ tiêu KHONG-CO" in message
    assert "tiêu chí '1.2': max: điểm '1,234' có quá 2 chữ số thập phân" in message
    assert "tiêu chí '2': source phải là indicators hoặc manual" in message
    assert "level phải là" in message
    assert not ScoreSheet.objects.exists()


def test_xlsx_gives_the_same_sheet(tmp_path, units):
    book = Workbook()
    head = book.active
    head.title = "about"
    for row in [
        ("code", "BANG-X"),
        ("name", "Bảng X"),
        ("level", "local"),
        ("effective_from", "2021-12-01"),
    ]:
        head.append(row)
    criteria = book.create_sheet("criteria")
    criteria.append(["code", "parent", "name", "max", "source", "kind", "indicators", "per_status"])
    criteria.append(["1", None, "Nhóm", None, None, None, None, None])
    criteria.append(
        ["1.1", "1", "Chỉ tiêu", 20, "indicators", None, "KNTC-01, XX-02", "VUOT=3; DAT=2"]
    )
    criteria.append(["TRU", None, "Điểm trừ", 10, "manual", "penalty", None, None])
    bands = book.create_sheet("bands")
    bands.append(["name", "min"])
    bands.append(["Hoàn thành nhiệm vụ", 0])
    path = tmp_path / "bang.xlsx"
    book.save(path)
    assert "đã nạp (2 tiêu chí chấm điểm)" in _load(path)
    leaf = Criterion.objects.get(sheet__code="BANG-X", code="1.1")
    assert leaf.parent is not None and leaf.per_status == {"VUOT": "3.00", "DAT": "2.00"}


def test_a_damaged_or_bomb_workbook_is_refused_before_it_is_read(tmp_path, units):  # type: ignore[no-untyped-def]
    from kiemsat.lib.tests.test_bad_files import bad_workbooks

    for content, message in bad_workbooks():
        path = tmp_path / "bang.xlsx"
        path.write_bytes(content)
        with pytest.raises(CommandError, match=message):
            call_command("load_score_sheet", str(path), stdout=io.StringIO())
    assert not ScoreSheet.objects.exists()
