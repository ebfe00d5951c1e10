from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "kiemsat.backup"
    verbose_name = "Sao lưu và phục hồi"
