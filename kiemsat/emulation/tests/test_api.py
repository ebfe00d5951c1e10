"""GET /api/emulation/terms and /terms/{id}/ranking: scoped, paginated, Vietnamese errors."""

from __future__ import annotations

import pytest

from kiemsat.emulation import services
from kiemsat.emulation.models import Exclusion
from kiemsat.emulation.services import SelfEntry

pytestmark = pytest.mark.django_db


def test_terms_list_is_scoped_and_filtered_by_year(term, client_for):
    body = client_for("qn.xem").get("/api/emulation/terms").json()
    assert body["count"] == 1
    row = body["items"][0]
    assert row["cluster_code"] == "CUM-QN-1" and row["year"] == 2024 and not row["locked"]
    assert row["leader_code"] == "QUANG-NINH-CAM-PHA" and len(row["member_codes"]) == 4
    assert client_for("qn.xem").get("/api/emulation/terms?year=2023").json()["count"] == 0
    assert client_for("hagiang.ksv").get("/api/emulation/terms").json()["count"] == 0
    bad = client_for("qn.xem").get("/api/emulation/terms?year=abc")
    assert bad.status_code == 422 and "year phải là số nguyên" in bad.json()["detail"]


def test_ranking_matches_the_page_and_outsiders_get_404(term, units, client_for):
    for code, points in (("HA-LONG", "20"), ("CAM-PHA", "25,5"), ("UONG-BI", "20")):
        services.scores_self_assess(
            actor=None,
            term=term,
            unit=units[f"QUANG-NINH-{code}"],
            entries={"2": SelfEntry(points)},
        )
    Exclusion.objects.create(term=term, unit=units["QUANG-NINH-MONG-CAI"], reason="Tham nhũng")
    body = client_for("halong.ksv").get(f"/api/emulation/terms/{term.pk}/ranking").json()
    assert body["sheet_code"] == "BANG-HUYEN"
    assert [(r["rank"], r["unit_code"], r["total"]) for r in body["ranking"]] == [
        (1, "QUANG-NINH-CAM-PHA", "25.50"),
        (2, "QUANG-NINH-HA-LONG", "20.00"),
        (2, "QUANG-NINH-UONG-BI", "20.00"),
        (None, "QUANG-NINH-MONG-CAI", "0.00"),
    ]
    assert body["ranking"][3]["excluded"] == "Tham nhũng"
    outsider = client_for("hagiang.ksv").get(f"/api/emulation/terms/{term.pk}/ranking")
    assert outsider.status_code == 404 and "Không tìm thấy" in outsider.json()["detail"]


def test_anonymous_gets_401(term, client):
    assert client.get("/api/emulation/terms").status_code == 401
