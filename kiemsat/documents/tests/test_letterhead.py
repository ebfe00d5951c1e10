"""The letterhead never breaks a line inside an organisation's name, in Word or in PDF."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date

import pytest
from docx import Document

from kiemsat.documents.nd30 import (
    NBSP,
    DocumentHead,
    Issuer,
    OfficialDocument,
    expand_unit_name,
)
from kiemsat.documents.pdf import render_pdf

SUPREME = "Viện kiểm sát nhân dân tối cao"
# The longest issuers in the reference data, with the parents they are printed under.
ISSUERS = [
    Issuer(name=SUPREME),
    Issuer(name=expand_unit_name("VKSND tỉnh Quảng Ninh"), parent=SUPREME),
    Issuer(name=expand_unit_name("VKSND thành phố Hạ Long"), parent="VKSND tỉnh Quảng Ninh"),
    Issuer(name=expand_unit_name("VKSND cấp cao tại Thành phố Hồ Chí Minh"), parent=SUPREME),
]


def _head(issuer: Issuer) -> DocumentHead:
    return DocumentHead(
        issuers=[issuer],
        number="",
        symbol="BC-VKS",
        place="Hạ Long",
        day=date(2025, 3, 10),
        type_name="BÁO CÁO",
        summary="Kết quả công tác",
    )


def _name_parts(name: str) -> list[str]:
    """Where a name may break: nowhere, or at the one joint the letterhead chose."""
    from kiemsat.documents.nd30 import head_line

    return head_line(name).text.split(" ")


@pytest.mark.parametrize("issuer", ISSUERS, ids=lambda i: i.name)
def test_the_pdf_letterhead_keeps_each_name_whole(issuer: Issuer) -> None:
    pdf = render_pdf("documents/nd30_base.html", {"head": _head(issuer), "signatures": []})
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    for name in filter(None, [issuer.parent, issuer.name]):
        for part in _name_parts(name):
            whole = part.replace(NBSP, " ")
            assert any(whole in line for line in lines), (whole, lines[:6])
    if issuer.name == SUPREME:
        assert any("VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO" in line for line in lines)
        assert not any(line.strip().startswith("CAO") for line in lines)


@pytest.mark.parametrize("issuer", ISSUERS, ids=lambda i: i.name)
def test_the_word_letterhead_keeps_each_name_in_one_unbreakable_paragraph(issuer: Issuer) -> None:
    doc = Document(io.BytesIO(OfficialDocument(_head(issuer)).to_bytes()))
    cell = doc.tables[0].rows[0].cells[0]
    texts = [p.text for p in cell.paragraphs]
    for name in filter(None, [issuer.parent, issuer.name]):
        wanted = " ".join(_name_parts(name))
        assert wanted in texts  # one paragraph, no manual line break
        assert "\n" not in wanted and wanted.replace(NBSP, " ").replace(" ", "") == (
            name.upper().replace(" ", "")
        )
        paragraph = cell.paragraphs[texts.index(wanted)]
        assert all(run.font.size.pt >= 10 for run in paragraph.runs)
    supreme = " ".join(_name_parts(SUPREME))
    assert supreme == "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO".replace(" ", NBSP)
