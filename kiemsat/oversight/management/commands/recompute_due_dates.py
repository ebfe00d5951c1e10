from django.core.management.base import BaseCommand

from kiemsat.oversight.services import due_dates_recompute


class Command(BaseCommand):
    help = (
        "Tính lại hạn trả lời của kháng nghị, kiến nghị sau khi sửa quy tắc thời hạn hoặc lịch "
        "ngày nghỉ; chạy lại không thay đổi gì thêm."
    )

    def handle(self, *args: object, **options: object) -> None:
        result = due_dates_recompute(actor=None)
        self.stdout.write(f"Tính lại hạn: đổi {result.changed}, giữ nguyên {result.unchanged}.")
        for item in result.skipped or []:
            self.stdout.write(f"Giữ nguyên vì gia hạn không còn sau hạn mới: {item}")
