"""Conferences in the header search."""

from __future__ import annotations

from django.urls import reverse

from kiemsat.lib.vn import short_date
from kiemsat.meetings.models import Conference
from kiemsat.meetings.selectors import search_conferences
from kiemsat.org.search import Hit, SearchKind, register


def _hit(conference: Conference) -> Hit:
    note = f"{conference.unit.name}, {short_date(conference.held_on)}"
    url = reverse("conference_detail", args=[conference.pk])
    return Hit(conference.title, url, note, conference.pk)


def connect() -> None:
    register(SearchKind("hoi-nghi", "Hội nghị", 30, search_conferences, _hit, "conference_list"))
