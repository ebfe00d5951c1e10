import io
from typing import Any

from kiemsat.lib.commands import FileImportCommand
from kiemsat.lib.vn import format_int
from kiemsat.oversight.excel import read_file
from kiemsat.oversight.imports import check_rows, interventions_import


class Command(FileImportCommand):
    help = (
        "Nhập sổ theo dõi kháng nghị, kiến nghị từ tệp XLSX/CSV (cột như tệp mẫu); "
        "có lỗi thì không nhập dòng nào và in từng lỗi 'dòng N: …'."
    )

    def run(self, *, name: str, data: bytes, dry_run: bool) -> Any:
        rows = read_file(name, io.BytesIO(data))
        checked = len(check_rows(rows, actor=None))  # every row, before any write lock
        if dry_run:
            return checked
        self.writing(checked)
        return interventions_import(actor=None, rows=rows, file_name=name)

    def done(self, result: Any, dry_run: bool) -> str:
        if dry_run:
            return f"Kiểm tra xong: {format_int(result)} dòng hợp lệ (chưa ghi)."
        return f"Đã nhập {format_int(result)} văn bản."
