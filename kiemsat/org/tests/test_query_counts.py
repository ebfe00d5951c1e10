"""Query counts of every dashboard, every list and "Hôm nay", pinned.

Each page is read by a leader of VKSND tỉnh Quảng Ninh (the nation by the sector admin),
then read again after another province (Hà Giang) got figures and records of every kind:
the count must be exactly the same. The org graph and the work calendar are read once per
request, however many selectors ask for them.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from kiemsat.agreements.models import InstrumentKind
from kiemsat.agreements.services import instruments as agreements_instruments
from kiemsat.indicators.models import Figure, Metric
from kiemsat.ingest import services as ingest_services
from kiemsat.ingest.models import PressKind
from kiemsat.lib.periods import MonthRange
from kiemsat.meetings import services as meeting_services
from kiemsat.meetings.models import Kind as ConferenceKind
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm, Partner, Unit
from kiemsat.oversight import services as oversight_services
from kiemsat.oversight.models import DeadlineRule
from kiemsat.oversight.models import Field as OversightField
from kiemsat.oversight.models import Kind as InterventionKind

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 14, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
MONTHS = MonthRange.parse("2024-12", "2025-02")
RANGE = {"from": "2024-12", "to": "2025-02"}
QN, HA_LONG, OTHER, PARTNER_IN_CLUSTER = "QUANG-NINH", "QUANG-NINH-HA-LONG", "HA-GIANG", "THANH-HOA"
VALUES = {"TB_TON_DAU": 10, "TB_MOI": 20, "TB_CHUYEN": 1, "TB_DA_GQ": 18}


def put_figures(unit: Unit) -> None:
    metrics = {m.code: m for m in Metric.objects.filter(code__in=VALUES)}
    Figure.objects.bulk_create(
        Figure(unit=unit, metric=metrics[code], period=month.index, value=value)
        for month in MONTHS
        for code, value in VALUES.items()
    )


def add_records(unit: Unit, n: int) -> None:
    """``n`` records of every register, figures and a cluster term of ``unit``."""
    put_figures(unit)
    partner = Partner.objects.order_by("pk").first()
    assert partner is not None
    rule = DeadlineRule.objects.order_by("pk").first()
    for i in range(n):
        agreements_instruments.instrument_register(
            actor=None,
            data=agreements_instruments.InstrumentData(
                kind=InstrumentKind.PROGRAMME,
                title=f"Chương trình phối hợp số {i + 1}",
                signed_on=date(2025, 1, 10 + i),
            ),
            parties=[
                agreements_instruments.PartyData(
                    unit=unit,
                    signatory_name="Lê Văn A",
                    signatory_title="Viện trưởng",
                    is_host=True,
                ),
                agreements_instruments.PartyData(
                    partner=partner, signatory_name="Trần Văn B", signatory_title="Chủ tịch"
                ),
            ],
        )
        oversight_services.intervention_register(
            actor=None,
            unit=unit,
            data=oversight_services.Registration(
                kind=InterventionKind.RECOMMENDATION,
                field=OversightField.CRIME_REPORTS,
                number=100 + i,
                symbol="KN-VKS",
                issued_on=date(2025, 1, 14),
                recipient=partner,
                subject="Kiến nghị khắc phục vi phạm",
                rule=rule,
                received_on=date(2025, 1, 16),
            ),
        )
        meeting_services.conference_record(
            actor=None,
            unit=unit,
            data=meeting_services.ConferenceData(
                kind=ConferenceKind.YEAR_LAUNCH,
                title=f"Hội nghị số {i + 1}",
                held_on=date(2025, 1, 20 + i),
                place="Hội trường",
            ),
        )
        ingest_services.press_item_register(
            actor=None,
            unit=unit,
            data=ingest_services.PressData(
                kind=PressKind.REQUEST,
                subject=f"Yêu cầu cung cấp thông tin số {i + 1}",
                responsible_unit=unit,
                received_on=date(2025, 3, 3 + i),
                working_days=5,
            ),
        )
    cluster = Cluster.objects.create(
        code=f"CUM-KHAC-{unit.pk}", name="Cụm khác", number=98, kind=ClusterKind.PROVINCIAL
    )
    ClusterTerm.objects.create(cluster=cluster, year=2025, leader=unit).members.add(unit)


@pytest.fixture
def world(units):  # type: ignore[no-untyped-def]
    """Quảng Ninh's own records, and a cluster of Quảng Ninh and Thanh Hóa for 2025."""
    with time_machine.travel(NOW, tick=False):
        put_figures(units[HA_LONG])
        add_records(units[QN], 1)
        cluster = Cluster.objects.create(
            code="CUM-THU", name="Cụm thi đua thử", number=99, kind=ClusterKind.PROVINCIAL
        )
        term = ClusterTerm.objects.create(cluster=cluster, year=2025, leader=units[QN])
        term.members.add(units[QN], units[PARTNER_IN_CLUSTER])
        yield {"cluster": cluster, **units}


