from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "kiemsat.agreements"
    verbose_name = "Văn bản phối hợp"

    def ready(self) -> None:
        from kiemsat.agreements import search
        from kiemsat.agreements.reminders import agreement_reminders
        from kiemsat.org import plugins, reminders

        reminders.register(agreement_reminders)
        search.connect()
        plugins.add(plugins.DEMO_BUILDERS, "kiemsat.agreements.demo.build")
