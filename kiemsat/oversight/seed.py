"""Reference data of the register, run by ``seed_reference`` (org.reference.EXTRA_SEEDERS).

Idempotent: rules are matched by code and only created when missing (and then audited);
once a rule exists the admin owns it, so running the seed again never reverts a rule an
administrator corrected (its number of days, its "confirmed" mark). The metrics the
register derives are flagged by the indicators app, from the registered provider.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from kiemsat.audit.services import save_recorded
from kiemsat.oversight.models import DeadlineRule

RULES_FILE = Path(__file__).resolve().parent / "data" / "deadline_rules.yaml"
RULE_FIELDS = ("name", "legal_basis", "days", "working_days", "event", "confirmed", "note")


@cache
def rule_rows() -> list[dict[str, Any]]:
    with RULES_FILE.open(encoding="utf-8") as fh:
        rows: list[dict[str, Any]] = yaml.safe_load(fh)["rules"]
    return rows


def _ensure_rule(row: dict[str, Any]) -> str:
    if DeadlineRule.objects.filter(code=row["code"]).exists():
        return "unchanged"
    values = {name: row[name] for name in RULE_FIELDS if name in row}
    rule = DeadlineRule(code=row["code"], **values)
    save_recorded(rule, actor=None, action="seed", changes=values)
    return "created"


@transaction.atomic
def seed_oversight() -> dict[str, int]:
    """Deadline rules; returns counts by outcome."""
    counts = {"created": 0, "unchanged": 0}
    for row in rule_rows():
        counts[_ensure_rule(row)] += 1
    return counts


def seed_reference_data() -> None:
    """The entry in org.reference.EXTRA_SEEDERS (seeders there return nothing)."""
    seed_oversight()
