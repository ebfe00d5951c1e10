from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "kiemsat.oversight"
    verbose_name = "Kháng nghị, kiến nghị"

    def ready(self) -> None:
        from kiemsat.oversight import hooks

        hooks.connect()
