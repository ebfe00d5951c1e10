"""Fixtures: a conference of Quảng Ninh with a conclusion, built through the services."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kiemsat.meetings import services, task_services
from kiemsat.meetings.models import Conclusion, Conference, Kind, Task

# A Thursday two days before Tết 2025 (25/01–02/02 off): 5 working days → Thu 06/02/2025.
HELD = date(2025, 1, 23)
QN, HA_LONG, HA_GIANG = "QUANG-NINH", "QUANG-NINH-HA-LONG", "HA-GIANG"


@pytest.fixture
def make_conference(units):  # type: ignore[no-untyped-def]
    def build(unit: str = QN, **fields: Any) -> Conference:
        values: dict[str, Any] = {
            "kind": Kind.YEAR_LAUNCH,
            "title": "Hội nghị triển khai công tác năm 2025",
            "held_on": HELD,
            "place": "Hội trường VKSND tỉnh Quảng Ninh",
        }
        values.update(fields)
        data = services.ConferenceData(**values)
        return services.conference_record(actor=None, unit=units[unit], data=data)

    return build


@pytest.fixture
def conclusion(make_conference) -> Conclusion:  # type: ignore[no-untyped-def]
    conference = make_conference()
    return services.conclusion_add(
        actor=None, conference=conference, text="Nâng cao chất lượng kiến nghị phòng ngừa."
    )


@pytest.fixture
def make_task(units, conclusion):  # type: ignore[no-untyped-def]
    def build(unit: str = HA_LONG, **fields: Any) -> Task:
        values: dict[str, Any] = {"title": "Rà soát kiến nghị phòng ngừa năm 2024"}
        values.update(fields)
        if "due_on" not in values and "due_working_days" not in values:
            values["due_working_days"] = 5
        data = task_services.TaskData(unit=units[unit], **values)
        return task_services.task_add(actor=None, conclusion=conclusion, data=data)

    return build