def pages(world) -> dict[str, tuple[str, str, dict[str, str]]]:  # type: ignore[no-untyped-def]
    """Page name → (who reads it, its address, its query)."""
    qn, halong = world[QN].pk, world[HA_LONG].pk
    leader = "qn.vientruong"
    return {
        "today": (leader, reverse("home"), {}),
        "unit_dashboard": (leader, reverse("indicator_unit", args=[halong]), RANGE),
        "province_dashboard": (leader, reverse("indicator_province", args=[qn]), RANGE),
        "cluster_dashboard": (
            leader,
            reverse("indicator_cluster", args=[world["cluster"].pk]),
            RANGE,
        ),
        "nation_dashboard": ("admin", reverse("indicator_nation"), RANGE),
        "completeness": (leader, reverse("indicator_completeness"), RANGE),
        "figures": (leader, reverse("indicator_figures", args=[halong]), RANGE),
        "figures_entry": (leader, reverse("figures_entry", args=[halong]), {}),
        "quotas": (leader, reverse("quota_grid", args=[qn, 2025]), {}),
        "agreements": (leader, reverse("instrument_list"), {}),
        "oversight": (leader, reverse("intervention_list"), {}),
        "emulation": (leader, reverse("term_list"), {}),
        "meetings": (leader, reverse("conference_list"), {}),
        "press": (leader, reverse("press_list"), {}),
        "articles": (leader, reverse("article_list"), {}),
        "clusters": (leader, reverse("cluster_list"), {}),
        "units": (leader, reverse("unit_tree"), {}),
    }


# Page → queries of (a first read, the same read again, a first read once another
# province has records of every kind). A first read builds what the data cache keeps;
# each later request reads it back.
QUERIES = {
    "today": (25, 25, 25),
    "unit_dashboard": (30, 11, 30),
    "province_dashboard": (20, 8, 20),
    "cluster_dashboard": (22, 9, 22),
    "nation_dashboard": (20, 7, 20),
    "completeness": (8, 8, 8),
    "figures": (13, 13, 13),
    "figures_entry": (11, 11, 11),
    "quotas": (11, 11, 11),
    "agreements": (12, 12, 12),
    "oversight": (13, 13, 13),
    "emulation": (8, 8, 8),
    "meetings": (10, 10, 10),
    "press": (10, 10, 10),
    "articles": (7, 7, 7),
    "clusters": (10, 10, 10),
    "units": (7, 7, 7),
}


@pytest.mark.parametrize("name", QUERIES)
def test_queries_are_pinned_and_do_not_grow_with_other_units(
    name, world, client_for, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    first, again, grown = QUERIES[name]
    who, url, query = pages(world)[name]
    with time_machine.travel(NOW, tick=False):
        client = client_for(who)
        assert client.get(url, query).status_code == 200  # the session, per-process caches
        cache.clear()
        with django_assert_num_queries(first):
            assert client.get(url, query).status_code == 200
        with django_assert_num_queries(again):
            assert client.get(url, query).status_code == 200
        add_records(world[OTHER], 2)
        cache.clear()
        with django_assert_num_queries(grown):
            assert client.get(url, query).status_code == 200
