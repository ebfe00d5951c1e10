from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "kiemsat.ingest"
    verbose_name = "Đọc tin bài"
