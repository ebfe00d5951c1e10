from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "kiemsat.ingest"
    verbose_name = "Đọc tin bài, thông tin – báo chí"

    def ready(self) -> None:
        from kiemsat.audit import render
        from kiemsat.ingest.reminders import press_reminders, press_work
        from kiemsat.org import plugins, reminders, today

        render.register(
            actions={
                "ingest.article_upload": "đọc tin bài",
                "ingest.article_confirm": "xác nhận tin bài",
                "ingest.article_discard": "hủy tin bài",
                "ingest.press_item_register": "vào sổ thông tin – báo chí",
                "ingest.press_item_update": "sửa việc thông tin – báo chí",
                "ingest.press_item_done": "ghi kết quả xử lý thông tin – báo chí",
                "org.partner_register": "thêm cơ quan phối hợp",
            },
            fields={"file_name": "Tên tệp", "instrument": "Văn bản phối hợp"},
        )

        reminders.register(press_reminders)
        today.register_due(press_work)
        plugins.add(plugins.DEMO_BUILDERS, "kiemsat.ingest.demo.build")
