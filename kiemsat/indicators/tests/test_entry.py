"""The monthly entry grid, the Excel template and the submit → approve → reopen flow (§3, §5).

The cast: halong.ksv enters Ha Long's figures, qn.vientruong (leader of the province above)
approves and reopens, qn.xem only reads, hagiang.ksv and nguoingoai are outsiders.
"""

from __future__ import annotations

import html
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.entry_selectors import typed_metrics
from kiemsat.indicators.imports import HEADER, RawRow
from kiemsat.indicators.models import (
    Figure,
    FigureBatch,
    Metric,
    Source,
    Submission,
    SubmissionStatus,
)
from kiemsat.indicators.services import figures_import
from kiemsat.lib.periods import Month

HA_LONG = "QUANG-NINH-HA-LONG"
JANUARY = Month(2021, 1)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def ha_long(units):  # type: ignore[no-untyped-def]
    return units[HA_LONG]


def grid_url(unit, month: Month = JANUARY) -> str:  # type: ignore[no-untyped-def]
    return f"{reverse('figures_entry', args=[unit.pk])}?month={month}"


def action_url(name: str, unit, month: Month = JANUARY) -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[unit.pk, str(month)])


def text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.content.decode())


def values(unit, month: Month = JANUARY) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = Figure.objects.filter(unit=unit, period=month.index)
    return dict(rows.values_list("metric__code", "value"))


def state() -> tuple[list[tuple[int, int, int, int]], list[tuple], int, int]:
    figures = sorted(Figure.objects.values_list("unit_id", "metric_id", "period", "value"))
    submissions = sorted(
        Submission.objects.values_list("unit_id", "period", "status", "reopen_reason")
    )
    return figures, submissions, FigureBatch.objects.count(), AuditEntry.objects.count()


def store(unit, month: Month = JANUARY, **figures: int) -> None:  # type: ignore[no-untyped-def]
    rows = [RawRow(i, unit.code, str(month), c, v) for i, (c, v) in enumerate(figures.items(), 1)]
    figures_import(actor=None, rows=rows, source=Source.ENTRY)


def submitted(unit, cast, month: Month = JANUARY) -> Submission:  # type: ignore[no-untyped-def]
    """A submitted month, made directly in the database."""
    store(unit, month, TB_MOI=5, TB_DA_GQ=4)
    return Submission.objects.create(
        unit=unit,
        period=month.index,
        status=SubmissionStatus.SUBMITTED,
        submitted_by=cast["halong.ksv"],
        submitted_at=timezone.now(),
    )


# --- the grid ------------------------------------------------------------------------------


def test_staff_sees_the_grid_of_its_unit(client_for, ha_long):  # type: ignore[no-untyped-def]
    store(ha_long, TB_MOI=17)
    response = client_for("halong.ksv").get(grid_url(ha_long))
    assert response.status_code == 200
    page = text(response)
    assert "Số liệu tháng 01/2021" in page
    for metric in typed_metrics():
        assert metric.name in page
    assert response.context["form"].initial["TB_MOI"] == 17
    assert 'value="17"' in page
    assert response.context["can_write"] is True


def test_leader_above_sees_the_grid(client_for, ha_long):  # type: ignore[no-untyped-def]
    response = client_for("qn.vientruong").get(grid_url(ha_long))
    assert response.status_code == 200
    assert response.context["can_approve"] is True


@pytest.mark.parametrize("username", ["hagiang.ksv", "nguoingoai"])
def test_outsiders_get_404(client_for, ha_long, username):  # type: ignore[no-untyped-def]
    client = client_for(username)
    assert client.get(grid_url(ha_long)).status_code == 404
    before = state()
    assert client.post(grid_url(ha_long), {"TB_MOI": "5"}).status_code == 404
    assert state() == before


def test_anonymous_is_sent_to_sign_in(client, ha_long):  # type: ignore[no-untyped-def]
    response = client.get(grid_url(ha_long))
    assert response.status_code == 302
    assert "dang-nhap" in response["Location"]


def test_viewer_reads_but_cannot_save(client_for, ha_long):  # type: ignore[no-untyped-def]
    store(ha_long, TB_MOI=3)
    client = client_for("qn.xem")
    response = client.get(grid_url(ha_long))
    assert response.status_code == 200
    assert response.context["can_write"] is False
    assert response.context["form"].fields["TB_MOI"].disabled
    assert "Lưu số liệu" not in text(response)
    before = state()
    assert client.post(grid_url(ha_long), {"TB_MOI": "9"}).status_code == 403
    assert state() == before
    assert values(ha_long) == {"TB_MOI": 3}


