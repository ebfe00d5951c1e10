from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kiemsat.indicators.imports import CheckedRows, check_columns, read_bytes, read_columns
from kiemsat.indicators.models import Source
from kiemsat.indicators.parts import Recheck, checked_parts
from kiemsat.indicators.services import figures_preview_file, figures_write
from kiemsat.lib.commands import FileImportCommand
from kiemsat.lib.vn import format_int


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
        try:  # a large file is checked in pieces, each written while the next is checked
            return self.write(name, checked_parts(name, data))
        except Recheck:  # checked whole instead: refused with its rows named, or written
            return self.write(name, [check_columns(read_columns(name, data))])

    def write(self, name: str, parts: Iterable[CheckedRows]) -> Any:
        return figures_write(
            actor=None, parts=self.announced(parts), source=Source.IMPORT, file_name=name
        )

    def announced(self, parts: Iterable[CheckedRows]) -> Iterator[CheckedRows]:
        for number, part in enumerate(parts):
            self.writing(part.count, more=number > 0)
            yield part

    def summary(self, result: Any) -> str:
        units, months = format_int(result.units), format_int(result.periods)
        return f"{super().summary(result)}; {units} đơn vị, {months} tháng"
