"""A local emulation cluster of Quảng Ninh in work year 2024, with a small criteria table.

Hạ Long, Cẩm Phả, Uông Bí and Móng Cái compete; Cẩm Phả leads; VKSND tỉnh Quảng Ninh
manages the cluster, so its chief (qn.vientruong) approves and its viewer (qn.xem) reads.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from kiemsat.emulation.sheets import sheet_load
from kiemsat.indicators.imports import RawRow
from kiemsat.indicators.services import figures_import
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm, Membership, Role, Unit

YEAR = 2024
MEMBERS = ("QUANG-NINH-HA-LONG", "QUANG-NINH-CAM-PHA", "QUANG-NINH-UONG-BI", "QUANG-NINH-MONG-CAI")
LEADER = "QUANG-NINH-CAM-PHA"
HA_LONG, CAM_PHA, UONG_BI, MONG_CAI = MEMBERS


def sheet_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "BANG-HUYEN",
        "name": "Tiêu chí chấm điểm, xếp loại thi đua VKSND cấp huyện",
        "level": "local",
        "effective_from": "2020-12-01",
        "criteria": [
            {
                "code": "1",
                "name": "Công tác giải quyết khiếu nại, tố cáo",
                "children": [
                    {
                        "code": "1.1",
                        "name": "Kết quả chỉ tiêu khiếu nại, kháng nghị",
                        "max": 20,
                        "source": "indicators",
                        "indicators": ["KNTC-01", "XX-02"],
                        "per_status": {"VUOT": 10, "DAT": 6, "KHONG_DAT": -2},
                    },
                    {"code": "1.2", "name": "Chất lượng hồ sơ", "max": 10, "source": "manual"},
                ],
            },
            {"code": "2", "name": "Xây dựng ngành", "max": "30", "source": "manual"},
            {
                "code": "THUONG",
                "name": "Điểm thưởng",
                "max": 5,
                "source": "manual",
                "kind": "bonus",
            },
            {"code": "TRU", "name": "Điểm trừ", "max": 10, "source": "manual", "kind": "penalty"},
        ],
        "bands": [
            {"name": "Hoàn thành xuất sắc nhiệm vụ", "min": 40},
            {"name": "Hoàn thành tốt nhiệm vụ", "min": 25},
            {"name": "Hoàn thành nhiệm vụ", "min": 10},
            {"name": "Không hoàn thành nhiệm vụ", "min": 0},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def sheet(db):  # type: ignore[no-untyped-def]
    return sheet_load(actor=None, data=sheet_data()).sheet


@pytest.fixture
def term(units, sheet):  # type: ignore[no-untyped-def]
    return make_term(units)


def make_term(units: dict[str, Unit]) -> ClusterTerm:
    """The cluster's year (the score sheet must be loaded already)."""
    cluster = Cluster.objects.create(
        code="CUM-QN-1",
        name="Cụm thi đua số 1 (VKSND cấp huyện tỉnh Quảng Ninh)",
        number=1,
        kind=ClusterKind.LOCAL,
        owner_unit=units["QUANG-NINH"],
    )
    term = ClusterTerm.objects.create(cluster=cluster, year=YEAR, leader=units[LEADER])
    term.members.set([units[code] for code in MEMBERS])
    return term


@pytest.fixture
def campha_leader(units):  # type: ignore[no-untyped-def]
    """The chief of the cluster's leading unit."""
    user = get_user_model().objects.create_user("campha.vt", first_name="Sơn", last_name="Đỗ")
    Membership.objects.create(user=user, unit=units[LEADER], role=Role.LEADER)
    return user


def set_figures(unit: Unit, values: dict[str, int], period: str = "2024-03") -> None:
    """Figures through the service (so every cached evaluation sees them)."""
    rows = [RawRow(n, unit.code, period, code, v) for n, (code, v) in enumerate(values.items())]
    figures_import(actor=None, rows=rows)
