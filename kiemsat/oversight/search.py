"""The register in the header search."""

from __future__ import annotations

from django.urls import reverse

from kiemsat.lib.vn import short_date
from kiemsat.org.search import Hit, SearchKind, register
from kiemsat.oversight.models import Intervention
from kiemsat.oversight.selectors import search_interventions


def _hit(iv: Intervention) -> Hit:
    note = f"{iv.unit.name} → {iv.recipient.name}, {short_date(iv.issued_on)}"
    title = f"{iv.get_kind_display()} số {iv.number_display}: {iv.subject}"
    return Hit(title, reverse("intervention_detail", args=[iv.pk]), note, iv.pk)


def connect() -> None:
    register(
        SearchKind(
            "khang-nghi",
            "Kháng nghị, kiến nghị",
            20,
            search_interventions,
            _hit,
            "intervention_list",
        )
    )
