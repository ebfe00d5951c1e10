from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "kiemsat.ingest"
    verbose_name = "Đọc tin bài, thông tin – báo chí"

    def ready(self) -> None:
        from kiemsat.ingest.reminders import press_reminders
        from kiemsat.org import plugins, reminders

        reminders.register(press_reminders)
        plugins.add(plugins.DEMO_BUILDERS, "kiemsat.ingest.demo.build")
