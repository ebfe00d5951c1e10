"""``lib.background.one_behind``: each item run in order on a second thread, one at a time,
while the next one is made; ``before`` on the calling thread with nothing running."""

from __future__ import annotations

import threading

import pytest

from kiemsat.lib.background import one_behind

WAIT_SECONDS = 30  # only reached when the two threads do not overlap, which fails the test


def test_items_are_run_in_order_one_at_a_time_on_another_thread() -> None:
    here = threading.get_ident()
    done: list[tuple[int, int]] = []
    running = threading.Lock()

    def run(item: int) -> None:
        assert running.acquire(blocking=False), "two items ran at once"
        done.append((item, threading.get_ident()))
        running.release()

    one_behind(run, range(20))
    assert [item for item, _ in done] == list(range(20))
    assert all(thread != here for _, thread in done)


def test_the_next_item_is_made_while_the_one_before_runs() -> None:
    made_second = threading.Event()

    def items():  # type: ignore[no-untyped-def]
        yield 1
        made_second.set()  # made while item 1 still runs: it is waiting for this
        yield 2

    seen: list[int] = []

    def run(item: int) -> None:
        if item == 1:
            assert made_second.wait(WAIT_SECONDS), "item 2 was not made while item 1 ran"
        seen.append(item)

    one_behind(run, items())
    assert seen == [1, 2]


def test_before_runs_here_with_nothing_running_and_none_skips() -> None:
    here = threading.get_ident()
    running = threading.Event()
    calls: list[tuple[int, int, bool]] = []

    def before(item: int) -> int | None:
        calls.append((item, threading.get_ident(), running.is_set()))
        return None if item % 2 else item * 10

    def run(item: int) -> None:
        running.set()
        ran.append(item)
        running.clear()

    ran: list[int] = []
    one_behind(run, range(6), before=before)
    assert ran == [0, 20, 40]
    assert calls == [(i, here, False) for i in range(6)]


def test_an_error_in_run_is_raised_here_and_stops_the_items() -> None:
    ran: list[int] = []

    def run(item: int) -> None:
        ran.append(item)
        if item == 2:
            raise ValueError("dòng 2")

    with pytest.raises(ValueError, match="dòng 2"):
        one_behind(run, range(10))
    assert ran == [0, 1, 2]


def test_an_error_making_an_item_waits_for_the_item_running() -> None:
    finished: list[int] = []
    release = threading.Event()

    def items():  # type: ignore[no-untyped-def]
        yield 1
        release.set()
        raise LookupError("the next part failed")

    def run(item: int) -> None:
        release.wait(WAIT_SECONDS)
        finished.append(item)

    with pytest.raises(LookupError):
        one_behind(run, items())
    assert finished == [1]  # the statement under way ended before the error was raised
