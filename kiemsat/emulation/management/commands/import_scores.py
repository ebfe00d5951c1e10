from typing import Any

from kiemsat.emulation.imports import scores_import_file
from kiemsat.lib.commands import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Nhập điểm tự chấm thi đua từ CSV/XLSX (unit_code,year,criterion_code,points), chỉ "
        "các tiêu chí chấm theo minh chứng; tất cả hoặc không dòng nào."
    )

    def run(self, *, name: str, data: bytes, dry_run: bool) -> Any:
        return scores_import_file(actor=None, name=name, data=data, dry_run=dry_run)
