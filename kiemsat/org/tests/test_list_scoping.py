"""Lists, exports, search, the API lists, Hôm nay and every import, against the scoping
house rule: never a HA-GIANG row for halong.ksv, and an import naming a unit outside the
user's scope is refused whole. The world is ``kiemsat.org.tests.scoping``'s.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from openpyxl import Workbook, load_workbook

from kiemsat.agreements.excel import IMPORT_COLUMNS
from kiemsat.agreements.models import Instrument, InstrumentKind
from kiemsat.agreements.services import instruments as agreements_instruments
from kiemsat.agreements.services import parties as agreements_parties
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.models import Figure, Quota
from kiemsat.lib.excel import first_body_row
from kiemsat.lib.tests.pending import confirm
from kiemsat.org.models import ClusterTerm, Partner, Unit
from kiemsat.org.tests.scoping import (
    HA_GIANG,
    HA_LONG,
    HA_LONG_LIVED,
    MONTH,
    PARTNER,
    RECIPIENT,
    W,
    marker,
    walk,
)
from kiemsat.oversight.excel import IMPORT_COLUMNS as INTERVENTION_COLUMNS
from kiemsat.oversight.models import Intervention

pytestmark = pytest.mark.django_db

# --- (3) lists, exports, search, API, Hôm nay ----------------------------------------------

SECRET = marker(HA_GIANG)
MINE = marker(HA_LONG)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _xlsx_text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    book = load_workbook(io.BytesIO(response.content))
    return " ".join(  # the rows, not the header block that repeats the search typed
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=first_body_row(sheet), values_only=True)
        for cell in row
        if cell is not None
    )


def _leaks(world: W) -> list[str]:
    """What must not show on another unit's page: links to its objects, its name."""
    return [
        reverse("instrument_detail", args=[world["instrument"].pk]),
        reverse("intervention_detail", args=[world["intervention"].pk]),
        reverse("article_detail", args=[world["article"].pk]),
        reverse("press_detail", args=[world["press_item"].pk]),
        reverse("unit_detail", args=[world["unit"].pk]),
        world["unit"].name,
    ]


def test_lists_and_search_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    halong = client_for("halong.ksv")
    leaks = _leaks(worlds[HA_GIANG])
    assert worlds[HA_GIANG]["unit"].name == "VKSND tỉnh Hà Giang"
    for name, query in [
        ("instrument_list", ""),
        ("instrument_list", f"?q={SECRET}"),
        ("instrument_list", f"?partner={Partner.objects.get(code=PARTNER[HA_GIANG]).pk}"),
        ("intervention_list", ""),
        ("intervention_list", f"?q={SECRET}"),
        ("intervention_summary", ""),
        ("article_list", ""),
        ("press_list", ""),
        ("press_list", f"?q={SECRET}"),
        ("unit_tree", ""),
        ("term_list", ""),
        ("indicator_completeness", "?from=2024-12&to=2025-01"),
        ("home", ""),
    ]:
        page = _text(halong.get(reverse(name) + query))
        found = [leak for leak in leaks if leak in page]
        assert not found, (name, query, found)
        if not query:
            assert SECRET not in page, name
    assert MINE in _text(halong.get(reverse("instrument_list")))
    assert MINE in _text(halong.get(reverse("intervention_list")))
    assert MINE in _text(halong.get(reverse("article_list")))
    assert MINE in _text(halong.get(reverse("press_list")))
    hagiang = client_for("hagiang.ksv")
    page = _text(hagiang.get(reverse("instrument_list") + f"?q={SECRET}"))
    assert _leaks(worlds[HA_GIANG])[0] in page
    assert SECRET in _text(hagiang.get(reverse("intervention_list")))
    chooser = _text(client_for("nguoingoai").get(reverse("indicator_dashboard")))
    assert not [leak for leak in leaks if leak in chooser]


def _refused_filter(response) -> str:  # type: ignore[no-untyped-def]
    """A filter naming what the user may not see is an error: no rows, the reason shown."""
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


def test_a_filter_outside_scope_is_an_error(client_for, worlds):  # type: ignore[no-untyped-def]
    halong = client_for("halong.ksv")
    leaks = _leaks(worlds[HA_GIANG])
    own = worlds[HA_LONG]["intervention"]
    foreign = f"unit={worlds[HA_GIANG]['unit'].pk}"
    for url in (
        reverse("intervention_list") + f"?{foreign}",
        reverse("intervention_list") + f"?format=xlsx&{foreign}",
        reverse("intervention_summary") + f"?{foreign}",
    ):
        page = _refused_filter(halong.get(url))
        assert "Không có đơn vị này trong phạm vi của bạn." in page, url
        assert not [leak for leak in leaks if leak in page]
        assert reverse("intervention_detail", args=[own.pk]) not in page  # never unfiltered
    page = _refused_filter(halong.get(reverse("instrument_export") + "?partner=999999"))
    assert MINE not in page
    for url in (f"/api/instruments?unit={HA_GIANG}", f"/api/interventions?unit={HA_GIANG}"):
        response = halong.get(url)
        assert response.status_code == 400, url
        assert response.json() == {
            "detail": f"Không có đơn vị mã '{HA_GIANG}' trong phạm vi của bạn."
        }
    hagiang = client_for("hagiang.ksv")
    assert hagiang.get(f"/api/interventions?unit={HA_GIANG}").json()["count"] == 1


