"""The cluster dashboard on the national data against a constant view, same server.

gunicorn (2 sync workers, DEBUG off, `bench.settings`) serves the national bench database
on a free loopback port. A leader of a member unit of a 2026 cluster is signed in by a
session made directly in the database. Requests go from a pool of 4 threads, one new
connection per request, alternating between the two URLs in short rounds so that a load
change on the machine hits both alike; each URL gets `seconds` in all, and at most
`MAX_REQUESTS` requests. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.sessions.backends.db import SessionStore
from django.urls import NoReverseMatch, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kiemsat.accounts.services import second_factor_preset
from kiemsat.org.models import ClusterTerm, Membership, Role

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
MAX_REQUESTS = 50_000
ROUNDS = 5
TRIVIAL = "/bench/trivial/"


@dataclass
class PageResult:
    dashboard: float
    trivial: float
    path: str


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _session_cookie(term: ClusterTerm) -> str:
    """A leader of the term's first member, enrolled in the second factor."""
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username="bench-leader")
    unit = sorted(term.members.all(), key=lambda u: u.code)[0]
    Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": Role.LEADER})
    second_factor_preset(user=user, key=settings.DEMO_TOTP_KEY)
    return signed_in_cookie(user)


def signed_in_cookie(user: Any) -> str:
    """A database session after both sign-in steps: the password's, then the code's."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _dashboard_path(term: ClusterTerm, year: int) -> str:
    query = f"?from={year - 1}-12&to={year}-11"
    try:
        return reverse("indicator_cluster", args=[term.cluster_id]) + query
    except NoReverseMatch:
        unit = sorted(term.members.all(), key=lambda u: u.code)[0]
        log("  indicator_cluster is not routed: measuring the unit page instead")
        return reverse("unit_detail", args=[unit.pk])


def _get(port: int, path: str, cookie: str) -> tuple[int, int]:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Host": HOST})
        response = conn.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        conn.close()


def _load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> int:
    """Requests completed with status 200 in `seconds` by `concurrency` threads."""
    deadline = time.perf_counter() + seconds
    done = [0] * concurrency
    errors: list[str] = []

    def worker(slot: int) -> None:
        while time.perf_counter() < deadline and sum(done) < MAX_REQUESTS and not errors:
            status, _ = _get(port, path, cookie)
            if status != 200:
                errors.append(f"{path}: HTTP {status}")
                return
            done[slot] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(done)


def _server_cpu(master: int) -> float:
    """CPU seconds used so far by gunicorn's workers (Linux /proc; 0 elsewhere)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def _collectstatic(env: dict[str, str]) -> None:
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603


def _wait_ready(port: int, proc: subprocess.Popen[bytes], cookie: str) -> None:
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}")
        try:
            if _get(port, TRIVIAL, cookie)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


@contextmanager
def gunicorn(
    workers: int, cookie: str, *, timeout: int = 60
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn as in production on a free loopback port, answering, stopped on exit."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DEBUG": "0"}
    _collectstatic(env)
    port = _free_port()
    command = [
        *(sys.executable, "-m", "gunicorn", "--workers", str(workers)),
        *("--bind", f"{HOST}:{port}", "--timeout", str(timeout), "--backlog", "2048"),
        *("--log-level", "warning", "kiemsat.wsgi:application"),
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    try:
        _wait_ready(port, proc, cookie)
        yield port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(year: int = 2026, seconds: float = 10.0, concurrency: int = 4) -> PageResult:
    term = (
        ClusterTerm.objects.filter(year=year, cluster__code__startswith="BENCH-CUM-")
        .order_by("cluster__code")
        .first()
    )
    if term is None:
        raise RuntimeError(f"no bench cluster term for {year}")
    cookie = _session_cookie(term)
    path = _dashboard_path(term, year)
    with gunicorn(2, cookie, timeout=120) as (port, proc):
        status, size = _get(port, path, cookie)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        log(f"  dashboard {path}: {size} bytes")
        for _ in range(2):  # warm both workers on both URLs
            _load(port, path, cookie, 0.5, concurrency)
            _load(port, TRIVIAL, cookie, 0.2, concurrency)
        counts = {path: 0, TRIVIAL: 0}
        spent = {path: 0.0, TRIVIAL: 0.0}
        cpu = {path: 0.0, TRIVIAL: 0.0}
        for _ in range(ROUNDS):
            for target in (path, TRIVIAL):
                start, used = time.perf_counter(), _server_cpu(proc.pid)
                counts[target] += _load(port, target, cookie, seconds / ROUNDS, concurrency)
                spent[target] += time.perf_counter() - start
                cpu[target] += _server_cpu(proc.pid) - used
    rates = {target: counts[target] / spent[target] for target in counts}
    log(
        f"  dashboard: {counts[path]} requests in {spent[path]:.1f}s; "
        f"trivial: {counts[TRIVIAL]} in {spent[TRIVIAL]:.1f}s"
    )
    if counts[path] and counts[TRIVIAL] and cpu[TRIVIAL]:
        per = {t: 1000 * cpu[t] / counts[t] for t in counts}
        log(
            f"  server CPU per request: dashboard {per[path]:.1f} ms, trivial "
            f"{per[TRIVIAL]:.2f} ms (ratio {per[TRIVIAL] / per[path]:.3f}; less sensitive "
            "to other load on the machine than req/s)"
        )
    return PageResult(rates[path], rates[TRIVIAL], path)


__all__ = ["PageResult", "gunicorn", "run", "signed_in_cookie"]
