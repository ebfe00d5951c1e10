"""A deterministic national-scale dataset for `make bench` (DESIGN §8).

The real organisation of `seed_reference` plus generated local units (11 district units
under each pre-2025 province until 30/6/2025, 10 regional units under each province from
1/7/2025, each district taken over by a regional unit), about 1,100 units across history;
the starter catalogue plus extra metrics (40 in all) and a copy of its indicators in force
from 1/10/2025 (the starter set ends on 30/9/2025); emulation clusters of six provinces for
every work year; quotas; and a figure for every provincial and local unit × every metric ×
every month it existed in work years 2022–2026 (Dec 2021 – Nov 2026), bar 1 % of unit-months
left unreported. Everything comes from `random.Random(SEED)`.

Needs Django set up against the bench database (see `bench.__main__`). Setup is not timed,
so the rows go in with plain executemany.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

from kiemsat.indicators.catalogue import STARTER, catalogue_load, read_catalogue_file
from kiemsat.indicators.models import Figure, Indicator, Metric, Op, Quota
from kiemsat.indicators.providers import derived_codes
from kiemsat.lib.periods import Month, MonthRange
from kiemsat.lib.vn import fold
from kiemsat.org.models import (
    Cluster,
    ClusterKind,
    ClusterTerm,
    Level,
    Succession,
    SuccessionKind,
    Unit,
)
from kiemsat.org.reference import seed_reference

SEED = 20_260_101
WORK_YEARS = range(2022, 2027)
FIRST_MONTH = MonthRange.work_year(WORK_YEARS[0]).start
LAST_MONTH = MonthRange.work_year(WORK_YEARS[-1]).end
MERGE_DAY = date(2025, 7, 1)
DISTRICTS_PER_PROVINCE = 11
REGIONS_PER_PROVINCE = 10
CLUSTER_SIZE = 6
METRIC_COUNT = 40
CATALOGUE_CODE = "BENCH-2025-10"
CATALOGUE_FROM = date(2025, 10, 1)
MISSING_RATE = 0.01
NO_QUOTA_RATE = 0.05
LEVELS = (Level.PROVINCIAL, Level.LOCAL)


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    code: str
    level: str
    parent_id: int | None
    first: int  # month index of the first month with figures
    last: int  # month index of the last month with figures


@dataclass
class Dataset:
    units: list[UnitInfo]
    metrics: dict[str, int]  # code -> pk, the metrics that get figures
    figures: list[tuple[int, int, int, int]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def build_org() -> dict[str, int]:
    """Migrate, seed the real organisation, then add the bench's units, catalogue,
    clusters and quotas. Returns counts."""
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    seed_reference()
    rng = random.Random(SEED)
    with transaction.atomic():
        _load_catalogue()
        _add_local_units()
        terms = _add_clusters()
        quotas = _add_quotas(rng)
        register = _add_register(random.Random(SEED + 3))
    units = Unit.objects.filter(level__in=LEVELS).count()
    return {
        "units": Unit.objects.count(),
        "evaluated_units": units,
        "metrics": Metric.objects.count(),
        "indicators": Indicator.objects.count(),
        "cluster_terms": terms,
        "quotas": quotas,
        "register_entries": register,
    }


# --- catalogue ---------------------------------------------------------------------------


def _load_catalogue() -> None:
    """The starter indicators again from 1/10/2025, and extra metrics no indicator uses."""
    data = read_catalogue_file(STARTER)
    extra = METRIC_COUNT - len(data["metrics"])
    data["catalogue"] = {
        "code": CATALOGUE_CODE,
        "name": "Bộ chỉ tiêu dùng cho đo hiệu năng (bản sao bộ khởi đầu)",
        "basis": "Dữ liệu sinh cho make bench",
        "effective_from": CATALOGUE_FROM.isoformat(),
    }
    data["metrics"] = [
        *data["metrics"],
        *(
            {"code": f"BENCH_M{n:02d}", "aggregation": "sum", "name": f"Số liệu thêm {n}"}
            for n in range(1, extra + 1)
        ),
    ]
    catalogue_load(data=data, source="make bench")


# --- units -------------------------------------------------------------------------------


def _add_local_units() -> None:
    provinces = list(Unit.objects.filter(level=Level.PROVINCIAL).order_by("code"))
    existing = {u.code: u for u in Unit.objects.filter(level=Level.LOCAL)}
    children: dict[int, list[Unit]] = {}
    for unit in existing.values():
        children.setdefault(unit.parent_id or 0, []).append(unit)
    new: list[Unit] = []
    for province in provinces:
        own = children.get(province.pk, [])
        if province.valid_from is None:
            last_day = min(province.valid_to or MERGE_DAY, MERGE_DAY - timedelta(days=1))
            n = DISTRICTS_PER_PROVINCE - sum(1 for u in own if u.valid_from is None)
            new += _local_units(province, "H", "huyện", n, None, last_day, existing)
        if province.valid_to is None:
            first_day = max(province.valid_from or MERGE_DAY, MERGE_DAY)
            n = REGIONS_PER_PROVINCE - sum(1 for u in own if u.valid_from is not None)
            new += _local_units(province, "KV", "khu vực", n, first_day, None, existing)
    Unit.objects.bulk_create(new, batch_size=500)
    _add_regional_successions()


def _local_units(
    province: Unit,
    prefix: str,
    kind: str,
    n: int,
    valid_from: date | None,
    valid_to: date | None,
    existing: dict[str, Unit],
) -> Iterator[Unit]:
    number = 0
    while n > 0:
        number += 1
        code = f"{province.code}-{prefix}{number}"
        if code in existing:
            continue
        n -= 1
        name = f"VKSND {kind} {number} – {province.short_name or province.name}"
        yield Unit(
            code=code,
            name=name,
            short_name=f"{kind.capitalize()} {number}",
            level=Level.LOCAL,
            parent=province,
            province_code=province.province_code,
            valid_from=valid_from,
            valid_to=valid_to,
            name_folded=fold(name),
        )


def _add_regional_successions() -> None:
    """Each district unit without a successor is taken over by a regional unit of the
    province that took over its own province (round robin)."""
    units = {u.pk: u for u in Unit.objects.all()}
    successor: dict[int, int] = dict(
        Succession.objects.values_list("predecessor_id", "successor_id")
    )
    regions: dict[int, list[int]] = {}
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.level == Level.LOCAL and unit.valid_from is not None and unit.parent_id:
            regions.setdefault(unit.parent_id, []).append(unit.pk)
    rows: list[Succession] = []
    position: dict[int, int] = {}
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.level != Level.LOCAL or unit.valid_to is None or unit.pk in successor:
            continue
        province = unit.parent_id
        while province is not None and units[province].valid_to is not None:
            province = successor.get(province)
        targets = regions.get(province or 0)
        if not targets:
            continue
        index = position.get(province or 0, 0)
        position[province or 0] = index + 1
        rows.append(
            Succession(
                predecessor_id=unit.pk,
                successor_id=targets[index % len(targets)],
                kind=SuccessionKind.MERGE,
                date=MERGE_DAY,
                basis="Dữ liệu sinh cho make bench",
            )
        )
    Succession.objects.bulk_create(rows, batch_size=500)


def unit_infos() -> list[UnitInfo]:
    """Provincial and local units with the months (in the bench's five years) they existed."""
    infos = []
    for unit in Unit.objects.filter(level__in=LEVELS).order_by("code"):
        first = max(FIRST_MONTH.index, Month.of(unit.valid_from).index if unit.valid_from else 0)
        last = min(LAST_MONTH.index, Month.of(unit.valid_to).index if unit.valid_to else 10**6)
        if first <= last:
            infos.append(UnitInfo(unit.pk, unit.code, unit.level, unit.parent_id, first, last))
    return infos


# --- clusters and quotas -----------------------------------------------------------------


def _add_clusters() -> int:
    """Clusters of six provinces (by province code) for every work year."""
    terms = 0
    clusters: dict[int, Cluster] = {}
    for year in WORK_YEARS:
        day = MonthRange.work_year(year).last_day()
        provinces = [
            u
            for u in Unit.objects.filter(level=Level.PROVINCIAL).order_by("province_code", "code")
            if u.is_valid_on(day)
        ]
        for number, start in enumerate(range(0, len(provinces), CLUSTER_SIZE), start=1):
            members = provinces[start : start + CLUSTER_SIZE]
            if number not in clusters:
                clusters[number] = Cluster.objects.create(
                    code=f"BENCH-CUM-{number}",
                    name=f"Cụm thi đua số {number} (dữ liệu đo hiệu năng)",
                    number=100 + number,
                    kind=ClusterKind.PROVINCIAL,
                )
            term = ClusterTerm.objects.create(
                cluster=clusters[number],
                year=year,
                leader=members[0],
                deputy=members[1] if len(members) > 1 else None,
            )
            term.members.set(members)
            terms += 1
    return terms


def quota_codes() -> list[str]:
    return sorted(set(Indicator.objects.filter(op=Op.QUOTA).values_list("code", flat=True)))


def _add_quotas(rng: random.Random) -> int:
    codes = quota_codes()
    infos = unit_infos()
    rows = []
    for year in WORK_YEARS:
        months = MonthRange.work_year(year)
        for info in infos:
            if info.last < months.start.index or info.first > months.end.index:
                continue
            for code in codes:
                if rng.random() >= NO_QUOTA_RATE:
                    rows.append(
                        Quota(
                            unit_id=info.pk,
                            indicator_code=code,
                            work_year=year,
                            value=rng.randint(1, 5),
                        )
                    )
    Quota.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- the register behind the derived metrics ----------------------------------------------


def _add_register(rng: random.Random) -> int:
    """Recommendations, prevention recommendations and appeals, about 1.3 a unit-month,
    when the oversight app (the provider of the derived metrics) is installed."""
    if not apps.is_installed("kiemsat.oversight"):
        return 0
    from kiemsat.org.models import Partner
    from kiemsat.oversight.models import Field, Intervention, Kind, Outcome, Source

    recipient = Partner.objects.order_by("code").first()
    if recipient is None:
        return 0
    end = LAST_MONTH.last_day()
    kinds = [
        (Kind.RECOMMENDATION, Field.OTHER, "KN-VKS", 0.7),
        (Kind.PREVENTION, Field.OTHER, "KNPN-VKS", 0.2),
        (Kind.APPEAL, Field.CRIMINAL, "QĐ-VKS-HS", 0.25),
        (Kind.APPEAL, Field.CIVIL, "QĐ-VKS-DS", 0.15),
    ]
    outcomes = [Outcome.ACCEPTED, Outcome.PARTLY, Outcome.REJECTED]
    rows: list[Intervention] = []
    for info in unit_infos():
        numbers: dict[int, int] = {}
        for period in range(info.first, info.last + 1):
            month = Month.from_index(period)
            for kind, field_, symbol, rate in kinds:
                for _ in range(sum(rng.random() < rate / 3 for _ in range(3))):
                    issued = month.first_day() + timedelta(days=rng.randint(0, 27))
                    numbers[issued.year] = numbers.get(issued.year, 0) + 1
                    answered = issued + timedelta(days=rng.randint(5, 90))
                    pending = answered > end or rng.random() < 0.1
                    subject = f"{kind.label} số {numbers[issued.year]} (dữ liệu đo hiệu năng)"
                    rows.append(
                        Intervention(
                            unit_id=info.pk,
                            kind=kind,
                            field=field_,
                            number=numbers[issued.year],
                            symbol=symbol,
                            year=issued.year,
                            issued_on=issued,
                            recipient=recipient,
                            subject=subject,
                            subject_folded=fold(subject),
                            answered_on=None if pending else answered,
                            outcome=Outcome.PENDING
                            if pending
                            else rng.choices(outcomes, weights=[70, 10, 20])[0],
                            source=Source.IMPORT,
                        )
                    )
    Intervention.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- figures -----------------------------------------------------------------------------


def figure_metrics() -> dict[str, int]:
    """Every metric that takes typed figures (not derived), code -> pk."""
    derived = derived_codes()
    return {
        code: pk
        for code, pk in Metric.objects.filter(derived=False).values_list("code", "pk")
        if code not in derived
    }


def generate_figures(units: list[UnitInfo], metrics: dict[str, int]) -> list[tuple[int, ...]]:
    """(unit_id, metric_id, period, value) for every unit-month, ordered like the unique
    index (unit, metric, period) within each unit."""
    rng = random.Random(SEED + 1)
    order = sorted(metrics)
    rows: list[tuple[int, ...]] = []
    for unit in units:
        profile = _Profile(rng, unit.level == Level.PROVINCIAL)
        per_metric: dict[str, list[tuple[int, ...]]] = {code: [] for code in order}
        for period in range(unit.first, unit.last + 1):
            if rng.random() < MISSING_RATE:
                continue
            values = profile.month(rng)
            for code in order:
                value = values.get(code)
                if value is None:
                    value = profile.generic(rng, code)
                per_metric[code].append((unit.pk, metrics[code], period, value))
        for code in order:
            rows.extend(per_metric[code])
    return rows


class _Profile:
    """One unit's size and performance rates; `month` draws a month of figures that land
    around the starter targets, so every status occurs."""

    def __init__(self, rng: random.Random, provincial: bool):
        self.size = rng.uniform(1.5, 4.0) if provincial else rng.uniform(0.4, 2.5)
        self.tb_rate = rng.uniform(0.84, 0.99)
        self.kntc_rate = rng.uniform(0.82, 0.99)
        self.late = rng.uniform(0.0, 0.02)
        self.wrong_charge = rng.uniform(0.0, 0.06)
        self.hs_rate = rng.uniform(0.5, 0.95)
        self.ds_rate = rng.uniform(0.5, 0.95)
        self.kng_rate = rng.uniform(0.6, 1.0)
        self.weights: dict[str, float] = {}

    def _n(self, rng: random.Random, mean: float) -> int:
        return int(mean * self.size * rng.uniform(0.6, 1.4) + 0.5)

    def _share(self, rng: random.Random, total: int, rate: float) -> int:
        return min(total, int(total * rate * rng.uniform(0.95, 1.05) + 0.5))

    def month(self, rng: random.Random) -> dict[str, int]:
        n, share, chance = self._n, self._share, rng.random
        v: dict[str, int] = {}
        v["TB_TON_DAU"] = n(rng, 4)
        v["TB_MOI"] = n(rng, 12)
        v["TB_CHUYEN"] = n(rng, 0.6)
        v["TB_DA_GQ"] = share(
            rng, v["TB_MOI"] - v["TB_CHUYEN"] + v["TB_TON_DAU"] // 6, self.tb_rate
        )
        v["TB_CHUA_GQ"] = n(rng, 4)
        v["TB_QUA_HAN"] = int(chance() < 0.2) * n(rng, 0.3)
        v["TB_KSTT"] = int(chance() < 0.3)
        v["TG_SO_NGUOI"] = int(chance() < 0.9) * n(rng, 8)
        v["TG_QUA_HAN"] = int(chance() < 0.01)
        v["TG_KSTT"] = int(chance() < 0.25)
        v["TT_TRUY_TO"] = n(rng, 6)
        v["TT_DUNG_HAN"] = max(0, v["TT_TRUY_TO"] - int(chance() < self.late))
        v["TT_DA_XET_XU"] = n(rng, 5)
        v["TT_DUNG_TOI_DANH"] = max(0, v["TT_DA_XET_XU"] - int(chance() < self.wrong_charge))
        v["TT_KHONG_PHAM_TOI"] = int(chance() < 0.003)
        v["KNPT_HS_DA_XET"] = int(chance() < 0.7) * n(rng, 0.8)
        v["KNPT_HS_CHAP_NHAN"] = share(rng, v["KNPT_HS_DA_XET"], self.hs_rate)
        v["KNPT_DS_DA_XET"] = int(chance() < 0.6) * n(rng, 0.6)
        v["KNPT_DS_CHAP_NHAN"] = share(rng, v["KNPT_DS_DA_XET"], self.ds_rate)
        v["PT_RKN"] = int(chance() < 0.3)
        v["KNG_BAN_HANH"] = n(rng, 1.5)
        v["KNG_CHAP_NHAN"] = share(rng, v["KNG_BAN_HANH"], self.kng_rate)
        v["KNPN_BAN_HANH"] = int(chance() < 0.2)
        v["KNTC_TON_DAU"] = n(rng, 2)
        v["KNTC_MOI"] = n(rng, 3)
        v["KNTC_DA_GQ"] = share(rng, v["KNTC_MOI"] + v["KNTC_TON_DAU"] // 6, self.kntc_rate)
        return v

    def generic(self, rng: random.Random, code: str) -> int:
        weight = self.weights.get(code)
        if weight is None:
            weight = self.weights[code] = rng.uniform(0.2, 10.0)
        return self._n(rng, weight)


def write_figures(rows: list[tuple[int, ...]]) -> None:
    """Plain executemany into the figures table (setup, not timed)."""
    table = Figure._meta.db_table
    now = datetime(2026, 12, 1, tzinfo=UTC).isoformat()
    insert = (
        f"INSERT INTO {table} (unit_id, metric_id, period, value, source, updated_at) "  # noqa: S608
        "VALUES (%s, %s, %s, %s, 'import', %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(insert, [(*r, now) for r in rows[start : start + 50_000]])


def build_figures() -> Dataset:
    units = unit_infos()
    metrics = figure_metrics()
    rows = generate_figures(units, metrics)
    write_figures(rows)
    return Dataset(units, metrics, rows, {"figures": len(rows)})


def write_csv(path: Path, data: Dataset, n_rows: int) -> int:
    """`n_rows` distinct figures of the dataset (a deterministic sample, in file order
    unit, month, metric) as an import file with the import_figures header."""
    rng = random.Random(SEED + 2)
    chosen = sorted(rng.sample(range(len(data.figures)), min(n_rows, len(data.figures))))
    units = {u.pk: u.code for u in data.units}
    metrics = {pk: code for code, pk in data.metrics.items()}
    picked = sorted((data.figures[i] for i in chosen), key=lambda r: (r[0], r[2], r[1]))
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(("unit_code", "period", "metric_code", "value"))
        writer.writerows(
            (units[u], str(Month.from_index(p)), metrics[m], v) for u, m, p, v in picked
        )
    return len(picked)


__all__ = [
    "Dataset",
    "UnitInfo",
    "build_figures",
    "build_org",
    "figure_metrics",
    "unit_infos",
    "write_csv",
]