def test_today_shows_only_own_work(client_for, worlds):  # type: ignore[no-untyped-def]
    """Both units' work is long overdue: Hôm nay counts it, its full list shows each unit's
    staff their own."""
    overdue = reverse("today_list") + "?tinh-trang=qua-han"
    assert MINE in _text(client_for("halong.ksv").get(overdue))
    page = _text(client_for("hagiang.ksv").get(overdue))
    assert SECRET in page
    assert MINE not in page + _text(client_for("hagiang.ksv").get(reverse("home")))


def test_exports_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    instruments = _xlsx_text(client.get(reverse("instrument_export")))
    interventions = _xlsx_text(client.get(reverse("intervention_list") + "?format=xlsx"))
    assert MINE in instruments and SECRET not in instruments
    assert MINE in interventions and SECRET not in interventions
    text = _xlsx_text(client.get(reverse("intervention_list") + f"?format=xlsx&q={SECRET}"))
    assert SECRET not in text
    text = _xlsx_text(client.get(reverse("instrument_export") + f"?q={SECRET}"))
    assert SECRET not in text


def test_api_lists_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    instruments = client.get("/api/instruments?limit=500").json()["items"]
    ids = {row["id"] for row in instruments}
    assert worlds[HA_LONG]["instrument"].pk in ids
    assert worlds[HA_GIANG]["instrument"].pk not in ids
    assert client.get(f"/api/instruments?q={SECRET}").json()["count"] == 0
    body = client.get("/api/interventions?limit=500").json()
    ids = {row["id"] for row in body["items"]}
    assert worlds[HA_LONG]["intervention"].pk in ids
    assert worlds[HA_GIANG]["intervention"].pk not in ids
    terms = {row["id"] for row in client.get("/api/emulation/terms").json()["items"]}
    assert terms == {worlds[HA_LONG]["term"].pk}
    outsider = client_for("nguoingoai")
    assert outsider.get("/api/instruments").json()["count"] == 0
    assert outsider.get("/api/interventions").json()["count"] == 0
    assert outsider.get("/api/emulation/terms").json()["count"] == 0


def test_meetings_lists_stay_in_scope(client_for, worlds):  # type: ignore[no-untyped-def]
    """Conferences and tasks: pages, exports and API lists show Hạ Long's, never Hà Giang's,
    whatever the filter asks for; Hà Giang's staff see their own."""
    halong = client_for("halong.ksv")
    theirs = worlds[HA_GIANG]
    leaks = [
        reverse("conference_detail", args=[theirs["conference"].pk]),
        reverse("task_detail", args=[theirs["task"].pk]),
        f"Nhiệm vụ {SECRET}",  # the search box repeats the query itself
        f"tổng kết {SECRET}",
    ]
    other = theirs["unit"]
    for name, query in [
        ("conference_list", ""),
        ("conference_list", f"?q={SECRET}&unit={other.pk}"),
        ("task_list", ""),
        ("task_list", f"?q={SECRET}&unit={other.pk}"),
        ("home", ""),
    ]:
        page = _text(halong.get(reverse(name) + query))
        assert not [leak for leak in leaks if leak in page], (name, query)
    assert MINE in _text(halong.get(reverse("conference_list")))
    assert MINE in _text(halong.get(reverse("task_list")))
    for name in ("conference_list", "task_list"):
        text = _xlsx_text(halong.get(reverse(name) + "?format=xlsx"))
        assert MINE in text and SECRET not in text, name
    for url in ("/api/conferences", "/api/tasks", f"/api/tasks?unit={HA_GIANG}"):
        body = halong.get(url).json()
        assert SECRET not in str(body), url
    assert halong.get("/api/tasks").json()["count"] == 1
    assert client_for("nguoingoai").get("/api/conferences").json()["count"] == 0
    assert SECRET in _text(client_for("hagiang.ksv").get(reverse("task_list")))


def test_api_figures_refuse_other_units(client_for, worlds):  # type: ignore[no-untyped-def]
    client = client_for("halong.ksv")
    before = AuditEntry.objects.count()
    rows = [{"unit_code": HA_GIANG, "period": MONTH, "metric_code": "TB_MOI", "value": 1}]
    response = client.post("/api/figures", data={"rows": rows}, content_type="application/json")
    assert response.status_code == 400
    assert "dòng 1" in " ".join(response.json()["errors"])
    assert AuditEntry.objects.count() == before


