from django.core.management.base import BaseCommand
from django.utils import timezone

from kiemsat.org.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Gửi thư nhắc việc sắp đến hạn và quá hạn; chạy lại không gửi trùng."

    def handle(self, *args: object, **options: object) -> None:
        count = send_due_reminders(timezone.localdate())
        self.stdout.write(f"Đã gửi {count} thư nhắc việc.")
