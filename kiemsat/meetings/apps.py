from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "kiemsat.meetings"
    verbose_name = "Hội nghị"

    def ready(self) -> None:
        from kiemsat.meetings import hooks

        hooks.connect()
