from django.apps import AppConfig


class EmulationConfig(AppConfig):
    name = "kiemsat.emulation"
    verbose_name = "Thi đua"

    def ready(self) -> None:
        from kiemsat.org import plugins

        plugins.add(plugins.DEMO_BUILDERS, "kiemsat.emulation.demo.build")
