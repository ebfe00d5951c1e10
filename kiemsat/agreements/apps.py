from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "kiemsat.agreements"
    verbose_name = "Văn bản phối hợp"

    def ready(self) -> None:
        from kiemsat.agreements import search
        from kiemsat.agreements.reminders import agreement_reminders, agreement_work
        from kiemsat.org import plugins, reminders, today

        reminders.register(agreement_reminders)
        today.register_due(agreement_work)
        search.connect()
        plugins.add(plugins.DEMO_BUILDERS, "kiemsat.agreements.demo.build")
