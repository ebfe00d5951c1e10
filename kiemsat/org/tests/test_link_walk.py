"""No dead link: each demo user follows every internal link reachable from the home page.

Breadth-first from "/", bounded: at most MAX_PAGES pages a user, a few variants of each
page (query strings) and of each route (objects), the admin only up to its index.
A 404 or a 5xx fails, naming the page that offered the link.
"""

from __future__ import annotations

import io
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urldefrag, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, resolve, reverse

from conftest import sign_in
from kiemsat.demo.cast import CAST
from kiemsat.lib.tests.html import links

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
MAX_PAGES = 150
VARIANTS_PER_PATH = 3  # the same page with other query strings
PATHS_PER_ROUTE = 4  # the same route for other objects
SKIPPED = ("/dang-xuat/", "/static/")


@dataclass
class Walk:
    client: Client
    queue: deque[tuple[str, str]] = field(default_factory=lambda: deque([("/", "(bắt đầu)")]))
    seen: set[str] = field(default_factory=set)
    per_path: Counter[str] = field(default_factory=Counter)
    per_route: Counter[str] = field(default_factory=Counter)
    paths: set[str] = field(default_factory=set)
    dead: list[str] = field(default_factory=list)
    visited: int = 0

    def admit(self, url: str) -> bool:
        """Whether ``url`` is new and within the bounds."""
        path = urlsplit(url).path
        if url in self.seen or path.startswith(SKIPPED) or _beyond_admin_index(path):
            return False
        if self.per_path[path] >= VARIANTS_PER_PATH:
            return False
        route = _route(path)
        if path not in self.paths and self.per_route[route] >= PATHS_PER_ROUTE:
            return False
        self.seen.add(url)
        self.per_path[path] += 1
        if path not in self.paths:
            self.paths.add(path)
            self.per_route[route] += 1
        return True

    def run(self) -> None:
        while self.queue and self.visited < MAX_PAGES:
            url, source = self.queue.popleft()
            self.visited += 1
            response = self.client.get(url)
            if response.status_code == 404 or response.status_code >= 500:
                self.dead.append(f"{url} → {response.status_code} (liên kết từ {source})")
            elif response.status_code in (301, 302):
                self.follow(url, [response["Location"]])
            elif response.get("Content-Type", "").startswith("text/html"):
                self.follow(url, links(response.content.decode()))

    def follow(self, page: str, hrefs: list[str]) -> None:
        for href in hrefs:
            url = urldefrag(urljoin(page, href)).url
            if url.startswith("/") and not url.startswith("//") and self.admit(url):
                self.queue.append((url, page))


def _beyond_admin_index(path: str) -> bool:
    return path.startswith("/quan-tri/") and path != "/quan-tri/"


def _route(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo at NOW, built once for the walks: each user's walk runs in its own
    transaction inside the one that holds the demo, which is undone when the module's
    tests are over."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=True, MEDIA_ROOT=media),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", [person.username for person in CAST])
def test_no_demo_user_meets_a_dead_link(demo, django_user_model, username) -> None:  # type: ignore[no-untyped-def]
    client = sign_in(Client(), django_user_model.objects.get(username=username))
    walk = Walk(client)
    walk.run()
    assert walk.visited > 1
    assert not walk.dead, "\n".join(walk.dead)


def test_a_successor_out_of_reach_is_named_not_linked(client_for, units) -> None:  # type: ignore[no-untyped-def]
    ha_giang = units["HA-GIANG"]
    successor = ha_giang.successions.get().successor
    page = client_for("hagiang.ksv").get(reverse("unit_detail", args=[ha_giang.pk]))
    assert page.status_code == 200
    assert successor.name in page.content.decode()
    assert reverse("unit_detail", args=[successor.pk]) not in links(page.content.decode())
    leader = client_for("admin").get(reverse("unit_detail", args=[ha_giang.pk]))
    assert reverse("unit_detail", args=[successor.pk]) in links(leader.content.decode())


def test_import_from_file_is_offered_only_to_those_who_can_import(client_for, units) -> None:  # type: ignore[no-untyped-def]
    grid = reverse("figures_entry", args=[units["QUANG-NINH"].pk])
    upload = reverse("figures_upload")
    assert upload not in links(client_for("qn.xem").get(grid).content.decode())
    assert client_for("qn.xem").get(upload).status_code == 403  # sees units, enters for none
    assert upload in links(client_for("qn.vientruong").get(grid).content.decode())
