"""Group and unit dashboards are cached by the data revision: faster, fresh after writes,
still gated."""

from __future__ import annotations

import contextlib

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from kiemsat.audit.models import DataRevision
from kiemsat.audit.services import bump_revision
from kiemsat.indicators import imports, quota_services, services
from kiemsat.indicators.cache import cache_key, cached, data_revision
from kiemsat.indicators.models import Figure, Metric
from kiemsat.indicators.quota_imports import QuotaRow
from kiemsat.lib.periods import MonthRange
from kiemsat.org.models import Cluster, ClusterKind, ClusterTerm

pytestmark = pytest.mark.django_db

LOCMEM = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kiemsat-test-cache",
    }
}
RANGE = {"from": "2020-12", "to": "2021-11"}
MONTHS = MonthRange.parse("2020-12", "2021-11")


@pytest.fixture(autouse=True)
def _locmem():  # type: ignore[no-untyped-def]
    """A memory cache of these tests' own, emptied around each test: audit ids (so data
    revisions) repeat across tests, whose transactions are rolled back."""
    with override_settings(CACHES=LOCMEM):
        cache.clear()
        yield
        cache.clear()


def put(unit, values: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    metrics = {m.code: m for m in Metric.objects.filter(code__in=values)}
    Figure.objects.bulk_create(
        Figure(unit=unit, metric=metrics[code], period=month.index, value=value)
        for month in MONTHS
        for code, value in values.items()
    )


@pytest.fixture
def cluster(units):  # type: ignore[no-untyped-def]
    cluster = Cluster.objects.create(
        code="CUM-THU", name="Cụm thi đua thử", number=99, kind=ClusterKind.PROVINCIAL
    )
    term = ClusterTerm.objects.create(cluster=cluster, year=2021, leader=units["QUANG-NINH"])
    term.members.add(units["QUANG-NINH"], units["HA-GIANG"])
    # Hà Giang's TB-01 over the year: 120 / (0 + 120 - 0) = 100%.
    put(units["HA-GIANG"], {"TB_TON_DAU": 0, "TB_MOI": 10, "TB_CHUYEN": 0, "TB_DA_GQ": 10})
    return cluster


def page(client_for, username: str, cluster: Cluster) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = client_for(username).get(reverse("indicator_cluster", args=[cluster.pk]), RANGE)
    return response.status_code, response.content.decode()


def test_revision_follows_audited_writes(cast, units):
    before = data_revision()
    quota_services.quota_set(
        actor=cast["admin"], unit=units["HA-GIANG"], indicator_code="TB-03", work_year=2021, value=5
    )
    assert data_revision() > before


def test_cached_builds_once_per_revision_and_key():
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    assert cached(("k", 1), build, revision=(7, 1)) == 1
    assert cached(("k", 1), build, revision=(7, 1)) == 1
    assert cached(("k", 2), build, revision=(7, 1)) == 2
    assert cached(("k", 1), build, revision=(8, 1)) == 3
    assert cached(("k", 1), build, revision=(8, 2)) == 4
    one, other = frozenset({3, 1, 2}), frozenset({2, 3, 1})
    assert cache_key(("s", one), (1, 1)) == cache_key(("s", other), (1, 1))


def test_each_commit_counts_once_committed(cast, units, django_capture_on_commit_callbacks):
    top, counted = data_revision()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        quota_services.quota_set(
            actor=cast["admin"], unit=units["HA-GIANG"], indicator_code="TB-03", work_year=2021,
            value=5,
        )  # fmt: skip
    assert len(callbacks) == 1
    new_top, new_counted = data_revision()
    assert new_top > top and new_counted == counted + 1
    assert DataRevision.objects.get(pk=1).number == counted + 1


def test_a_rolled_back_write_counts_nothing(cast, units, django_capture_on_commit_callbacks):
    before = data_revision()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        quota_services.quota_set(
            actor=cast["admin"], unit=units["HA-GIANG"], indicator_code="TB-03", work_year=2021,
            value=5,
        )  # fmt: skip
        raise RuntimeError
    assert data_revision() == before


def set_quota(admin, unit, code: str) -> None:  # type: ignore[no-untyped-def]
    quota_services.quota_set(actor=admin, unit=unit, indicator_code=code, work_year=2021, value=5)


def test_a_commit_of_many_rows_counts_once(cast, units, django_capture_on_commit_callbacks):
    _, counted = data_revision()
    codes = ["TB-03", "KN-02", "TG-02"]
    rows = [QuotaRow(line, "HA-GIANG", 2021, code, 5) for line, code in enumerate(codes, 1)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = quota_services.quotas_set(actor=cast["admin"], rows=rows)
    assert result.created == 3
    assert len(callbacks) == 1
    assert data_revision()[1] == counted + 1


def test_a_write_undone_to_its_savepoint_leaves_the_next_one_counted(
    cast, units, django_capture_on_commit_callbacks
):
    _, counted = data_revision()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            set_quota(cast["admin"], units["HA-GIANG"], "TB-03")
            raise RuntimeError
        set_quota(cast["admin"], units["HA-GIANG"], "KN-02")
    assert len(callbacks) == 1
    assert data_revision()[1] == counted + 1


def test_a_commit_that_lands_below_the_highest_id_still_changes_the_revision():
    """On PostgreSQL a transaction holding id 100 can commit after one holding 101: the
    highest id stays 101, only the commit counter tells the cache that data changed."""
    calls: list[int] = []
    revision = data_revision()
    assert cached(("late",), lambda: calls.append(1) or len(calls), revision=revision) == 1
    bump_revision()  # what the late transaction's commit does
    assert data_revision() == (revision[0], revision[1] + 1)
    assert cached(("late",), lambda: calls.append(1) or len(calls)) == 2


def test_second_request_is_served_from_the_cache(
    client_for, cluster, django_assert_max_num_queries
):
    client = client_for("hagiang.ksv")
    url = reverse("indicator_cluster", args=[cluster.pk])
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url, RANGE)
    assert first.status_code == 200
    assert "100,0%" in first.content.decode()
    # Session, user, whether the user has a second factor, the gate (cluster, memberships,
    # org graph fingerprint, members), the data revision and the header's note on the
    # user's ended unit (its memberships and successors): nothing that grows with the
    # members or the indicators.
    with django_assert_max_num_queries(11) as second_queries:
        second = client.get(url, RANGE)
    assert second.status_code == 200
    assert len(second_queries) < len(first_queries)
    assert _numbers(second.content.decode()) == _numbers(first.content.decode())


def _numbers(html: str) -> str:
    """The page below the site header (the header carries a per-request token)."""
    return html[html.index("<main") :]


def test_a_write_through_a_service_shows_at_once(client_for, units, cluster):
    before = page(client_for, "hagiang.ksv", cluster)[1]
    assert "95,8%" not in before
    # One month's solved cases down from 10 to 5: 115 / 120 = 95,8%.
    row = imports.RawRow(1, "HA-GIANG", "2021-01", "TB_DA_GQ", 5)
    services.figures_import(actor=None, rows=[row])
    assert "95,8%" in page(client_for, "hagiang.ksv", cluster)[1]


def test_a_quota_set_shows_at_once(client_for, cast, units, cluster):
    put(units["HA-GIANG"], {"TB_KSTT": 1})  # TB-03 (≥ quota) arises once a quota is set
    assert "1/1 chỉ tiêu đạt" in page(client_for, "hagiang.ksv", cluster)[1]
    quota_services.quota_set(
        actor=cast["admin"],
        unit=units["HA-GIANG"],
        indicator_code="TB-03",
        work_year=2021,
        value=20,
    )
    assert "1/2 chỉ tiêu đạt" in page(client_for, "hagiang.ksv", cluster)[1]


@pytest.mark.parametrize("outsider", ["halong.ksv", "nguoingoai"])
def test_outsider_gets_404_when_the_page_is_cached(client_for, cluster, outsider):
    assert page(client_for, "hagiang.ksv", cluster)[0] == 200
    assert page(client_for, "hagiang.ksv", cluster)[0] == 200
    assert page(client_for, outsider, cluster)[0] == 404


def test_member_links_follow_the_reader_not_the_cache(client_for, units, cluster):
    qn = reverse("indicator_unit", args=[units["QUANG-NINH"].pk])
    hg = reverse("indicator_unit", args=[units["HA-GIANG"].pk])
    text = page(client_for, "hagiang.ksv", cluster)[1]
    assert hg in text and qn not in text
    text = page(client_for, "qn.vientruong", cluster)[1]
    assert qn in text and hg not in text
    text = page(client_for, "admin", cluster)[1]
    assert qn in text and hg in text


def test_exports_reuse_the_cached_evaluation(client_for, cluster):
    assert page(client_for, "hagiang.ksv", cluster)[0] == 200
    url = reverse("indicator_cluster", args=[cluster.pk])
    response = client_for("hagiang.ksv").get(url, {**RANGE, "format": "xlsx"})
    assert response.status_code == 200
    assert client_for("nguoingoai").get(url, {**RANGE, "format": "xlsx"}).status_code == 404


def test_the_unit_dashboard_is_evaluated_once_per_revision(client_for, units, cluster):
    """Its evaluations are the same for every reader; a write through a service shows at
    once, and the gate still answers for each reader."""
    url = reverse("indicator_unit", args=[units["HA-GIANG"].pk])
    client = client_for("hagiang.ksv")
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url, RANGE)
    assert first.status_code == 200
    assert "100,0%" in first.content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url, RANGE)
    assert len(second_queries) < len(first_queries)
    assert not [q for q in second_queries if "indicators_figure" in q["sql"]]
    assert _numbers(second.content.decode()) == _numbers(first.content.decode())
    row = imports.RawRow(1, "HA-GIANG", "2021-01", "TB_DA_GQ", 5)
    services.figures_import(actor=None, rows=[row])
    assert "95,8%" in client.get(url, RANGE).content.decode()
    assert client_for("halong.ksv").get(url, RANGE).status_code == 404
