"""Fixtures of the register: a maker of interventions through the real services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kiemsat.org.models import Partner
from kiemsat.oversight import services
from kiemsat.oversight.models import DeadlineRule, Field, Intervention, Kind

# A Thursday in an ordinary week: receipt on 16/01/2025 + 15 days = 31/01 (Tết) → 03/02.
ISSUED = date(2025, 1, 14)
RECEIVED = date(2025, 1, 16)


@pytest.fixture
def rules(db) -> dict[str, DeadlineRule]:  # type: ignore[no-untyped-def]
    return {r.code: r for r in DeadlineRule.objects.all()}


@pytest.fixture
def partners(db) -> dict[str, Partner]:  # type: ignore[no-untyped-def]
    return {p.code: p for p in Partner.objects.all()}


@pytest.fixture
def make(units, partners, rules):  # type: ignore[no-untyped-def]
    """make(number=1, **fields) → an intervention of Hạ Long registered by the system."""

    def build(
        number: int = 1,
        *,
        unit: str = "QUANG-NINH-HA-LONG",
        answer: tuple[date, str] | None = None,
        court_decision: str = "",
        **fields: Any,
    ) -> Intervention:
        values: dict[str, Any] = {
            "kind": Kind.RECOMMENDATION,
            "field": Field.CRIME_REPORTS,
            "number": number,
            "symbol": "KN-VKS",
            "issued_on": ISSUED,
            "recipient": partners["CA-HA-LONG"],
            "subject": "Kiến nghị khắc phục vi phạm trong tiếp nhận nguồn tin về tội phạm",
            "rule": rules["tra-loi-khieu-nai-ttlt-02-2018"],
            "received_on": RECEIVED,
        }
        values.update(fields)
        iv = services.intervention_register(
            actor=None, unit=units[unit], data=services.Registration(**values)
        )
        if answer is not None:
            services.intervention_answer(
                actor=None,
                intervention=iv,
                answered_on=answer[0],
                outcome=answer[1],
                court_decision=court_decision,
            )
        return iv

    return build
