"""Figures of a month after the current one are not known yet: refused on every way in.

The command, the upload page, the entry grid and the API share ``imports.check_columns``,
which names the line whether the file is a plain one or not. The clock is frozen at the
edges: the last evening of a month, and 30 November, the last day of a work year, when
December is already the next work year but not yet this month.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from kiemsat.indicators import imports, services
from kiemsat.indicators.models import Figure, Source, Submission
from kiemsat.indicators.tests.test_imports import (
    HA_LONG,
    HEADER,
    csv_bytes,
    page_text,
    state,
    upload,
)
from kiemsat.lib.periods import Month

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_EVENING_OF_MARCH = datetime(2025, 3, 31, 23, 30, tzinfo=VN)
END_OF_WORK_YEAR = datetime(2025, 11, 30, 22, 0, tzinfo=VN)  # a Sunday
FIRST_OF_WORK_YEAR = datetime(2025, 12, 1, 0, 5, tzinfo=VN)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def future_message(period: str, current: str) -> str:
    return f"kỳ '{period}' chưa tới: chỉ nhập số liệu đến tháng hiện tại ({current})"


@time_machine.travel(LAST_EVENING_OF_MARCH, tick=False)
@pytest.mark.parametrize("way", ["upload", "grid", "api", "command"])
def test_next_month_is_refused_every_way_in(units, client_for, tmp_path, way):  # type: ignore[no-untyped-def]
    before = state()
    client = client_for("halong.ksv")
    rows = [f"{HA_LONG},2025-03,TB_MOI,9", f"{HA_LONG},2025-04,TB_MOI,9"]
    message = future_message("2025-04", "03/2025")
    if way == "upload":
        response = upload(client, "sau.csv", csv_bytes(*rows))
        assert response.status_code == 400
        assert response.context["errors"] == [f"dòng 3: {message}"]
        assert message in page_text(response)
    elif way == "grid":
        url = reverse("figures_entry", args=[units[HA_LONG].pk]) + "?month=2025-04"
        response = client.post(url, {"TB_MOI": "9"})
        assert response.status_code == 400
        assert "chưa tới" in page_text(response)
    elif way == "api":
        payload = {"rows": [dict(zip(HEADER.split(","), r.split(","), strict=True)) for r in rows]}
        response = client.post("/api/figures", payload, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"] == [f"dòng 2: {message}"]
    else:
        path = tmp_path / "sau.csv"
        path.write_bytes(csv_bytes(*rows))
        err = io.StringIO()
        with pytest.raises(SystemExit) as exited:
            call_command("import_figures", str(path), stdout=io.StringIO(), stderr=err)
        assert exited.value.code == 1
        assert err.getvalue().splitlines()[0] == f"dòng 3: {message}"
    assert state() == before


@time_machine.travel(LAST_EVENING_OF_MARCH, tick=False)
def test_the_current_month_is_accepted_on_its_last_evening(units, client_for) -> None:  # type: ignore[no-untyped-def]
    url = reverse("figures_entry", args=[units[HA_LONG].pk]) + "?month=2025-03"
    response = client_for("halong.ksv").post(url, {"TB_MOI": "9"})
    assert response.status_code == 302
    assert Figure.objects.get(unit=units[HA_LONG], period=Month(2025, 3).index).value == 9


@pytest.mark.parametrize(
    ("now", "accepted"), [(END_OF_WORK_YEAR, False), (FIRST_OF_WORK_YEAR, True)]
)
def test_december_opens_with_the_new_work_year_not_before(units, tmp_path, now, accepted) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "thang-12.csv"
    path.write_bytes(csv_bytes("QUANG-NINH,2025-12,TB_MOI,4"))  # Hạ Long ended on 30/6/2025
    with time_machine.travel(now, tick=False):
        if accepted:
            call_command("import_figures", str(path), stdout=io.StringIO())
        else:
            with pytest.raises(SystemExit):
                call_command(
                    "import_figures", str(path), stdout=io.StringIO(), stderr=io.StringIO()
                )
    stored = Figure.objects.filter(unit=units["QUANG-NINH"], period=Month(2025, 12).index)
    assert list(stored.values_list("value", flat=True)) == ([4] if accepted else [])


@time_machine.travel(LAST_EVENING_OF_MARCH, tick=False)
@pytest.mark.parametrize("period", ["2025-04", "2027-01", "2099-12"])
def test_a_future_month_in_a_plain_file_is_named(units, period) -> None:  # type: ignore[no-untyped-def]
    content = csv_bytes(f"{HA_LONG},2025-01,TB_MOI,5", f"{HA_LONG},{period},TB_DA_GQ,3")
    with pytest.raises(imports.ImportRefused) as refused:
        services.figures_import_file(actor=None, name="f.csv", data=content)
    assert refused.value.errors == [f"dòng 3: {future_message(period, '03/2025')}"]
    assert not Figure.objects.exists()


@time_machine.travel(LAST_EVENING_OF_MARCH, tick=False)
def test_a_future_month_cannot_be_submitted(units, cast) -> None:  # type: ignore[no-untyped-def]
    """Even with figures stored before this rule (written here behind the services' back)."""
    Figure.objects.create(
        unit=units[HA_LONG],
        metric_id=imports.Reference.load().metrics["TB_MOI"],
        period=Month(2025, 4).index,
        value=1,
        source=Source.ENTRY,
    )
    with pytest.raises(services.ValidationError, match="Tháng 04/2025 chưa tới"):
        services.submission_submit(
            actor=cast["halong.ksv"], unit=units[HA_LONG], month=Month(2025, 4)
        )
    assert not Submission.objects.exists()
