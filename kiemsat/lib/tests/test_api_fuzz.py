"""The API against its own contract, with generated requests (schemathesis).

Every operation of the OpenAPI schema is called with positive and negative data, signed in
as a provincial leader and as an outsider, in process through the WSGI application. What
must hold (schemathesis's checks, all of them): no 500; every status, content type and
body as declared; a schema-valid request never refused, a schema-violating one never
accepted; a request without the session cookie refused.

``make test`` runs a few cases per operation; ``make fuzz`` runs thousands
(``KIEMSAT_FUZZ_EXAMPLES`` per operation and user).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from conftest import sign_in
from kiemsat.agreements.models import InstrumentKind
from kiemsat.agreements.services import instruments as agreements_instruments
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.api import api
from kiemsat.org.models import Partner, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("KIEMSAT_FUZZ_EXAMPLES", "12"))
USERS = ["qn.vientruong", "nguoingoai"]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = get_wsgi_application()
SIGNED_IN: dict[str, Any] = {}  # the session of the user the running test signs in as
CALLS = [0]
FAILED: set[str] = set()  # operation and user of each test that found a fault


@pytest.fixture(scope="module", autouse=True)
def _count_calls():  # type: ignore[no-untyped-def]
    yield
    print(f"\nfuzz: {CALLS[0]} cases, {len(FAILED)} failed operations (of user × operation)")
    for name in sorted(FAILED):
        print(f"fuzz: failed {name}")


@schema.auth(refresh_interval=None)
class Session:
    """The browser's session: its cookies and the CSRF token ninja asks of a write. Left
    out, as schemathesis does for its unauthenticated cases, the API must answer 401."""

    def get(self, case: Any, context: Any) -> dict[str, Any]:
        return SIGNED_IN

    def set(self, case: Any, data: dict[str, Any], context: Any) -> None:
        if not data:  # while collecting, before any test signs in
            return
        case.cookies = {**(case.cookies or {}), **data["cookies"]}
        case.headers = {**(case.headers or {}), **data["headers"]}


def _sign_in(user: Any) -> dict[str, Any]:
    client = sign_in(Client(), user)  # both factors: leaders are enrolled
    client.get("/api/docs")  # sets the CSRF cookie, as the browser would get it
    token = client.cookies["csrftoken"].value
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    carried = Client()  # what the cases will carry is a session that lets the user in
    carried.cookies.load(cookies)
    assert carried.get("/api/quotas").status_code == 200
    return {"cookies": cookies, "headers": {"X-CSRFToken": token}}


@contextmanager
def _test_connection_kept() -> Iterator[None]:
    """The WSGI handler closes the database connection when a request begins and ends;
    inside a test's transaction that ends the test (PostgreSQL says so). Django's test
    client holds the same signal off around each of its own calls, then connects it again,
    so it is held off here around each generated call."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def signed_out():  # type: ignore[no-untyped-def]
    """No session left from another test: each signs in (once) within its own transaction."""
    SIGNED_IN.clear()


@pytest.fixture
def world(units):  # type: ignore[no-untyped-def]
    """One instrument of Hạ Long, so that lists and details have a row to describe."""
    halong = Unit.objects.get(code="QUANG-NINH-HA-LONG")
    agreements_instruments.instrument_register(
        actor=None,
        data=InstrumentData(kind=InstrumentKind.PLAN, title="Kế hoạch", signed_on=date(2024, 1, 5)),
        parties=[
            PartyData(unit=halong, signatory_name="A", is_host=True),
            PartyData(partner=Partner.objects.get(code="UBND-HA-LONG"), signatory_name="B"),
        ],
    )


@pytest.mark.parametrize("username", USERS)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_keeps_its_contract(case, username, cast, world, signed_out):  # type: ignore[no-untyped-def]
    if not SIGNED_IN:  # once for the test's cases, which share its transaction
        SIGNED_IN.update(_sign_in(cast[username]))
    CALLS[0] += 1
    try:
        with _test_connection_kept():
            case.call_and_validate()
    except Exception:
        FAILED.add(f"{username} {case.operation.label}")
        raise
