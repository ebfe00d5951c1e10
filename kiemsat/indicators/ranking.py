"""The ranking of a group's members: a pure function over their evaluated tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.safestring import SafeString

from kiemsat.indicators.charts import share_bar_svg
from kiemsat.indicators.evaluation import Table
from kiemsat.lib.vn import format_percent, sort_key
from kiemsat.org.models import Unit


@dataclass
class RankRow:
    rank: int
    unit: Unit | None
    table: Table
    met_share: Fraction | None
    exceeded_share: Fraction | None

    @property
    def met_percent(self) -> str:
        s = self.table.summary
        return format_percent(s.met, s.arising)

    @property
    def exceeded_percent(self) -> str:
        s = self.table.summary
        return format_percent(s.exceeded, s.eligible)

    @property
    def bar(self) -> SafeString:
        return share_bar_svg(self.table.summary, name=self.table.name)


def ranking(members: Sequence[Table], units: dict[str, Unit]) -> list[RankRow]:
    """Members by share met (met/arising), then share exceeded, then name.

    Members with exactly the same two shares share a rank (1, 2, 2, 4); a member where
    nothing arose comes last.
    """
    rows = []
    for table in members:
        s = table.summary
        met = Fraction(s.met, s.arising) if s.arising else None
        exceeded = Fraction(s.exceeded, s.eligible) if s.eligible else None
        rows.append(RankRow(0, units.get(table.code), table, met, exceeded))

    def shares(r: RankRow) -> tuple[Fraction, Fraction]:
        return (
            r.met_share if r.met_share is not None else Fraction(-1),
            r.exceeded_share if r.exceeded_share is not None else Fraction(-1),
        )

    rows.sort(key=lambda r: (-shares(r)[0], -shares(r)[1], sort_key(r.table.name)))
    for i, row in enumerate(rows):
        same = i and shares(rows[i - 1]) == shares(row)
        row.rank = rows[i - 1].rank if same else i + 1
    return rows
