"""`make load`: signed-in users of several units on the national data, through gunicorn.

gunicorn runs as in production (sync workers, about 2 × cores + 1, DEBUG off, WhiteNoise,
`bench.settings`) on a free loopback port, over the national bench database. Users are
made in the database: for a few provinces of 2026, a leader of the province (enrolled in
the second factor and signed in with it) and a procurator of one of its regional units,
each signed in by a session written to the database. `connections` threads each play one
user, cycling through that user's pages (Hôm nay, the dashboards, the register, the
instruments and the API lists) with no pause between requests, until `seconds` have passed.
Any status but 200 counts as an error. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import http.client
import math
import os
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from bench.page_bench import HOST, gunicorn, log, signed_in_cookie
from kiemsat.accounts.services import second_factor_preset
from kiemsat.org.models import ClusterTerm, Level, Membership, Role, Unit

PROVINCES = 4
YEAR = 2026
API_LISTS = (
    "/api/instruments",
    "/api/interventions",
    "/api/quotas",
    "/api/emulation/terms",
    "/api/conferences",
    "/api/tasks",
    "/api/press-items",
)


@dataclass(frozen=True)
class Persona:
    username: str
    cookie: str
    pages: list[tuple[str, str]]  # (label, path)


@dataclass
class LoadResult:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    first_error: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _member(username: str, unit: Unit, role: str) -> object:
    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": role})
    if role == Role.LEADER:
        second_factor_preset(user=user, key=settings.DEMO_TOTP_KEY)
    return user


def _lists() -> list[tuple[str, str]]:
    pages = [
        ("sổ kháng nghị, kiến nghị", reverse("intervention_list")),
        ("văn bản phối hợp", reverse("instrument_list")),
    ]
    return pages + [(f"API {path}", path) for path in API_LISTS]


def _dashboard(label: str, name: str, pk: int) -> tuple[str, str]:
    return label, f"{reverse(name, args=[pk])}?from={YEAR - 1}-12&to={YEAR}-11"


def personas() -> list[Persona]:
    """A provincial leader and a regional procurator for each of the first provinces that
    sit in a 2026 bench cluster."""
    terms = ClusterTerm.objects.filter(year=YEAR, cluster__code__startswith="BENCH-CUM-")
    result: list[Persona] = []
    for term in terms.order_by("cluster__code").prefetch_related("members")[:PROVINCES]:
        province = sorted(term.members.all(), key=lambda u: u.code)[0]
        region = (
            Unit.objects.filter(parent=province, level=Level.LOCAL, valid_to__isnull=True)
            .order_by("code")
            .first()
        )
        if region is None:
            raise RuntimeError(f"{province.code} has no regional unit")
        leader = _member(f"load-lanhdao-{province.code}", province, Role.LEADER)
        staff = _member(f"load-ksv-{region.code}", region, Role.STAFF)
        home = ("Hôm nay", reverse("home"))
        leader_pages = [
            home,
            _dashboard("bảng chỉ tiêu tỉnh", "indicator_province", province.pk),
            _dashboard("bảng chỉ tiêu cụm", "indicator_cluster", term.cluster_id),
            _dashboard("bảng chỉ tiêu đơn vị", "indicator_unit", province.pk),
        ]
        staff_pages = [home, _dashboard("bảng chỉ tiêu đơn vị", "indicator_unit", region.pk)]
        result.append(Persona(str(leader), signed_in_cookie(leader), leader_pages + _lists()))
        result.append(Persona(str(staff), signed_in_cookie(staff), staff_pages + _lists()))
    if not result:
        raise RuntimeError(f"no bench cluster term for {YEAR}")
    return result


def _get(conn: http.client.HTTPConnection, path: str, cookie: str) -> int:
    conn.request("GET", path, headers={"Cookie": cookie, "Host": HOST})
    response = conn.getresponse()
    response.read()
    return response.status


def _drive(port: int, persona: Persona, start: int, deadline: float, result: LoadResult) -> None:
    """One connection, kept alive, reopened after an error; pages in turn from `start`."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    step = start
    while time.perf_counter() < deadline:
        label, path = persona.pages[step % len(persona.pages)]
        step += 1
        began = time.perf_counter()
        try:
            status = _get(conn, path, persona.cookie)
            problem = "" if status == 200 else f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - began
        result.latencies[label].append(elapsed)
        if problem:
            result.errors[label] += 1
            result.first_error.setdefault(label, f"{path}: {problem}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
    conn.close()


def _warm(port: int, people: list[Persona]) -> None:
    """Every page once per worker or so, so that the run measures a warm server."""
    for persona in people:
        result = LoadResult()
        _drive(port, persona, 0, time.perf_counter() + 1.0, result)
        if result.errors:
            raise RuntimeError("; ".join(result.first_error.values()))


def run(seconds: float, connections: int, workers: int) -> LoadResult:
    people = personas()
    result = LoadResult()
    with gunicorn(workers, people[0].cookie) as (port, _):
        _warm(port, people)
        log(f"load: {connections} connections, {len(people)} users, {seconds:.0f}s")
        began = time.perf_counter()
        deadline = began + seconds
        parts = [LoadResult() for _ in range(connections)]
        threads = [
            threading.Thread(
                target=_drive, args=(port, people[i % len(people)], i, deadline, parts[i])
            )
            for i in range(connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for part in parts:
            _merge(result, part)
        result.seconds = time.perf_counter() - began
        result.load_average = os.getloadavg()
    return result


def _merge(into: LoadResult, part: LoadResult) -> None:
    for label, values in part.latencies.items():
        into.latencies[label] += values
    for label, count in part.errors.items():
        into.errors[label] += count
    for label, text in part.first_error.items():
        into.first_error.setdefault(label, text)


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted `values`, in milliseconds."""
    rank = max(0, min(len(values) - 1, math.ceil(share * len(values)) - 1))
    return 1000 * values[rank]


def report(result: LoadResult) -> list[str]:
    """One line per page, then the whole run."""
    lines = [
        f"{'page':<30} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    ]
    rows = sorted(result.latencies.items())
    rows.append(("all", [v for _, values in rows for v in values]))
    for label, values in rows:
        ordered = sorted(values)
        errors = sum(result.errors.values()) if label == "all" else result.errors[label]
        if not ordered:
            continue
        lines.append(
            f"{label:<30} {len(ordered):>8} {errors:>8} {_percentile(ordered, 0.50):>8.0f} "
            f"{_percentile(ordered, 0.95):>8.0f} {_percentile(ordered, 0.99):>8.0f}"
        )
    total = len(rows[-1][1])
    one, five, fifteen = result.load_average
    lines.append(
        f"{total / result.seconds:.1f} requests/s over {result.seconds:.0f}s; "
        f"machine load average at the end {one:.2f} {five:.2f} {fifteen:.2f} "
        f"on {os.cpu_count()} cores"
    )
    lines += [f"first error on {label}: {text}" for label, text in result.first_error.items()]
    return lines


__all__ = ["LoadResult", "personas", "report", "run"]
