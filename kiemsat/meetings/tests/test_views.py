"""The pages through HTTP: record, detail, results, conclusions, tasks, reports, confirm."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kiemsat.audit.models import AuditEntry
from kiemsat.lib.excel import first_body_row
from kiemsat.meetings.models import (
    Conclusion,
    Conference,
    ProgressReport,
    PublishedResult,
    Task,
    TaskStatus,
)
from kiemsat.meetings.tests.conftest import HA_LONG, QN

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        Conference.objects.count(),
        Task.objects.count(),
        PublishedResult.objects.count(),
        ProgressReport.objects.count(),
        AuditEntry.objects.count(),
    )


def test_leader_records_a_conference(client_for, units) -> None:
    client = client_for("qn.vientruong")
    assert client.get(reverse("conference_create")).status_code == 200
    response = client.post(
        reverse("conference_create"),
        {
            "unit": units[QN].pk,
            "kind": "trien_khai",
            "title": "Hội nghị triển khai công tác năm 2025",
            "held_on": "23/01/2025",
            "starts_at": "08:00",
            "online": "on",
            "bridge_units": [units[HA_LONG].pk],
            "bridge_places": "Hội trường UBND huyện Cô Tô\n",
            "theme": "KỶ CƯƠNG – CHẤT LƯỢNG – ĐỔI MỚI",
        },
    )
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conference_detail", args=[conference.pk])
    assert conference.held_on == date(2025, 1, 23)
    assert conference.bridge_points.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "08:00, ngày 23/01/2025" in page
    assert "Điểm cầu (2)" in page
    assert AuditEntry.objects.filter(action="meetings.conference_record").count() == 1


def test_bad_conference_is_refused_and_nothing_saved(client_for, units) -> None:
    client = client_for("qn.vientruong")
    before = _counts()
    response = client.post(
        reverse("conference_create"),
        {
            "unit": units[QN].pk,
            "kind": "trien_khai",
            "title": "Họp",
            "held_on": "23/01/2025",
            "online": "on",
        },
    )
    assert response.status_code == 400
    assert "Hội nghị trực tuyến cần ít nhất một điểm cầu." in response.content.decode()
    response = client.post(
        reverse("conference_create"),
        {"unit": units[HA_LONG].pk, "kind": "khac", "title": "Họp", "held_on": "01/07/2025"},
    )
    assert response.status_code == 400
    assert "không hoạt động vào ngày 01/07/2025" in response.content.decode()
    assert _counts() == before


@time_machine.travel("2025-02-05 09:00 +0700", tick=False)  # while Hạ Long existed
def test_staff_cannot_record_for_another_unit(client_for, units) -> None:
    response = client_for("halong.ksv").post(
        reverse("conference_create"),
        {"unit": units[QN].pk, "kind": "khac", "title": "Họp", "held_on": "23/01/2025"},
    )
    assert response.status_code == 400
    assert "Bạn không có quyền ghi hội nghị của đơn vị này." in response.content.decode()
    assert client_for("qn.xem").get(reverse("conference_create")).status_code == 403


def test_parent_leader_sees_a_district_conference(client_for, make_conference) -> None:
    conference = make_conference(HA_LONG, title="Hội nghị tổng kết công tác phối hợp năm 2024")
    url = reverse("conference_detail", args=[conference.pk])
    assert "tổng kết công tác phối hợp" in client_for("qn.vientruong").get(url).content.decode()
    assert client_for("hagiang.ksv").get(url).status_code == 404
    page = client_for("qn.xem").get(url).content.decode()
    assert "Ghi kết luận" not in page  # read-only: no forms


def test_printed_figure_flag_on_the_page(client_for, make_conference) -> None:
    conference = make_conference()
    client = client_for("qn.vientruong")
    url = reverse("result_add", args=[conference.pk])
    client.post(url, {"measure": "dat", "part": 127, "whole": 129, "printed_percent": "98,5"})
    client.post(url, {"measure": "vuot", "part": 59, "whole": 60, "printed_percent": "98,3"})
    assert [str(r.printed_percent) for r in PublishedResult.objects.order_by("pk")] == [
        "98.5",
        "98.3",
    ]
    page = client.get(reverse("conference_detail", args=[conference.pk])).content.decode()
    assert "Tỷ lệ in sai: đúng là 98,4%" in page
    assert page.count("Khớp") == 1
    before = _counts()
    response = client.post(url, {"measure": "dat", "part": 130, "whole": 129})
    assert response.status_code == 400
    assert "không được lớn hơn tổng số (129)" in response.content.decode()
    assert _counts() == before


def test_conclusion_and_task_by_working_days(client_for, units, make_conference) -> None:
    conference = make_conference()
    client = client_for("qn.vientruong")
    client.post(reverse("conclusion_add", args=[conference.pk]), {"text": "Rà soát kiến nghị."})
    conclusion = Conclusion.objects.get()
    url = reverse("task_add", args=[conference.pk, conclusion.pk])
    before = _counts()
    response = client.post(
        url, {"title": "Rà soát", "unit": units[HA_LONG].pk, "due_on": "22/01/2025"}
    )
    assert response.status_code == 400
    assert "trước ngày hội nghị 23/01/2025" in response.content.decode()
    assert _counts() == before
    response = client.post(
        url, {"title": "Rà soát", "unit": units[HA_LONG].pk, "due_working_days": "5"}
    )
    assert response.status_code == 302
    assert Task.objects.get().due_on == date(2025, 2, 6)


def test_report_done_and_leader_confirms(client_for, make_task, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    task = make_task()
    url = reverse("task_detail", args=[task.pk])
    staff = client_for("halong.ksv")
    with time_machine.travel("2025-02-05 09:00 +0700", tick=False):
        assert "Gửi báo cáo" in staff.get(url).content.decode()
        response = staff.post(
            reverse("task_report", args=[task.pk]),
            {
                "status": "hoan_thanh",
                "note": "Đã rà soát 12 kiến nghị.",
                "evidence": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n"),
            },
        )
        assert response.status_code == 302
        task.refresh_from_db()
        assert (task.status, task.done_on) == (TaskStatus.DONE, date(2025, 2, 5))
        report = task.reports.get()
        download = staff.get(reverse("evidence_download", args=[task.pk, report.pk]))
        assert download.status_code == 200
        assert staff.post(reverse("task_confirm", args=[task.pk])).status_code == 403
        assert client_for("qn.xem").post(reverse("task_confirm", args=[task.pk])).status_code == 403
        leader = client_for("qn.vientruong")
        assert "Xác nhận hoàn thành" in leader.get(url).content.decode()
        leader.post(reverse("task_confirm", args=[task.pk]))
    task.refresh_from_db()
    assert task.confirmed_on == date(2025, 2, 5)
    assert "Hoàn thành" in client_for("qn.vientruong").get(url).content.decode()


def test_bad_report_is_refused(client_for, make_task) -> None:
    task = make_task()
    before = _counts()
    response = client_for("halong.ksv").post(
        reverse("task_report", args=[task.pk]), {"status": "hoan_thanh", "note": ""}
    )
    assert response.status_code == 400
    assert "Cần nhập." in response.content.decode()
    assert _counts() == before


def test_task_list_filters_and_export(client_for, make_task) -> None:
    make_task(title="Nhiệm vụ quá hạn", due_on=date(2025, 2, 1))
    make_task(title="Nhiệm vụ còn hạn", due_on=date(2025, 12, 1))
    client = client_for("qn.vientruong")
    with time_machine.travel("2025-03-03 09:00 +0700", tick=False):
        page = client.get(reverse("task_list") + "?status=qua_han").content.decode()
        assert "Nhiệm vụ quá hạn" in page and "Nhiệm vụ còn hạn" not in page
        response = client.get(reverse("task_list") + "?status=qua_han&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=first_body_row(sheet), values_only=True))
    assert [(r[0], r[5]) for r in rows] == [("Nhiệm vụ quá hạn", "Quá hạn")]
    assert sheet["A2"].value == "Tình trạng: Quá hạn" and sheet["A3"].value.startswith("Xuất lúc")


def test_conference_list_filters(client_for, make_conference) -> None:
    make_conference(title="Lễ ký quy chế", kind="ky_ket")
    make_conference(title="Sơ kết sáu tháng", kind="so_ket", held_on=date(2025, 6, 1))
    client = client_for("qn.vientruong")
    page = client.get(reverse("conference_list") + "?kind=ky_ket").content.decode()
    assert "Lễ ký quy chế" in page and "Sơ kết sáu tháng" not in page
    page = client.get(reverse("conference_list") + "?q=so ket sau&start=05/2025").content.decode()
    assert "Sơ kết sáu tháng" in page and "quy chế" not in page
    response = client.get(reverse("conference_list") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = sheet.iter_rows(min_row=first_body_row(sheet), values_only=True)
    assert sorted(r[2] for r in rows) == [
        "Lễ ký quy chế",
        "Sơ kết sáu tháng",
    ]


def test_a_task_shows_its_conference_but_not_the_others_tasks(client_for, make_task) -> None:
    """Hạ Long reads Quảng Ninh's conference through its own task only: Cẩm Phả's task,
    the papers (which list every task) and the edit forms stay out of its view."""
    mine = make_task(title="Nhiệm vụ của Hạ Long")
    theirs = make_task("QUANG-NINH-CAM-PHA", title="Nhiệm vụ của Cẩm Phả")
    conference = mine.conclusion.conference
    client = client_for("halong.ksv")
    page = client.get(reverse("conference_detail", args=[conference.pk])).content.decode()
    assert "Nhiệm vụ của Hạ Long" in page
    assert "Nhiệm vụ của Cẩm Phả" not in page
    assert "Ghi kết luận" not in page
    body = client.get(f"/api/conferences/{conference.pk}").json()
    assert [t["title"] for t in body["tasks"]] == ["Nhiệm vụ của Hạ Long"]
    paper = reverse("conference_paper", args=[conference.pk, "thong-bao-ket-luan", "docx"])
    assert client.get(paper).status_code == 403
    assert client.get(reverse("task_detail", args=[theirs.pk])).status_code == 404
    page = client_for("qn.xem").get(reverse("conference_detail", args=[conference.pk]))
    assert "Nhiệm vụ của Cẩm Phả" in page.content.decode()


def test_edit_conference_is_audited_and_keeps_tasks_after_it(client_for, units, make_task) -> None:
    task = make_task(due_on=date(2025, 2, 3))
    conference = task.conclusion.conference
    client = client_for("qn.vientruong")
    url = reverse("conference_edit", args=[conference.pk])
    assert client.get(url).status_code == 200
    data = {"kind": "trien_khai", "title": conference.title, "place": "Hội trường tầng 3"}
    before = _counts()
    response = client.post(url, {**data, "held_on": "04/02/2025"})  # after its task's day
    assert response.status_code == 400
    assert "Có nhiệm vụ có hạn trước ngày hội nghị mới" in response.content.decode()
    assert _counts() == before
    assert client.post(url, {**data, "held_on": "22/01/2025"}).status_code == 302
    conference.refresh_from_db()
    assert (conference.held_on, conference.place) == (date(2025, 1, 22), "Hội trường tầng 3")
    entry = AuditEntry.objects.get(action="meetings.conference_update")
    assert entry.changes["held_on"] == ["2025-01-23", "2025-01-22"]
    assert client_for("qn.xem").post(url, data).status_code == 403


def test_removals(client_for, make_task) -> None:
    from kiemsat.meetings import services

    task = make_task()
    conference = task.conclusion.conference
    participant = services.participant_add(
        actor=None, conference=conference, role="dai_bieu", name="Lê Văn An"
    )
    client = client_for("qn.vientruong")
    client.post(reverse("participant_remove", args=[conference.pk, participant.pk]))
    assert not conference.participants.exists()
    response = client.post(reverse("conference_delete", args=[conference.pk]), follow=True)
    assert "đã có nhiệm vụ được giao; không xóa được" in response.content.decode()
    assert Conference.objects.filter(pk=conference.pk).exists()
    client.post(reverse("task_delete", args=[task.pk]))
    assert not Task.objects.exists()
    client.post(reverse("conference_delete", args=[conference.pk]))
    assert not Conference.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "meetings.participant_remove",
        "meetings.task_delete",
        "meetings.conference_delete",
    } <= actions


def test_documents_attached_to_a_conference(
    client_for, make_conference, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    conference = make_conference("QUANG-NINH-HA-LONG")
    client = client_for("halong.ksv")
    url = reverse("document_attach", args=[conference.pk])
    before = AuditEntry.objects.count()
    response = client.post(url, {"title": "Mã độc", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 400
    assert "chỉ nhận tệp PDF, Word, Excel hoặc ảnh" in response.content.decode()
    disguised = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00")  # judged by content
    response = client.post(url, {"title": "Mã độc", "file": disguised})
    assert response.status_code == 400
    assert "không phải PDF" in response.content.decode()
    assert not conference.documents.exists() and AuditEntry.objects.count() == before
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n")
    assert (
        client.post(url, {"title": "Báo cáo tổng kết năm 2021", "file": upload}).status_code == 302
    )
    document = conference.documents.get()
    page = client_for("qn.vientruong").get(reverse("conference_detail", args=[conference.pk]))
    assert "Báo cáo tổng kết năm 2021" in page.content.decode()
    download = client_for("qn.xem").get(
        reverse("document_download", args=[conference.pk, document.pk])
    )
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4\n"
    assert (
        client_for("hagiang.ksv")
        .get(reverse("document_download", args=[conference.pk, document.pk]))
        .status_code
        == 404
    )
    client = client_for("halong.ksv")
    client.post(reverse("document_delete", args=[conference.pk, document.pk]))
    assert not conference.documents.exists()
    assert AuditEntry.objects.filter(action="meetings.document_delete").count() == 1


def test_partners_and_bridge_points_give_no_access(client_for, units, make_conference) -> None:
    """Quảng Ninh names the Hà Giang court as partner and links Hà Giang as a bridge point:
    Hà Giang's staff still see nothing of it."""
    from kiemsat.org.models import Partner

    conference = make_conference(
        partners=[Partner.objects.get(code="TAND-HA-GIANG")],
        online=True,
        bridge_units=[units["HA-GIANG"]],
    )
    client = client_for("hagiang.ksv")
    assert client.get(reverse("conference_detail", args=[conference.pk])).status_code == 404
    assert conference.title not in client.get(reverse("conference_list")).content.decode()
    assert client.get("/api/conferences").json()["count"] == 0
    assert client.get(f"/api/conferences/{conference.pk}").status_code == 404


