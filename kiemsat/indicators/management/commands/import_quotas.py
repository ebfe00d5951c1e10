from typing import Any

from kiemsat.indicators.quota_services import quotas_import_file
from kiemsat.lib.commands import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Nhập chỉ tiêu giao từ CSV/XLSX (unit_code,work_year,indicator_code,value); "
        "tất cả hoặc không dòng nào."
    )

    def run(self, *, name: str, data: bytes, dry_run: bool) -> Any:
        return quotas_import_file(actor=None, name=name, data=data, dry_run=dry_run)