def test_completeness_of_another_unit_is_404(client_for, worlds):  # type: ignore[no-untyped-def]
    url = reverse("indicator_completeness") + f"?unit={worlds[HA_GIANG]['unit'].pk}"
    assert client_for("halong.ksv").get(url).status_code == 404
    assert client_for("hagiang.ksv").get(url).status_code == 200


def test_cluster_pages_follow_their_rule(client_for, worlds):  # type: ignore[no-untyped-def]
    """A cluster is readable by whoever reads one of its members (or its managing unit);
    then the whole table is shared, members outside the reader's scope included."""
    cluster_pk = worlds[HA_GIANG]["cluster"].pk
    url = (
        reverse("indicator_cluster", kwargs={"cluster_pk": cluster_pk}) + "?from=2025-01&to=2025-03"
    )
    assert client_for("hagiang.ksv").get(url).status_code == 200
    assert client_for("halong.ksv").get(url).status_code == 404
    term = ClusterTerm.objects.get(cluster=worlds[HA_GIANG]["cluster"])
    term.members.add(worlds[HA_LONG]["unit"])
    page = _text(client_for("halong.ksv").get(url))
    assert "Hà Giang" in page  # documented: the cluster's table is shared within it


def test_files_are_never_public(client, client_for, worlds, settings):  # type: ignore[no-untyped-def]
    """Uploads live under MEDIA_ROOT and leave only through the gated views."""
    attachment = worlds[HA_GIANG]["attachment"]
    iv = worlds[HA_GIANG]["intervention"]
    document = worlds[HA_GIANG]["document"]
    for stored in (attachment.file.name, iv.document.name, document.file.name):
        assert client_for("hagiang.ksv").get(f"/{settings.MEDIA_URL}{stored}").status_code == 404
    assert not any(route.startswith("media") for route, _ in walk(get_resolver().url_patterns))


def _register(owner: str, title: str, *others: str, **fields: Any):  # type: ignore[no-untyped-def]
    units = [Unit.objects.get(code=owner), *(Unit.objects.get(code=c) for c in others)]
    parties = [
        PartyData(unit=u, signatory_name="A", signatory_title="Viện trưởng", is_host=i == 0)
        for i, u in enumerate(units)
    ]
    parties.append(PartyData(partner=Partner.objects.get(code="UBND-HA-LONG"), signatory_name="B"))
    data = InstrumentData(kind=InstrumentKind.PLAN, title=title, **fields)
    return agreements_instruments.instrument_register(actor=None, data=data, parties=parties)


def test_joint_instrument_shows_only_readable_links(client_for, worlds):  # type: ignore[no-untyped-def]
    """Quảng Ninh signs with Hà Giang and directs its districts; Hạ Long signs its own, and
    Quảng Ninh later replaces the joint one. Hà Giang reads the joint instrument but none of
    Quảng Ninh's own: their titles and links stay off its page, and the coverage of Quảng
    Ninh's districts is Quảng Ninh's business (404)."""
    joint = _register(
        "QUANG-NINH",
        "Kế hoạch liên ngành",
        HA_GIANG,
        signed_on=date(2024, 1, 5),
        cascade_due=date(2024, 6, 30),
    )
    derived = _register(
        HA_LONG, f"Kế hoạch thực hiện {MINE}", signed_on=date(2024, 3, 1), parent=joint
    )
    newer = _register(
        "QUANG-NINH", f"Kế hoạch thay thế {MINE}", signed_on=date(2025, 1, 2), replaces=joint
    )
    hagiang = client_for("hagiang.ksv")
    assert hagiang.get(reverse("instrument_detail", args=[derived.pk])).status_code == 404
    assert hagiang.get(reverse("instrument_detail", args=[newer.pk])).status_code == 404
    page = _text(hagiang.get(reverse("instrument_detail", args=[joint.pk])))
    assert MINE not in page
    assert reverse("instrument_detail", args=[derived.pk]) not in page
    assert reverse("instrument_detail", args=[newer.pk]) not in page
    assert hagiang.get(reverse("cascade_coverage", args=[joint.pk])).status_code == 404
    leader = client_for("qn.vientruong")
    page = _text(leader.get(reverse("instrument_detail", args=[joint.pk])))
    assert reverse("instrument_detail", args=[derived.pk]) in page
    assert reverse("instrument_detail", args=[newer.pk]) in page
    page = _text(leader.get(reverse("cascade_coverage", args=[joint.pk])))
    assert reverse("instrument_detail", args=[derived.pk]) in page


