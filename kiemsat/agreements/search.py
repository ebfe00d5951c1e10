"""Instruments in the header search."""

from __future__ import annotations

from django.urls import reverse

from kiemsat.agreements.models import Instrument
from kiemsat.agreements.selectors import search_ranked
from kiemsat.lib.vn import short_date
from kiemsat.org.search import Hit, SearchKind, register


def _hit(instrument: Instrument) -> Hit:
    signed = f", ký ngày {short_date(instrument.signed_on)}" if instrument.signed_on else ""
    note = f"{instrument.get_kind_display()}, {instrument.owner_unit.name}{signed}"
    url = reverse("instrument_detail", args=[instrument.pk])
    return Hit(str(instrument), url, note, instrument.pk)


def connect() -> None:
    register(SearchKind("van-ban", "Văn bản phối hợp", 10, search_ranked, _hit, "instrument_list"))
