from pathlib import Path

from kiemsat.indicators.catalogue import LoadResult, catalogue_load, read_catalogue_file
from kiemsat.lib.commands import FileLoadCommand


class Command(FileLoadCommand):
    help = "Nạp bộ chỉ tiêu từ tệp YAML hoặc XLSX (cùng các cột với bộ khởi đầu)."

    def load(self, path: Path) -> LoadResult:
        return catalogue_load(data=read_catalogue_file(path), source=path.name)

    def said(self, result: LoadResult) -> str:
        return (
            f"Bộ chỉ tiêu {result.catalogue.code}: thêm {result.metrics_created} số liệu, "
            f"thêm {result.indicators_created} và cập nhật {result.indicators_updated} chỉ tiêu."
        )
