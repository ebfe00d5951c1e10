from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "kiemsat.agreements"
    verbose_name = "Văn bản phối hợp"

    def ready(self) -> None:
        from kiemsat.agreements import demo
        from kiemsat.agreements.reminders import agreement_reminders
        from kiemsat.demo.builder import DEMO_BUILDERS
        from kiemsat.org import reminders

        reminders.register(agreement_reminders)
        if demo.build not in DEMO_BUILDERS:
            DEMO_BUILDERS.append(demo.build)
