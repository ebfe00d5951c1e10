from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kiemsat.indicators"
    verbose_name = "Chỉ tiêu nghiệp vụ"

    def ready(self) -> None:
        from kiemsat.indicators import hooks

        hooks.connect()
