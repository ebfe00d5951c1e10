"""Work that waits on something outside Python (a database statement) done beside the
Python work that prepares the next piece of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any


def one_behind(
    run: Callable[[Any], Any],
    items: Iterable[Any],
    *,
    before: Callable[[Any], Any] | None = None,
) -> None:
    """``run`` each item in order, one at a time, on a second thread, while this thread
    makes the next item. Pays where ``run`` releases the interpreter's lock (the database
    drivers do while a statement runs).

    ``before(item)``, when given, runs on this thread once the item before has been run, so
    nothing runs beside it (it may use this thread's database connection); ``run`` gets what
    it returns, and an item it turns into None is not run. The first error raised by ``run``
    is raised here once the item being run has finished; no item after it is run."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="one-behind") as worker:
        running: Future[Any] | None = None
        for item in items:
            if running is not None:
                running.result()
                running = None
            ready = item if before is None else before(item)
            if ready is not None:
                running = worker.submit(run, ready)
        if running is not None:
            running.result()
