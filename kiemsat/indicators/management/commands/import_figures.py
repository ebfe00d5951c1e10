from pathlib import Path
from typing import Any

from kiemsat.indicators.imports import read_bytes
from kiemsat.indicators.services import figures_import_file, figures_preview_file
from kiemsat.lib.commands import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Nhập số liệu tháng từ CSV/XLSX (unit_code,period,metric_code,value); "
        "tất cả hoặc không dòng nào."
    )

    def read(self, path: Path) -> bytes:
        return read_bytes(path)  # its size limit is the figures' own

    def run(self, *, name: str, data: bytes, dry_run: bool) -> Any:
        if dry_run:
            return figures_preview_file(actor=None, name=name, data=data)
        return figures_import_file(actor=None, name=name, data=data)

    def summary(self, result: Any) -> str:
        return f"{super().summary(result)}; {result.units} đơn vị, {result.periods} tháng"