def test_post_saves_values_and_ignores_blank_fields(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    store(ha_long, TB_MOI=3, TB_DA_GQ=8)
    client = client_for("halong.ksv")
    response = client.post(
        grid_url(ha_long), {"TB_MOI": "5", "TB_DA_GQ": "", "TB_CHUYEN": "0", "TB_TON_DAU": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == grid_url(ha_long)
    assert values(ha_long) == {"TB_MOI": 5, "TB_DA_GQ": 8, "TB_CHUYEN": 0}
    assert values(ha_long, Month(2021, 2)) == {}
    assert Figure.objects.get(unit=ha_long, metric__code="TB_MOI").source == Source.ENTRY
    batch = FigureBatch.objects.order_by("-pk").first()
    assert (batch.unit, batch.source, batch.actor) == (ha_long, Source.ENTRY, cast["halong.ksv"])
    assert (batch.rows, batch.created, batch.updated) == (2, 1, 1)
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (entry.action, entry.actor, entry.unit_id) == (
        "indicators.figures_import",
        cast["halong.ksv"],
        ha_long.pk,
    )
    page = text(client.get(response["Location"]))
    assert "Đã lưu số liệu tháng 01/2021: thêm 1, sửa 1." in page


def test_leader_above_may_save_too(client_for, ha_long):  # type: ignore[no-untyped-def]
    response = client_for("qn.vientruong").post(grid_url(ha_long), {"TB_MOI": "6"})
    assert response.status_code == 302
    assert values(ha_long) == {"TB_MOI": 6}


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "Không được âm."), ("abc", "Nhập số nguyên không âm."), ("1.5", "Nhập số nguyên")],
)
def test_bad_input_is_refused_and_nothing_saved(client_for, ha_long, value, message):  # type: ignore[no-untyped-def]
    store(ha_long, TB_MOI=3)
    before = state()
    response = client_for("halong.ksv").post(grid_url(ha_long), {"TB_MOI": "7", "TB_DA_GQ": value})
    assert response.status_code == 400
    assert message in text(response)
    assert response.context["form"].errors["TB_DA_GQ"]
    assert state() == before


def test_month_in_which_the_unit_did_not_exist_is_refused(client_for, ha_long):  # type: ignore[no-untyped-def]
    before = state()
    url = grid_url(ha_long, Month(2025, 7))
    response = client_for("halong.ksv").post(url, {"TB_MOI": "7"})
    assert response.status_code == 409
    assert (
        "VKSND thành phố Hạ Long đã kết thúc hoạt động từ 30/06/2025: "
        "không thể nhập hoặc gửi số liệu tháng 07/2025."
    ) in text(response)
    assert state() == before


def test_derived_metrics_are_not_on_the_grid(client_for, ha_long):  # type: ignore[no-untyped-def]
    Metric.objects.filter(code="TB_MOI").update(derived=True)
    client = client_for("halong.ksv")
    response = client.get(grid_url(ha_long))
    assert "TB_MOI" not in response.context["form"].fields
    client.post(grid_url(ha_long), {"TB_MOI": "5", "TB_DA_GQ": "4"})
    assert values(ha_long) == {"TB_DA_GQ": 4}


def test_post_with_an_invalid_month_writes_nothing(client_for, ha_long):  # type: ignore[no-untyped-def]
    before = state()
    url = f"{reverse('figures_entry', args=[ha_long.pk])}?month=2021-13"
    with time_machine.travel(datetime(2021, 2, 15, 9, 0, tzinfo=VN), tick=False):
        response = client_for("halong.ksv").post(url, {"TB_MOI": "7"})
    assert response.status_code in (400, 404)
    assert state() == before


# --- submission, approval, reopening ---------------------------------------------------------


