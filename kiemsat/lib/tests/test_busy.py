"""A write that meets a database busy with another write: a Vietnamese 503, never a 500."""

from __future__ import annotations

import psycopg
import pytest
import time_machine
from django.db import OperationalError
from django.urls import reverse

from kiemsat.indicators import services
from kiemsat.indicators.models import Figure
from kiemsat.lib.busy import BUSY_MESSAGE, database_busy

pytestmark = pytest.mark.django_db

HA_LONG = "QUANG-NINH-HA-LONG"
BEFORE_MERGER = time_machine.travel("2025-03-17 10:00 +0700", tick=False)


def busy(*args: object, **kwargs: object) -> None:
    raise OperationalError("database is locked")


def test_only_a_held_lock_counts_as_busy() -> None:
    assert database_busy(OperationalError("database is locked"))
    assert database_busy(OperationalError("database table is locked: indicators_figure"))
    waited = OperationalError("canceling statement due to lock timeout")
    waited.__cause__ = psycopg.errors.LockNotAvailable()
    assert database_busy(waited)
    assert not database_busy(OperationalError("no such table: indicators_figure"))
    assert not database_busy(ValueError("database is locked"))


@BEFORE_MERGER
def test_the_api_answers_503_with_a_vietnamese_detail(client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(services, "figures_import", busy)
    row = {"unit_code": HA_LONG, "period": "2021-01", "metric_code": "TB_MOI", "value": 5}
    response = client_for("halong.ksv").post(
        "/api/figures", {"rows": [row]}, content_type="application/json"
    )
    assert response.status_code == 503
    assert response.json() == {"detail": "Cơ sở dữ liệu đang bận, thử lại sau."}
    assert response["Retry-After"] == "5"
    assert not Figure.objects.exists()


@BEFORE_MERGER
def test_the_entry_grid_answers_a_503_page(client_for, units, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(services, "figures_import", busy)
    url = reverse("figures_entry", args=[units[HA_LONG].pk]) + "?month=2021-01"
    response = client_for("halong.ksv").post(url, {"TB_MOI": "5"})
    assert response.status_code == 503
    assert BUSY_MESSAGE in response.content.decode()
    assert "không có gì được ghi dở dang" in response.content.decode()
    assert not Figure.objects.exists()


@BEFORE_MERGER
def test_another_database_fault_is_left_to_the_error_page(client_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(services, "figures_import", broken)
    row = {"unit_code": HA_LONG, "period": "2021-01", "metric_code": "TB_MOI", "value": 5}
    with pytest.raises(OperationalError, match="disk I/O error"):
        client_for("halong.ksv").post(
            "/api/figures", {"rows": [row]}, content_type="application/json"
        )
