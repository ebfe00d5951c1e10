from collections.abc import Iterable

from django import template

from kiemsat.audit.models import AuditEntry
from kiemsat.audit.render import HistoryLine, describe

register = template.Library()


@register.filter
def history_lines(entries: Iterable[AuditEntry]) -> list[HistoryLine]:
    """An object's audit rows as sentences people read (kiemsat.audit.render)."""
    return describe(entries)