def test_staff_submits_a_month_with_figures(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    store(ha_long, TB_MOI=5)
    client = client_for("halong.ksv")
    response = client.post(action_url("submission_submit", ha_long), follow=True)
    assert response.status_code == 200
    assert "Đã gửi số liệu tháng 01/2021" in text(response)
    submission = Submission.objects.get(unit=ha_long, period=JANUARY.index)
    assert (submission.status, submission.submitted_by) == (
        SubmissionStatus.SUBMITTED,
        cast["halong.ksv"],
    )
    assert AuditEntry.objects.filter(
        action="indicators.submission_submit", object_id=str(submission.pk), unit_id=ha_long.pk
    ).exists()


def test_submitting_a_month_without_figures_is_refused(client_for, ha_long):  # type: ignore[no-untyped-def]
    store(ha_long, Month(2021, 2), TB_MOI=5)  # another month has figures
    before = state()
    response = client_for("halong.ksv").post(action_url("submission_submit", ha_long), follow=True)
    assert response.status_code == 200
    assert "Tháng 01/2021 chưa có số liệu nào để gửi." in text(response)
    assert state() == before


@pytest.mark.parametrize(("username", "status"), [("qn.xem", 403), ("hagiang.ksv", 404)])
def test_others_cannot_submit(client_for, ha_long, username, status):  # type: ignore[no-untyped-def]
    store(ha_long, TB_MOI=5)
    before = state()
    response = client_for(username).post(action_url("submission_submit", ha_long))
    assert response.status_code == status
    assert state() == before


@pytest.mark.parametrize(
    ("username", "status"),
    [("qn.xem", 403), ("halong.ksv", 403), ("hagiang.ksv", 404), ("nguoingoai", 404)],
)
def test_only_a_leader_above_approves(client_for, ha_long, cast, username, status):  # type: ignore[no-untyped-def]
    submitted(ha_long, cast)
    before = state()
    response = client_for(username).post(action_url("submission_approve", ha_long))
    assert response.status_code == status
    assert state() == before
    assert Submission.objects.get(unit=ha_long).status == SubmissionStatus.SUBMITTED


def test_approving_a_month_not_submitted_is_refused(client_for, ha_long):  # type: ignore[no-untyped-def]
    store(ha_long, TB_MOI=5)
    before = state()
    response = client_for("qn.vientruong").post(
        action_url("submission_approve", ha_long), follow=True
    )
    assert "Tháng 01/2021 chưa được gửi." in text(response)
    assert state() == before


def test_approve_locks_then_reopen_with_reason_unlocks(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    submission = submitted(ha_long, cast)
    leader, staff = client_for("qn.vientruong"), None

    response = leader.post(action_url("submission_approve", ha_long), follow=True)
    assert "Đã duyệt và khóa số liệu tháng 01/2021." in text(response)
    submission.refresh_from_db()
    assert (submission.status, submission.decided_by) == (
        SubmissionStatus.APPROVED,
        cast["qn.vientruong"],
    )
    assert submission.decided_at is not None
    assert AuditEntry.objects.filter(
        action="indicators.submission_approve", object_id=str(submission.pk)
    ).exists()

    # locked: staff cannot change the month, on the grid or by submitting again
    staff = client_for("halong.ksv")
    response = staff.get(grid_url(ha_long))
    assert response.context["locked"] is True
    assert response.context["form"].fields["TB_MOI"].disabled
    before = state()
    response = staff.post(grid_url(ha_long), {"TB_MOI": "50"})
    assert response.status_code == 400
    assert "đã được duyệt và khóa; cần lãnh đạo mở lại" in text(response)
    assert state() == before
    assert values(ha_long) == {"TB_MOI": 5, "TB_DA_GQ": 4}
    response = staff.post(action_url("submission_submit", ha_long), follow=True)
    assert "đã được duyệt; không gửi lại được" in text(response)
    assert state() == before

    # reopening needs a leader above and a reason
    leader = client_for("qn.vientruong")
    response = leader.post(action_url("submission_reopen", ha_long), {"reason": "  "}, follow=True)
    assert "Cần ghi lý do mở lại." in text(response)
    assert state() == before
    staff = client_for("halong.ksv")
    response = staff.post(action_url("submission_reopen", ha_long), {"reason": "Sửa số"})
    assert response.status_code == 403
    assert state() == before

    reason = "Số liệu tháng 1 nhập nhầm TB_MOI"
    leader = client_for("qn.vientruong")
    response = leader.post(
        action_url("submission_reopen", ha_long), {"reason": reason}, follow=True
    )
    assert "Đã mở lại tháng 01/2021." in text(response)
    submission.refresh_from_db()
    assert (submission.status, submission.reopen_reason) == (SubmissionStatus.REOPENED, reason)
    entry = AuditEntry.objects.get(action="indicators.submission_reopen")
    assert (entry.object_id, entry.actor, entry.unit_id) == (
        str(submission.pk),
        cast["qn.vientruong"],
        ha_long.pk,
    )
    assert entry.changes == {"reason": reason}

    # reopened: the grid takes changes again, and the month can be sent again
    staff = client_for("halong.ksv")
    response = staff.post(grid_url(ha_long), {"TB_MOI": "50"})
    assert response.status_code == 302
    assert values(ha_long) == {"TB_MOI": 50, "TB_DA_GQ": 4}
    staff.post(action_url("submission_submit", ha_long))
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED


def test_reopening_a_month_that_is_not_approved_is_refused(client_for, ha_long, cast):  # type: ignore[no-untyped-def]
    submitted(ha_long, cast)
    before = state()
    response = client_for("qn.vientruong").post(
        action_url("submission_reopen", ha_long), {"reason": "Thử"}, follow=True
    )
    assert "chưa được duyệt nên không cần mở lại" in text(response)
    assert state() == before


def test_bad_month_in_a_submission_url_is_404(client_for, ha_long):  # type: ignore[no-untyped-def]
    url = reverse("submission_submit", args=[ha_long.pk, "2021-13"])
    assert client_for("halong.ksv").post(url).status_code == 404


# --- the Excel template ----------------------------------------------------------------------


def template_rows(response) -> list[tuple]:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(book.worksheets[0].iter_rows(values_only=True))


def test_template_is_prefilled_with_stored_values(client_for, ha_long):  # type: ignore[no-untyped-def]
    store(ha_long, Month(2021, 1), TB_MOI=5, TB_DA_GQ=0)
    store(ha_long, Month(2021, 2), TB_CHUYEN=2)
    store(ha_long, Month(2021, 3), TB_MOI=99)  # outside the range asked for
    url = reverse("figures_template", args=[ha_long.pk]) + "?start=2021-01&end=2021-02"
    response = client_for("halong.ksv").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert f"mau-so-lieu-{HA_LONG}-2021-01-2021-02.xlsx" in response["Content-Disposition"]
    header, *rows = template_rows(response)
    assert tuple(header[:4]) == HEADER  # a fifth column names the metric
    codes = [m.code for m in typed_metrics()]
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (HA_LONG, month, code) for month in ("2021-01", "2021-02") for code in codes
    ]
    filled = {(r[1], r[2]): r[3] for r in rows if r[3] is not None}
    assert filled == {
        ("2021-01", "TB_MOI"): 5,
        ("2021-01", "TB_DA_GQ"): 0,
        ("2021-02", "TB_CHUYEN"): 2,
    }


def test_template_skips_months_the_unit_did_not_exist(client_for, ha_long):  # type: ignore[no-untyped-def]
    url = reverse("figures_template", args=[ha_long.pk]) + "?start=2025-06&end=2025-07"
    _, *rows = template_rows(client_for("halong.ksv").get(url))
    assert {r[1] for r in rows} == {"2025-06"}


def test_template_uploads_back_unchanged(client_for, ha_long):  # type: ignore[no-untyped-def]
    store(ha_long, Month(2021, 1), TB_MOI=5, TB_DA_GQ=3)
    client = client_for("halong.ksv")
    url = reverse("figures_template", args=[ha_long.pk]) + "?start=2021-01&end=2021-01"
    content = client.get(url).content
    before = state()
    response = client.post(
        reverse("figures_upload"), {"file": SimpleUploadedFile("mau.xlsx", content)}
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert (preview.rows, preview.created, preview.updated, preview.unchanged) == (2, 0, 0, 2)
    assert state() == before


@pytest.mark.parametrize("username", ["hagiang.ksv", "nguoingoai"])
def test_template_for_outsiders_is_404(client_for, ha_long, username):  # type: ignore[no-untyped-def]
    url = reverse("figures_template", args=[ha_long.pk]) + "?start=2021-01&end=2021-02"
    assert client_for(username).get(url).status_code == 404


def test_template_refuses_a_bad_range(client_for, ha_long):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    base = reverse("figures_template", args=[ha_long.pk])
    assert client.get(base + "?start=2021-03&end=2021-01").status_code == 400
    assert client.get(base + "?start=2021-13&end=2022-01").status_code == 400
    assert client.get(base + "?start=2019-01&end=2022-01").status_code == 400
