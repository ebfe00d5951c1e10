"""The real organisation: procuracy units, successions, partners and emulation clusters.

Provinces come from the ``vietnam-provinces`` package (63 legacy provinces, 34 new ones
and its old -> new table); everything the package cannot know is in ``org/data/*.yaml``.

Unit codes are stable uppercase ASCII slugs of the place name ("Hà Giang" -> ``HA-GIANG``):

- ``VKSTC`` for the supreme procuracy; ``CC-HA-NOI``, ``CC-DA-NANG``, ``CC-HCM`` for the
  appellate ones (ended 30/6/2025).
- ``<PROVINCE>`` for a pre-2025 provincial unit (``HA-GIANG``, ``TUYEN-QUANG``), valid until
  30/6/2025. A province untouched by the 2025 merger (one legacy source with the same
  name) is a single unit with no end: ``QUANG-NINH``, ``THANH-HOA``, ``HUE``.
- ``<PROVINCE>-2025`` for a provincial unit formed by the merger on 1/7/2025
  (``TUYEN-QUANG-2025``); each old unit has a ``merge`` succession to it.
- ``<PROVINCE>-<DISTRICT>`` for a district-level unit (``QUANG-NINH-HA-LONG``) and
  ``<PROVINCE>-KV<N>`` for a regional one (``QUANG-NINH-KV3``).
- A renamed unit keeps a separate row under its old code (``THUA-THIEN-HUE`` -> ``HUE``).

``seed_reference()`` is idempotent: rows are matched by code (successions by their pair,
cluster terms by cluster and year); only rows it creates or changes get a ``seed`` audit
row.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from vietnam_provinces import Province, ProvinceCode
from vietnam_provinces import _ward_conversion_2025 as ward_conversion
from vietnam_provinces._province_conversion_2025 import EFFECTIVE_DATE, NEW_TO_OLD, OLD_TO_NEW
from vietnam_provinces.legacy import District
from vietnam_provinces.legacy import Province as LegacyProvince
from vietnam_provinces.legacy import VietNamDivisionType as LegacyDivisionType
from vietnam_provinces.legacy.codes import ProvinceCode as LegacyProvinceCode

from kiemsat.audit.services import diff, record
from kiemsat.lib.vn import fold
from kiemsat.org import plugins
from kiemsat.org.models import (
    Cluster,
    ClusterTerm,
    Level,
    Partner,
    Succession,
    SuccessionKind,
    Unit,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
MERGE_DATE = date.fromisoformat(EFFECTIVE_DATE)
LAST_DAY_BEFORE_MERGE = MERGE_DATE - timedelta(days=1)


Tally = Counter[str]

_PREFIXES = ("Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã ")


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    short_name: str
    level: str
    parent: str | None
    province_code: int | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class SuccessionRow:
    predecessor: str
    successor: str
    kind: str
    date: date
    basis: str


# --- facts -------------------------------------------------------------------------------


@cache
def load_data(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def bare_name(name: str) -> str:
    """Drop the division word: "Tỉnh Hà Giang" -> "Hà Giang"."""
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name.removeprefix(prefix)
    return name


def slug(name: str) -> str:
    """Stable uppercase ASCII code: "Bà Rịa - Vũng Tàu" -> "BA-RIA-VUNG-TAU"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-").upper()


@cache
def main_successor(old_code: int) -> int:
    """The new province that took over an old one.

    When an old province's wards went to several new provinces (Tiền Giang: 164 wards to
    Đồng Tháp, 1 to Tây Ninh), the one that received most of them; on a tie, the one the
    package lists first.
    """
    candidates = [ref.code for ref in OLD_TO_NEW[old_code].new_provinces]
    if len(candidates) == 1:
        return candidates[0]
    wards = _ward_counts(old_code)
    return max(candidates, key=lambda code: wards[code])


def _ward_counts(old_code: int) -> Counter[int]:
    counts: Counter[int] = Counter()
    for entry in ward_conversion.OLD_TO_NEW.values():
        if entry.old_ward.province_code == old_code:
            counts.update(ref.province_code for ref in entry.new_wards)
    return counts


def predecessors_of(new_code: int) -> list[int]:
    """Old provinces whose main successor is ``new_code``, in the package's order."""
    olds = [ref.code for ref in NEW_TO_OLD[new_code].old_provinces]
    return [old for old in olds if main_successor(old) == new_code]


def is_unchanged(new: Province) -> bool:
    """One legacy source with the same name: the same unit before and after 1/7/2025."""
    sources = [ref.code for ref in NEW_TO_OLD[new.code.value].old_provinces]
    if len(sources) != 1:
        return False
    old = LegacyProvince.from_code(LegacyProvinceCode(sources[0]))
    return bare_name(old.name) == bare_name(new.name)


def _provincial_name(place: str, is_city: bool) -> str:
    return f"VKSND {'thành phố' if is_city else 'tỉnh'} {place}"


# --- unit rows (pure) --------------------------------------------------------------------


def unit_rows() -> list[UnitRow]:
    """Every unit, parents before children."""
    return [
        *_top_rows(),
        *_old_province_rows(),
        *_new_province_rows(),
        *_rename_rows(),
        *_district_rows(),
        *_regional_rows(),
    ]


