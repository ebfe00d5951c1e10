"""A demo version of the catalogue in force from October 2025.

QĐ 358/QĐ-VKSTC replaced the 2020 indicators from the October 2025 period, but its annex
is not public; so that the demo's current work year has indicators, the starter
definitions are carried forward as an unverified demo version. Production installs never
get it (seed_reference loads only the starter catalogue).
"""

from __future__ import annotations

from typing import Any

from kiemsat.indicators.catalogue import STARTER, catalogue_load, read_catalogue_file
from kiemsat.indicators.models import Catalogue

CODE = "QD358-2025-minh-hoa"


def build(stdout: Any) -> None:
    if Catalogue.objects.filter(code=CODE).exists():
        return
    data = read_catalogue_file(STARTER)
    data["catalogue"] = {
        "code": CODE,
        "name": "Bộ chỉ tiêu từ kỳ tháng 10/2025 (minh họa: giữ định nghĩa của bộ khởi đầu)",
        "basis": "Quyết định 358/QĐ-VKSTC ngày 23/9/2025 (phụ lục chưa đối chiếu)",
        "effective_from": "2025-10-01",
        "effective_to": None,
    }
    for indicator in data["indicators"]:
        indicator["verified"] = False
        indicator["target_verified"] = False
    result = catalogue_load(data=data, source="Dữ liệu minh họa")
    stdout.write(f"Bộ chỉ tiêu minh họa từ 10/2025: {result.indicators_created} chỉ tiêu.")