def test_parent_leader_opens_every_page_of_a_district_conference(
    client_for, make_conference, units, settings, tmp_path
):  # type: ignore[no-untyped-def]
    """The chief of Quảng Ninh reads and leads what Hạ Long records."""
    from kiemsat.meetings import services, task_services

    settings.MEDIA_ROOT = tmp_path
    conference = make_conference("QUANG-NINH-HA-LONG")
    conclusion = services.conclusion_add(actor=None, conference=conference, text="Kết luận")
    task = task_services.task_add(
        actor=None,
        conclusion=conclusion,
        data=task_services.TaskData(title="Việc", unit=units[HA_LONG], due_on=date(2025, 3, 3)),
    )
    pdf = b"%PDF-1.4\n"
    report = task_services.task_report(
        actor=None,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        note="Đang làm",
        reported_on=date(2025, 1, 24),
        evidence=SimpleUploadedFile("a.pdf", pdf),
    )
    document = services.document_attach(
        actor=None, conference=conference, title="Báo cáo", upload=SimpleUploadedFile("b.pdf", pdf)
    )
    c = conference.pk
    urls = [
        reverse("conference_detail", args=[c]),
        reverse("conference_edit", args=[c]),
        reverse("conference_paper", args=[c, "bien-ban", "docx"]),
        reverse("document_download", args=[c, document.pk]),
        reverse("task_detail", args=[task.pk]),
        reverse("evidence_download", args=[task.pk, report.pk]),
        reverse("task_list") + f"?unit={units[HA_LONG].pk}",
        reverse("conference_list") + f"?unit={units[HA_LONG].pk}",
        reverse("conference_calendar") + "?thang=01/2025",
        f"/api/conferences/{c}",
        f"/api/tasks?unit={HA_LONG}",
    ]
    leader = client_for("qn.vientruong")
    for url in urls:
        assert leader.get(url).status_code == 200, url
    response = leader.post(reverse("conclusion_add", args=[c]), {"text": "Chỉ đạo thêm"})
    assert response.status_code == 302
    assert conference.conclusions.count() == 2
