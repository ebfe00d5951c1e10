"""The `units` and `groups` commands (DESIGN §6)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db: None) -> None:
    run("seed_reference")


def units_csv(*args: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(run("units", "--format", "csv", *args)))
    assert reader.fieldnames == ["code", "name", "level", "parent_code", "valid_from", "valid_to"]
    return {row["code"]: row for row in reader}


def test_units_csv_has_the_reorganisation(seeded: None) -> None:
    rows = units_csv()
    assert rows["HA-GIANG"] == {
        "code": "HA-GIANG",
        "name": "VKSND tỉnh Hà Giang",
        "level": "provincial",
        "parent_code": "VKSTC",
        "valid_from": "",
        "valid_to": "2025-06-30",
    }
    assert rows["TUYEN-QUANG-2025"]["valid_from"] == "2025-07-01"
    assert rows["TUYEN-QUANG-2025"]["valid_to"] == ""
    assert rows["QUANG-NINH-HA-LONG"]["parent_code"] == "QUANG-NINH"
    assert rows["QUANG-NINH"]["valid_from"] == rows["QUANG-NINH"]["valid_to"] == ""
    assert rows["VKSTC"]["parent_code"] == ""


def test_units_default_format_is_csv(seeded: None) -> None:
    assert run("units").splitlines()[0] == "code,name,level,parent_code,valid_from,valid_to"


def test_units_on_a_day(seeded: None) -> None:
    before, after = units_csv("--on", "2025-06-30"), units_csv("--on", "2025-07-01")
    assert sum(r["level"] == "provincial" for r in before.values()) == 63
    assert sum(r["level"] == "provincial" for r in after.values()) == 34
    assert "HA-GIANG" in before and "HA-GIANG" not in after
    assert "QUANG-NINH" in before and "QUANG-NINH" in after


def test_units_json(seeded: None) -> None:
    rows = {row["code"]: row for row in json.loads(run("units", "--format", "json"))}
    assert rows["QUANG-NINH-KV3"]["name"] == "VKSND khu vực 3 – Quảng Ninh"
    assert rows["QUANG-NINH-KV3"]["valid_from"] == "2025-07-01"
    assert rows["HUE"]["level"] == "provincial"


def test_units_refuses_a_bad_day(seeded: None) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("units", "--on", "30/06/2025")


def test_groups_csv_lists_cluster_6_by_year(seeded: None) -> None:
    rows = list(csv.DictReader(io.StringIO(run("groups"))))
    cum6 = [row for row in rows if row["code"] == "CUM-6"]
    assert [row["year"] for row in cum6] == ["2020", "2021"]
    for row in cum6:
        members = row["member_codes"].split(";")
        assert len(members) == 6
        assert members == sorted(members)
        assert "THANH-HOA" in members
        assert row["name"] == "Cụm thi đua số 6 (VKSND các tỉnh Bắc Trung Bộ)"


def test_groups_json(seeded: None) -> None:
    rows = [r for r in json.loads(run("groups", "--format", "json")) if r["code"] == "CUM-6"]
    assert [(r["year"], len(r["member_codes"].split(";"))) for r in rows] == [(2020, 6), (2021, 6)]
