from pathlib import Path
from typing import Any

from kiemsat.indicators.imports import check_columns, read_bytes, read_columns
from kiemsat.indicators.models import Source
from kiemsat.indicators.services import figures_preview_file, figures_write
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
        checked = check_columns(read_columns(name, data))
        self.writing(checked.count)
        return figures_write(actor=None, checked=checked, source=Source.IMPORT, file_name=name)

    def summary(self, result: Any) -> str:
        return f"{super().summary(result)}; {result.units} đơn vị, {result.periods} tháng"
