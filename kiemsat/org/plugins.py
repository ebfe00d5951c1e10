"""Work other apps add to org's commands, named by dotted path.

Apps register in ``AppConfig.ready()``; a path is imported only when the command runs,
so starting Django (every management command, every web worker) imports none of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import import_string

# Run by seed_reference after the organisation, inside the same transaction.
REFERENCE_SEEDERS: list[str] = []
# Run by seed_demo after the cast, the demo catalogue and the demo figures, in order.
DEMO_BUILDERS: list[str] = []
# Run after an admin adds, edits or removes a day of the work calendar: ``(actor) -> str``,
# a sentence for the admin saying what was updated (dates stored from the calendar).
CALENDAR_LISTENERS: list[str] = []


def add(registry: list[str], path: str) -> None:
    """Register ``path`` once (``ready()`` may run more than once in tests)."""
    if path not in registry:
        registry.append(path)


def loaded(registry: list[str]) -> list[Callable[..., Any]]:
    return [import_string(path) for path in registry]
