from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kiemsat.accounts.selectors import key_text
from kiemsat.demo.builder import seed_demo_records
from kiemsat.demo.cast import CAST, SECOND_FACTOR_ROLES, ensure_cast


class Command(BaseCommand):
    help = "Nạp danh mục thật, rồi thêm người dùng và dữ liệu minh họa (chạy lại an toàn)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("Dữ liệu minh họa chỉ được nạp khi DEBUG bật.")
        call_command("seed_reference", stdout=self.stdout)
        ensure_cast()
        seed_demo_records(stdout=self.stdout)
        self.stdout.write(f"Tài khoản minh họa (mật khẩu: {settings.DEMO_PASSWORD}):")
        for person in CAST:
            where = person.unit_code or "không thuộc đơn vị nào"
            role = person.role.label if person.role else "—"
            self.stdout.write(f"  {person.username:<15} {role:<15} {where}")
        secret = key_text(settings.DEMO_TOTP_KEY)
        self.stdout.write(
            "Lãnh đạo và quản trị đăng nhập thêm mã xác thực hai lớp: thêm mã bí mật "
            f"{secret} vào một ứng dụng xác thực (TOTP, 6 chữ số, 30 giây)."
        )
        enrolled = ", ".join(p.username for p in CAST if p.role in SECOND_FACTOR_ROLES)
        self.stdout.write(f"  (tài khoản: {enrolled})")
