from pathlib import Path

from kiemsat.emulation.sheets import LoadResult, read_sheet_file, sheet_load
from kiemsat.lib.commands import FileLoadCommand

STATUS = {"created": "đã nạp", "replaced": "đã thay nội dung", "unchanged": "không đổi"}


class Command(FileLoadCommand):
    help = "Nạp bảng tiêu chí chấm điểm thi đua từ tệp YAML hoặc XLSX (theo ngày áp dụng)."

    def load(self, path: Path) -> LoadResult:
        return sheet_load(actor=None, data=read_sheet_file(path), source=path.name)

    def said(self, result: LoadResult) -> str:
        sheet = result.sheet
        return (
            f"Bảng {sheet.code} áp dụng từ {sheet.effective_from:%d/%m/%Y}: "
            f"{STATUS[result.status]} ({result.leaves} tiêu chí chấm điểm)."
        )
