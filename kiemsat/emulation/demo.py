"""Cụm thi đua số 6 in the demo (seed 003): its 2021 covenant, an illustrative criteria
table and a scored current-year term. Idempotent: what exists is left alone.

The 2020 and 2021 terms (leaders Thanh Hóa, then Nghệ An with Quảng Trị as deputy) come
from the reference data. The current year's members are the units that carry on the six
provinces after the 2025 mergers; that composition and every point are illustrative.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from kiemsat.agreements.models import Instrument, InstrumentKind, ReviewSchedule
from kiemsat.agreements.services import instruments as agreements_instruments
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.emulation import services, term_services
from kiemsat.emulation.models import Score, TermRecord
from kiemsat.emulation.selectors import sheet_for
from kiemsat.emulation.services import SelfEntry
from kiemsat.emulation.sheets import sheet_load
from kiemsat.lib.periods import work_year_of
from kiemsat.org.access import OrgGraph
from kiemsat.org.models import Cluster, ClusterTerm, Unit

SHEET = Path(__file__).resolve().parent / "data" / "demo_sheet.yaml"
CLUSTER = "CUM-6"
COVENANT_TITLE = "Giao ước thi đua năm 2021 của Cụm thi đua số 6"
ILLUSTRATIVE = (
    "Dữ liệu minh họa: thành phần cụm sau sắp xếp năm 2025 và điểm chấm chưa được công bố; "
    "các đơn vị kế thừa sáu tỉnh của cụm được dùng để trình diễn."
)


def _covenant(term: ClusterTerm) -> Instrument:
    existing = Instrument.objects.filter(kind=InstrumentKind.COVENANT, title=COVENANT_TITLE).first()
    if existing is not None:
        return existing
    members = sorted(term.members.all(), key=lambda u: u.code != "THANH-HOA")
    parties = [
        PartyData(unit=u, signatory_title="Viện trưởng", is_host=u.code == "THANH-HOA")
        for u in members
    ]
    return agreements_instruments.instrument_register(
        actor=None,
        data=InstrumentData(
            kind=InstrumentKind.COVENANT,
            title=COVENANT_TITLE,
            summary="Các đơn vị trong Cụm thi đua số 6 ký kết giao ước thi đua năm 2021 tại hội "
            "nghị tổng kết hoạt động thi đua Cụm năm 2020.",
            signed_on=date(2020, 11, 30),
            place="Thanh Hóa",
            valid_to=date(2021, 11, 30),
            review_schedule=ReviewSchedule.NONE,
            note="Người ký của các bên chưa rõ (bài viết về hội nghị ngày 30-11-2020).",
        ),
        parties=parties,
    )


def _successors(units: list[Unit], day: date) -> list[Unit]:
    """Each unit, or the unit that took it over, as it stands on ``day``."""
    graph = OrgGraph.load()
    taken = {pred: succ for succ, preds in graph.predecessors.items() for pred in preds}
    out: dict[int, Unit] = {}
    for unit in units:
        pk = unit.pk
        while not Unit.objects.get(pk=pk).is_valid_on(day) and pk in taken:
            pk = taken[pk]
        current = Unit.objects.get(pk=pk)
        if current.is_valid_on(day):
            out[pk] = current
    return list(out.values())


def _current_term(cluster: Cluster, year: int, base: ClusterTerm) -> ClusterTerm:
    term = ClusterTerm.objects.filter(cluster=cluster, year=year).first()
    if term is not None:
        return term
    members = _successors(list(base.members.all()), timezone.localdate())
    leader = next(u for u in members if u.code == "HA-TINH")
    term = term_services.term_create(
        actor=None, cluster=cluster, year=year, members=members, leader=leader
    )
    record = TermRecord.objects.get_or_create(term=term)[0]
    record.note = ILLUSTRATIVE
    record.save(update_fields=["note"])
    return term


def _score(term: ClusterTerm) -> None:
    sheet = sheet_for(term)
    if sheet is None or Score.objects.filter(term=term).exists():
        return
    leaves = [c for c in sheet.criteria.order_by("order") if c.is_manual]
    for unit in term.members.order_by("code"):
        rng = random.Random(f"kiemsat-emulation-{unit.code}")
        entries = {
            c.code: SelfEntry(
                str(round(rng.uniform(0.5, 0.95) * float(c.max_points or 0), 1))
                if c.kind != "penalty"
                else str(rng.choice([0, 0, 1, 2])),
                "Minh họa: căn cứ báo cáo tổng kết năm của đơn vị.",
            )
            for c in leaves
        }
        services.scores_self_assess(actor=None, term=term, unit=unit, entries=entries)


@transaction.atomic
def build(stdout: Any) -> None:
    sheet_load(
        actor=None, data=yaml.safe_load(SHEET.read_text(encoding="utf-8")), source=SHEET.name
    )
    cluster = Cluster.objects.filter(code=CLUSTER).first()
    term_2021 = ClusterTerm.objects.filter(cluster=cluster, year=2021).first()
    if cluster is None or term_2021 is None:
        return
    record = TermRecord.objects.filter(term=term_2021).first()
    if record is None or record.covenant_id is None:
        term_services.covenant_link(actor=None, term=term_2021, instrument=_covenant(term_2021))
    year = work_year_of(timezone.localdate())
    current = _current_term(cluster, year, term_2021)
    _score(current)
    stdout.write(
        f"Thi đua minh họa: {cluster.name}, giao ước năm 2021, năm {year} với "
        f"{current.members.count()} đơn vị đã tự chấm điểm."
    )
