from datetime import date
from decimal import Decimal
from typing import Any

from django import template

from kiemsat.lib import vn

register = template.Library()


@register.filter
def person_name(user: Any) -> str:
    return vn.person_name(user) if user else ""


@register.filter
def short_date(value: date | None) -> str:
    return vn.short_date(value) if value else ""


@register.filter
def formal_date(value: date | None) -> str:
    return vn.formal_date(value) if value else ""


@register.filter
def vn_int(value: int | None) -> str:
    return "" if value is None else vn.format_int(int(value))


@register.filter
def vn_percent(numerator: int | None, denominator: int | None) -> str:
    if numerator is None or not denominator:
        return ""
    return vn.format_percent(int(numerator), int(denominator))


@register.filter
def vn_points(value: Decimal | int | None) -> str:
    """Points, or "" for anything else (a missing score renders as an empty string)."""
    return vn.format_points(value) if isinstance(value, (Decimal, int)) else ""
