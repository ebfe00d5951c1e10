from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kiemsat.audit"
    verbose_name = "Nhật ký"
