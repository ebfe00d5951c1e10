"""seed_demo: idempotent, and the current work year has indicators with a mix of statuses."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from kiemsat.audit.models import AuditEntry
from kiemsat.indicators.evaluation import evaluate_unit
from kiemsat.indicators.models import Figure, Indicator
from kiemsat.lib.periods import MonthRange
from kiemsat.org.models import Unit

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_changes_nothing_and_gives_the_current_year_indicators(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Figure.objects.count(), Indicator.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Figure.objects.count(), Indicator.objects.count(), AuditEntry.objects.count()) == counts
    table = evaluate_unit(
        Unit.objects.get(code="QUANG-NINH"), MonthRange.parse("2025-12", "2026-06")
    )
    statuses = {line.evaluation.status for line in table.lines}
    assert len(table.lines) == 14
    assert {"VUOT", "DAT"} & statuses
    assert len(statuses) >= 3


def test_seed_demo_refused_when_debug_is_off(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