def _top_rows() -> Iterator[UnitRow]:
    org = load_data("org.yaml")
    supreme = org["supreme"]
    yield UnitRow(supreme["code"], supreme["name"], supreme["short_name"], Level.SUPREME, None)
    for item in org["appellate"]:
        yield UnitRow(
            item["code"],
            item["name"],
            item["short_name"],
            Level.APPELLATE,
            supreme["code"],
            valid_to=item.get("valid_to"),
        )


def _old_province_rows() -> Iterator[UnitRow]:
    """Pre-2025 provinces that did not carry on unchanged; they end on 30/6/2025."""
    for old in LegacyProvince.iter_all():
        new = Province.from_code(ProvinceCode(main_successor(old.code.value)))
        if is_unchanged(new):
            continue
        place = bare_name(old.name)
        is_city = old.division_type == LegacyDivisionType.THANH_PHO_TRUNG_UONG
        yield _provincial_row(
            slug(place), place, is_city, old.code.value, None, LAST_DAY_BEFORE_MERGE
        )


def _new_province_rows() -> Iterator[UnitRow]:
    """The 34 provinces from 1/7/2025; an unchanged one starts at its rename, if any."""
    org = load_data("org.yaml")
    cities = set(org["reorganisation"]["cities"])
    renamed = {item["province_code"]: item["date"] for item in org["renames"]}
    for new in Province.iter_all():
        place = bare_name(new.name)
        code, valid_from = slug(place), renamed.get(new.code.value)
        if not is_unchanged(new):
            code, valid_from = f"{code}-{MERGE_DATE.year}", MERGE_DATE
        is_city = new.code.value in cities
        yield _provincial_row(code, place, is_city, new.code.value, valid_from, None)


def _provincial_row(
    code: str,
    place: str,
    is_city: bool,
    province_code: int,
    valid_from: date | None,
    valid_to: date | None,
) -> UnitRow:
    supreme = load_data("org.yaml")["supreme"]["code"]
    name = _provincial_name(place, is_city)
    return UnitRow(
        code, name, place, Level.PROVINCIAL, supreme, province_code, valid_from, valid_to
    )


def _rename_rows() -> Iterator[UnitRow]:
    """The old unit of a renamed province; the new unit is its province's row."""
    supreme = load_data("org.yaml")["supreme"]["code"]
    for item in load_data("org.yaml")["renames"]:
        yield UnitRow(
            item["code"],
            item["name"],
            item["short_name"],
            Level.PROVINCIAL,
            supreme,
            item["province_code"],
            valid_to=item["date"] - timedelta(days=1),
        )


def _renamed_unit_code(item: dict[str, Any]) -> str:
    return slug(bare_name(Province.from_code(ProvinceCode(item["province_code"])).name))


def _province_unit_code(province_code: int) -> str:
    """The code of the pre-2025 unit of a legacy province."""
    return slug(bare_name(LegacyProvince.from_code(LegacyProvinceCode(province_code)).name))


def _district_rows() -> Iterator[UnitRow]:
    spec = load_data("org.yaml")["district_units"]
    for province_code in spec["provinces"]:
        parent = _province_unit_code(province_code)
        for district in District.iter_by_province(LegacyProvinceCode(province_code)):
            place = bare_name(district.name)
            yield UnitRow(
                f"{parent}-{slug(place)}",
                f"VKSND {district.division_type.value} {place}",
                place,
                Level.LOCAL,
                parent,
                province_code,
                valid_to=spec["valid_to"],
            )


def _regional_rows() -> Iterator[UnitRow]:
    for item in load_data("org.yaml")["regional_units"]:
        yield UnitRow(
            item["code"],
            item["name"],
            item["short_name"],
            Level.LOCAL,
            item["parent"],
            item["province_code"],
            valid_from=item["valid_from"],
        )


# --- succession rows (pure) --------------------------------------------------------------


def succession_rows() -> list[SuccessionRow]:
    return [*_merge_rows(), *_rename_successions(), *_regional_successions()]


def _merge_rows() -> Iterator[SuccessionRow]:
    basis = load_data("org.yaml")["reorganisation"]["basis"]
    for new in Province.iter_all():
        if is_unchanged(new):
            continue
        successor = f"{slug(bare_name(new.name))}-{MERGE_DATE.year}"
        for old in predecessors_of(new.code.value):
            predecessor = _province_unit_code(old)
            yield SuccessionRow(predecessor, successor, SuccessionKind.MERGE, MERGE_DATE, basis)


def _rename_successions() -> Iterator[SuccessionRow]:
    for item in load_data("org.yaml")["renames"]:
        successor = _renamed_unit_code(item)
        basis = item.get("basis", "")
        yield SuccessionRow(item["code"], successor, SuccessionKind.RENAME, item["date"], basis)


def _regional_successions() -> Iterator[SuccessionRow]:
    basis = load_data("org.yaml")["reorganisation"]["basis"]
    for item in load_data("org.yaml")["regional_units"]:
        for predecessor in item["predecessors"]:
            yield SuccessionRow(
                predecessor, item["code"], SuccessionKind.MERGE, item["valid_from"], basis
            )


