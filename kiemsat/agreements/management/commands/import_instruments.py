import io
from typing import Any

from kiemsat.agreements import excel
from kiemsat.agreements.services import imports
from kiemsat.lib.commands import FileImportCommand
from kiemsat.lib.vn import format_int


class Command(FileImportCommand):
    help = (
        "Nhập văn bản phối hợp đã có từ tệp Excel theo mẫu; có lỗi ở bất kỳ dòng nào thì "
        "không ghi gì (in từng lỗi dạng 'dòng N: …')."
    )

    def run(self, *, name: str, data: bytes, dry_run: bool) -> Any:
        rows = excel.read_instruments(name, io.BytesIO(data))
        self.writing(len(rows))
        if dry_run:
            return len(imports.instruments_check(actor=None, rows=rows))
        return imports.instruments_import(actor=None, rows=rows)

    def done(self, result: Any, dry_run: bool) -> str:
        verb = "Kiểm tra xong, có thể nhập" if dry_run else "Đã nhập"
        return f"{verb} {format_int(result)} văn bản phối hợp."
