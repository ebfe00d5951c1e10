from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "kiemsat.demo"
    verbose_name = "Dữ liệu minh họa"