# --- writing -----------------------------------------------------------------------------


def _apply(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
) -> tuple[Any, str, dict[str, Any]]:
    """Create or update one row by ``lookup``; returns (row, status, changes)."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, "created", {**lookup, **values}
    changes = diff(obj, values)
    if changes:
        for field in changes:
            setattr(obj, field, values[field])
        obj.full_clean()
        obj.save(update_fields=list(changes))
    return obj, "updated" if changes else "unchanged", changes


def _upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    unit_id: int | None = None,
) -> tuple[Any, str]:
    """``_apply`` plus a ``seed`` audit row when something changed."""
    obj, status, changes = _apply(model, lookup, values)
    if changes:
        unit_id = unit_id or _unit_id_of(obj)
        record(actor=None, action="seed", obj=obj, unit_id=unit_id, changes=changes)
    return obj, status


def _unit_id_of(obj: models.Model) -> int | None:
    return obj.pk if isinstance(obj, Unit) else None


def _units_by_code(codes: Iterable[str]) -> dict[str, Unit]:
    return Unit.objects.in_bulk(set(codes), field_name="code")


def build_units() -> Tally:
    tally: Tally = Counter()
    ids: dict[str, int] = {}
    for row in unit_rows():
        values = {
            "name": row.name,
            "short_name": row.short_name,
            "level": str(row.level),
            "parent_id": ids[row.parent] if row.parent else None,
            "province_code": row.province_code,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
            "name_folded": fold(row.name),
        }
        unit, status = _upsert(Unit, {"code": row.code}, values)
        ids[row.code] = unit.pk
        tally[f"units_{status}"] += 1
    return tally


def build_successions() -> Tally:
    tally: Tally = Counter()
    rows = succession_rows()
    units = _units_by_code(code for row in rows for code in (row.predecessor, row.successor))
    for row in rows:
        successor = units[row.successor]
        _, status = _upsert(
            Succession,
            {"predecessor_id": units[row.predecessor].pk, "successor_id": successor.pk},
            {"kind": str(row.kind), "date": row.date, "basis": row.basis},
            unit_id=successor.pk,
        )
        tally[f"successions_{status}"] += 1
    return tally


def build_partners() -> Tally:
    tally: Tally = Counter()
    for item in load_data("partners.yaml")["partners"]:
        values = {
            "name": item["name"],
            "short_name": item.get("short_name", ""),
            "kind": item["kind"],
            "province": item.get("province", ""),
            "head_name": item.get("head_name", ""),
            "head_title": item.get("head_title", ""),
            "valid_from": item.get("valid_from"),
            "valid_to": item.get("valid_to"),
            "name_folded": fold(item["name"]),
        }
        _, status = _upsert(Partner, {"code": item["code"]}, values)
        tally[f"partners_{status}"] += 1
    return tally


def build_clusters() -> Tally:
    tally: Tally = Counter()
    for item in load_data("clusters.yaml")["clusters"]:
        values = {"name": item["name"], "number": item.get("number"), "kind": item["kind"]}
        cluster, status = _upsert(Cluster, {"code": item["code"]}, values)
        tally[f"clusters_{status}"] += 1
        for term in item["terms"]:
            tally[f"cluster_terms_{_build_term(cluster, term)}"] += 1
    return tally


def _build_term(cluster: Cluster, term: dict[str, Any]) -> str:
    units = _units_by_code({*term["members"], term.get("leader"), term.get("deputy")} - {None})
    values = {
        "leader_id": units[term["leader"]].pk if term.get("leader") else None,
        "deputy_id": units[term["deputy"]].pk if term.get("deputy") else None,
    }
    lookup = {"cluster_id": cluster.pk, "year": term["year"]}
    obj, status, changes = _apply(ClusterTerm, lookup, values)
    wanted = sorted(units[code].pk for code in term["members"])
    current = sorted(obj.members.values_list("pk", flat=True))
    if wanted != current:
        obj.members.set(wanted)
        changes["members"] = [current, wanted]
        status = "created" if status == "created" else "updated"
    if changes:
        record(actor=None, action="seed", obj=obj, changes=changes)
    return status


TABLES = ("units", "successions", "partners", "clusters", "cluster_terms")
STATUSES = ("created", "updated", "unchanged")


@transaction.atomic
def seed_reference() -> dict[str, int]:
    """Create or update the real organisation, then the apps' seeders; returns counts.

    Keys are ``<table>_<status>`` for every table in TABLES and status in STATUSES
    (``units_created``, ``partners_unchanged``...) plus the totals per status.
    """
    tally: Tally = Counter()
    for build in (build_units, build_successions, build_partners, build_clusters):
        tally.update(build())
    for seeder in plugins.loaded(plugins.REFERENCE_SEEDERS):
        seeder()
    counts = {
        f"{table}_{status}": tally[f"{table}_{status}"] for table in TABLES for status in STATUSES
    }
    for status in STATUSES:
        counts[status] = sum(tally[f"{table}_{status}"] for table in TABLES)
    return counts
