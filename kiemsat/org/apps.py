from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kiemsat.org"
    verbose_name = "Tổ chức"

    def ready(self) -> None:
        from kiemsat.org import search

        search.connect()
