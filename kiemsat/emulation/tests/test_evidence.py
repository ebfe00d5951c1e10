"""Evidence files of a member's manual leaves: checked on the way in, served only through
the sheet's gate, gone from disk when deleted, every step audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kiemsat.audit.models import AuditEntry
from kiemsat.emulation import services
from kiemsat.emulation.models import EvidenceFile, Score

pytestmark = pytest.mark.django_db
HA_LONG = "QUANG-NINH-HA-LONG"
PDF = b"%PDF-1.4\n% bien ban kiem tra ho so\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _url(term, unit, name: str, *extra: int) -> str:  # type: ignore[no-untyped-def]
    return reverse(name, args=[term.pk, unit.pk, *extra])


def _upload(name: str = "bien-ban.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _state(media: Path):  # type: ignore[no-untyped-def]
    files = sorted(p.name for p in Path(media).rglob("*") if p.is_file())
    return (
        list(EvidenceFile.objects.values_list("pk", flat=True)),
        files,
        AuditEntry.objects.count(),
    )


def _add(term, units):  # type: ignore[no-untyped-def]
    return services.evidence_add(
        actor=None, term=term, unit=units[HA_LONG], code="1.2", upload=_upload()
    )


def test_member_uploads_and_everyone_in_the_cluster_downloads(term, units, client_for, media):
    halong = units[HA_LONG]
    client = client_for("halong.ksv")
    assert "Tải tệp minh chứng" in client.get(_url(term, halong, "term_member")).content.decode()
    response = client.post(
        _url(term, halong, "term_evidence_add"),
        {"evidence-criterion": "1.2", "evidence-file": _upload()},
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.score.criterion.code, evidence.score.unit, evidence.size) == (
        "1.2",
        halong,
        len(PDF),
    )
    assert evidence.content_type == "application/pdf" and evidence.uploaded_by is not None
    entry = AuditEntry.objects.get(action="emulation.evidence_add")
    assert entry.changes["file"] == "bien-ban.pdf" and entry.changes["criterion"] == "1.2"
    page = client.get(_url(term, halong, "term_member")).content.decode()
    assert "bien-ban.pdf" in page
    url = _url(term, halong, "term_evidence_download", evidence.pk)
    for username in ("halong.ksv", "qn.vientruong", "qn.xem"):
        got = client_for(username).get(url)
        assert got.status_code == 200, username
        assert b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]


def test_outsiders_get_404_and_viewers_403(term, units, client_for, media):
    halong = units[HA_LONG]
    evidence = _add(term, units)
    before = _state(media)
    for username in ("hagiang.ksv", "nguoingoai"):
        client = client_for(username)
        assert client.get(
            _url(term, halong, "term_evidence_download", evidence.pk)
        ).status_code == (404)
        for url in (
            _url(term, halong, "term_evidence_add"),
            _url(term, halong, "term_evidence_delete", evidence.pk),
        ):
            post = client.post(url, {"evidence-criterion": "1.2", "evidence-file": _upload()})
            assert post.status_code == 404, (username, url)
    viewer = client_for("qn.xem")
    for url in (
        _url(term, halong, "term_evidence_add"),
        _url(term, halong, "term_evidence_delete", evidence.pk),
    ):
        assert (
            viewer.post(url, {"evidence-criterion": "1.2", "evidence-file": _upload()}).status_code
            == 403
        )
    # another member's file is not reachable under this member's sheet
    campha = units["QUANG-NINH-CAM-PHA"]
    assert (
        client_for("halong.ksv")
        .get(_url(term, campha, "term_evidence_download", evidence.pk))
        .status_code
        == 404
    )
    assert _state(media) == before


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("bien-ban.docx", PDF, "1.2", "chỉ nhận bản quét PDF, JPG hoặc PNG"),
        ("bien-ban.pdf", b"MZ\x90\x00 not a pdf", "1.2", "như phần mở rộng .pdf"),
        ("bien-ban.pdf", PDF, "1.1", "Chỉ chọn được tiêu chí chấm theo minh chứng"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    term, units, client_for, media, name, content, code, message
):
    before = _state(media)
    response = client_for("halong.ksv").post(
        _url(term, units[HA_LONG], "term_evidence_add"),
        {"evidence-criterion": code, "evidence-file": _upload(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state(media) == before
    assert not Score.objects.exists()


def test_locked_year_refuses_new_evidence(term, units, media):
    services.scores_lock(actor=None, term=term)
    before = _state(media)
    with pytest.raises(Exception, match="đã được duyệt và khóa"):
        _add(term, units)
    assert _state(media) == before


def test_delete_removes_the_row_and_the_file(
    term, units, client_for, media, django_capture_on_commit_callbacks
):
    evidence = _add(term, units)
    stored = Path(evidence.file.path)
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("halong.ksv").post(
            _url(term, units[HA_LONG], "term_evidence_delete", evidence.pk)
        )
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists() and not stored.exists()
    entry = AuditEntry.objects.get(action="emulation.evidence_delete")
    assert entry.changes == {"criterion": "1.2", "file": "bien-ban.pdf"}