# --- (4) every import names only the user's units -----------------------------------------


def _xlsx(header: list[str], *rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in (header, *rows):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _instrument_file(units: str) -> bytes:
    row = {
        "loai": "Kế hoạch phối hợp",
        "ten": f"Kế hoạch nhập từ tệp {MINE}",
        "ngay_ky": "05/01/2025",
        "don_vi": units,
        "nguoi_ky_don_vi": "A;B",
        "co_quan": "UBND-HA-LONG",
        "nguoi_ky_co_quan": "C",
    }
    header = [code for code, _ in IMPORT_COLUMNS]
    return _xlsx(header, [row.get(code, "") for code in header])


def _intervention_file(unit: str) -> bytes:
    row = {
        "unit_code": unit,
        "kind": "Kiến nghị",
        "field": "Hình sự",
        "number": 77,
        "symbol": "KN-VKS",
        "issued_on": "10/01/2025",
        "recipient_code": RECIPIENT[HA_LONG],
        "subject": f"Kiến nghị nhập từ tệp {MINE}",
    }
    header = [code for code, _, _ in INTERVENTION_COLUMNS]
    return _xlsx(header, [row.get(code, "") for code in header])


def _counts() -> tuple[int, ...]:
    return (
        AuditEntry.objects.count(),
        Instrument.objects.count(),
        Intervention.objects.count(),
        Figure.objects.count(),
        Quota.objects.count(),
    )


@pytest.mark.parametrize(
    ("name", "username", "file_name", "content"),
    [
        ("instrument_import", "halong.ksv", "vb.xlsx", _instrument_file(f"{HA_LONG};{HA_GIANG}")),
        ("instrument_import", "halong.ksv", "vb.xlsx", _instrument_file(f"{HA_GIANG};{HA_LONG}")),
        ("instrument_import", "halong.ksv", "vb.xlsx", _instrument_file(HA_GIANG)),
        ("intervention_import", "halong.ksv", "kn.xlsx", _intervention_file(HA_GIANG)),
        (
            "figures_upload",
            "halong.ksv",
            "so-lieu.csv",
            f"unit_code,period,metric_code,value\n{HA_GIANG},{MONTH},TB_MOI,3\n".encode(),
        ),
        (
            "quota_upload",
            "qn.vientruong",
            "chi-tieu.csv",
            f"unit_code,work_year,indicator_code,value\n{HA_GIANG},2025,KN-02,3\n".encode(),
        ),
    ],
    ids=["instrument-list", "instrument-list-first", "instrument", "register", "figures", "quota"],
)
@time_machine.travel(HA_LONG_LIVED, tick=False)
def test_imports_refuse_units_outside_scope(  # type: ignore[no-untyped-def]
    client_for, worlds, name, username, file_name, content
):
    """A file naming a unit the user may not write for is refused with its row, whole."""
    client = client_for(username)
    if name == "quota_upload":
        url = reverse(name, args=[worlds[HA_LONG]["unit"].parent_id, 2025])
    else:
        url = reverse(name)
    before = _counts()
    response = client.post(url, {"file": SimpleUploadedFile(file_name, content)})
    assert response.status_code == 400, (name, response.status_code)
    page = response.content.decode()
    assert "dòng 2" in page, page
    assert _counts() == before
    if name == "figures_upload":  # nothing waits for confirmation either
        assert client.post(reverse("figures_upload_confirm")).status_code in (302, 400)
        assert _counts() == before


@time_machine.travel(HA_LONG_LIVED, tick=False)
def test_an_instrument_import_of_own_units_passes(client_for, worlds):  # type: ignore[no-untyped-def]
    """The same file naming only Hạ Long goes through: the refusal above is the scope's."""
    client = client_for("halong.ksv")
    upload = SimpleUploadedFile("vb.xlsx", _instrument_file(HA_LONG))
    response = confirm(client, client.post(reverse("instrument_import"), {"file": upload}))
    assert response.status_code == 302
    instrument = Instrument.objects.get(title=f"Kế hoạch nhập từ tệp {MINE}")
    assert {p.unit.code for p in instrument.parties.filter(unit__isnull=False)} == {HA_LONG}


def test_party_services_hold_the_form_rule(cast, worlds):  # type: ignore[no-untyped-def]
    """The API and any other caller meet the same rule in the services themselves."""
    instrument = worlds[HA_LONG]["instrument"]
    foreign = PartyData(unit=worlds[HA_GIANG]["unit"], signatory_name="X")
    with pytest.raises(ValidationError) as refused:
        agreements_parties.party_add(actor=cast["halong.ksv"], instrument=instrument, data=foreign)
    assert "Hà Giang" in refused.value.message_dict["unit"][0]
    assert not instrument.parties.filter(unit=worlds[HA_GIANG]["unit"]).exists()
