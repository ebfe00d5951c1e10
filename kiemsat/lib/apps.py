from django.apps import AppConfig


class LibConfig(AppConfig):
    """Pure helpers; registered only for the ``vn`` template filters."""

    name = "kiemsat.lib"
    verbose_name = "Tiện ích"
