"""Hôm nay reminds the staff of each member whose self-assessment of the current work year
is not complete; nobody else, and not once the year turns or the scores are locked."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from kiemsat.emulation import services
from kiemsat.emulation.services import SelfEntry
from kiemsat.emulation.tests.conftest import HA_LONG

pytestmark = pytest.mark.django_db
TITLE = "VKSND thành phố Hạ Long: tự chấm điểm thi đua năm 2024"
LAST_DAY = "2024-11-30 16:00 +0700"  # a Saturday, the work year's last day


def _home(client_for, username: str) -> str:  # type: ignore[no-untyped-def]
    response = client_for(username).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _assess(term, units, entries: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    services.scores_self_assess(
        actor=None,
        term=term,
        unit=units[HA_LONG],
        entries={k: SelfEntry(v) for k, v in entries.items()},
    )


@time_machine.travel(LAST_DAY, tick=False)
def test_staff_of_an_incomplete_member_see_it(term, units, client_for):
    _assess(term, units, {"2": "20", "1.2": "7,5"})
    page = _home(client_for, "halong.ksv")
    assert "Tự chấm điểm thi đua năm 2024" in page and TITLE in page
    assert "đã chấm 2/4 tiêu chí" in page and "hạn 30/11/2024" in page
    assert reverse("term_member", args=[term.pk, units[HA_LONG].pk]) in page
    for username in ("hagiang.ksv", "qn.xem", "nguoingoai"):
        assert TITLE not in _home(client_for, username), username


@time_machine.travel(LAST_DAY, tick=False)
def test_a_complete_sheet_or_a_locked_year_is_not_shown(term, units, client_for):
    _assess(term, units, {"2": "20", "1.2": "7", "THUONG": "0", "TRU": "0"})
    assert TITLE not in _home(client_for, "halong.ksv")
    _assess(term, units, {"2": "21"})
    assert TITLE not in _home(client_for, "halong.ksv")
    other = "VKSND thành phố Uông Bí: tự chấm điểm thi đua năm 2024"
    assert other in _home(client_for, "qn.vientruong")  # may score below: sees every member
    services.scores_lock(actor=None, term=term)
    assert other not in _home(client_for, "qn.vientruong")


def test_the_new_work_year_starts_on_1_december(term, units, client_for):
    with time_machine.travel("2024-11-30 23:30 +0700", tick=False):
        assert TITLE in _home(client_for, "halong.ksv")
    with time_machine.travel("2024-12-01 00:30 +0700", tick=False):
        assert TITLE not in _home(client_for, "halong.ksv")
