"""manage.py seed_reference — the real organisation (idempotent); see org/reference.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kiemsat.org.reference import STATUSES, TABLES, seed_reference

_TABLE_LABELS = {
    "units": "đơn vị",
    "successions": "kế thừa",
    "partners": "cơ quan phối hợp",
    "clusters": "cụm thi đua",
    "cluster_terms": "nhiệm kỳ cụm",
}


class Command(BaseCommand):
    help = "Nạp dữ liệu tổ chức thật (đơn vị, kế thừa, cơ quan phối hợp, cụm thi đua)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_reference()
        self.stdout.write(summary(counts))


def summary(counts: dict[str, int]) -> str:
    """One Vietnamese line: totals per status, then rows per table."""
    per_table = ", ".join(
        f"{_TABLE_LABELS[table]} {sum(counts[f'{table}_{status}'] for status in STATUSES)}"
        for table in TABLES
    )
    return (
        f"Dữ liệu tham chiếu: tạo mới {counts['created']}, cập nhật {counts['updated']}, "
        f"giữ nguyên {counts['unchanged']} ({per_table})."
    )
