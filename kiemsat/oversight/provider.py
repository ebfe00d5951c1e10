"""The register's monthly figures for the indicator engine (a MetricProvider).

What counts, per issuing unit and month (two GROUP BY queries, no loop over rows):

- ``KNG_BAN_HANH``: kiến nghị (kind ``kien_nghi`` only; kiến nghị phòng ngừa and yêu cầu
  are not included), in the month of issue.
- ``KNG_CHAP_NHAN``: those kiến nghị whose outcome is chấp nhận **or chấp nhận một phần**,
  in the month of issue (not of the answer), so that KN-01 compares one cohort: a March
  recommendation accepted in May raises March's rate.
- ``KNPN_BAN_HANH``: kiến nghị phòng ngừa, in the month of issue.
- ``KNPT_HS_DA_XET``: kháng nghị phúc thẩm in the criminal field that the court has decided
  (an answer date, i.e. the court's decision date, is recorded), in the month of that
  decision; ``KNPT_HS_CHAP_NHAN``: those the court accepted fully or partly.
- ``KNPT_DS_DA_XET`` / ``KNPT_DS_CHAP_NHAN``: the same for the civil fields (dân sự, hôn
  nhân và gia đình, kinh doanh thương mại, lao động) and the administrative field.

A unit "reports through the register" from the month of its first entry of any kind: from
then on every code gets a row (zero when nothing arose), so that a unit that used the
register and issued nothing reads "không phát sinh" (or "không đạt" against a quota)
rather than "chưa báo cáo". A unit that never used the register yields no rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date

from django.db.models import CharField, Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Substr

from kiemsat.lib.periods import Month
from kiemsat.org.models import Unit
from kiemsat.oversight.models import (
    ACCEPTED_OUTCOMES,
    CIVIL_FIELDS,
    Field,
    Intervention,
    Kind,
)

BY_ISSUE = {
    "KNG_BAN_HANH": Q(kind=Kind.RECOMMENDATION),
    "KNG_CHAP_NHAN": Q(kind=Kind.RECOMMENDATION, outcome__in=ACCEPTED_OUTCOMES),
    "KNPN_BAN_HANH": Q(kind=Kind.PREVENTION),
}
BY_DECISION = {
    "KNPT_HS_DA_XET": Q(field=Field.CRIMINAL),
    "KNPT_HS_CHAP_NHAN": Q(field=Field.CRIMINAL, outcome__in=ACCEPTED_OUTCOMES),
    "KNPT_DS_DA_XET": Q(field__in=CIVIL_FIELDS),
    "KNPT_DS_CHAP_NHAN": Q(field__in=CIVIL_FIELDS, outcome__in=ACCEPTED_OUTCOMES),
}
CODES = frozenset(BY_ISSUE) | frozenset(BY_DECISION)

Row = tuple[int, str, int, int]


def _counts(
    rows: QuerySet[Intervention], date_field: str, counts: dict[str, Q], *, by_month: bool
) -> Iterator[tuple[int, str, int | None, int]]:
    """GROUP BY unit (and month of ``date_field``): one count per code, period None when
    not by month.

    The month is the date's "YYYY-MM" prefix as text: a plain substring on SQLite and
    PostgreSQL alike (Django's date extraction runs a Python callback per row on SQLite).
    """
    keys = ["unit_id"]
    if by_month:
        rows = rows.annotate(ym=Substr(Cast(date_field, CharField()), 1, 7))
        keys.append("ym")
    aggregates = {f"n_{i}": Count("pk", filter=q) for i, q in enumerate(counts.values())}
    for unit_id, *rest in rows.order_by().values_list(*keys).annotate(**aggregates):
        period = None
        if by_month:
            ym = rest.pop(0)
            period = int(ym[:4]) * 12 + int(ym[5:7]) - 1
        for code, value in zip(counts, rest, strict=True):
            yield unit_id, code, period, value


def _first_use(unit_ids: list[int], last_day: date) -> dict[int, date]:
    """Per unit that has used the register by ``last_day``: the date of its first entry."""
    rows = (
        Intervention.objects.filter(unit_id__in=unit_ids, issued_on__lte=last_day)
        .order_by()
        .values("unit_id")
        .annotate(first=Min("issued_on"))
    )
    return {row["unit_id"]: row["first"] for row in rows}


def _users(unit_ids: list[int], last_day: date) -> list[int]:
    """The units that have used the register by ``last_day`` (one index probe each)."""
    used = Intervention.objects.filter(unit_id=OuterRef("pk"), issued_on__lte=last_day)
    return list(
        Unit.objects.filter(pk__in=unit_ids).filter(Exists(used)).values_list("pk", flat=True)
    )


class InterventionProvider:
    metric_codes = CODES

    def _counted(
        self, unit_ids: list[int], first_period: int, last_period: int, *, by_month: bool
    ) -> list[tuple[int, str, int | None, int]]:
        first_day = Month.from_index(first_period).first_day()
        last_day = Month.from_index(last_period).last_day()
        mine = Intervention.objects.filter(unit_id__in=unit_ids)
        issued = mine.filter(
            issued_on__gte=first_day,
            issued_on__lte=last_day,
            kind__in=[Kind.RECOMMENDATION, Kind.PREVENTION],
        )
        decided = mine.filter(
            answered_on__gte=first_day,
            answered_on__lte=last_day,
            kind=Kind.APPEAL,
            field__in=[Field.CRIMINAL, *CIVIL_FIELDS],
        )
        rows = [*_counts(issued, "issued_on", BY_ISSUE, by_month=by_month)]
        rows += _counts(decided, "answered_on", BY_DECISION, by_month=by_month)
        return rows

    def monthly_values(
        self, unit_ids: Collection[int], first_period: int, last_period: int
    ) -> list[Row]:
        ids = list(unit_ids)
        rows: list[Row] = []
        for unit, code, period, value in self._counted(
            ids, first_period, last_period, by_month=True
        ):
            assert period is not None
            rows.append((unit, code, period, value))
        present = {(unit, code) for unit, code, _, _ in rows}
        last_day = Month.from_index(last_period).last_day()
        for unit, first in _first_use(ids, last_day).items():
            period = max(first_period, Month.of(first).index)
            rows += [(unit, code, period, 0) for code in CODES if (unit, code) not in present]
        return rows

    def range_totals(
        self, unit_ids: Collection[int], first_period: int, last_period: int
    ) -> list[tuple[int, str, int]]:
        """What ``monthly_values`` adds up to over the range, per unit and code, without a
        row per month: every code of every unit that used the register by the last month."""
        ids = list(unit_ids)
        counted = self._counted(ids, first_period, last_period, by_month=False)
        totals = {(unit, code): value for unit, code, _, value in counted}
        users = _users(ids, Month.from_index(last_period).last_day())
        return [(unit, code, totals.get((unit, code), 0)) for unit in users for code in CODES]


PROVIDER = InterventionProvider()
