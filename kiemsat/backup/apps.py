from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "kiemsat.backup"
    verbose_name = "Sao lưu và phục hồi"

    def ready(self) -> None:
        from kiemsat.audit import render

        render.register(
            actions={
                "backup.backup": "sao lưu cơ sở dữ liệu và tệp đính kèm",
                "backup.restore": "phục hồi cơ sở dữ liệu và tệp đính kèm từ bản sao lưu",
            },
            fields={
                "product_version": "Phiên bản kiemsat của bản sao lưu",
                "forced": "Thay dữ liệu đang có (--force)",
            },
        )
