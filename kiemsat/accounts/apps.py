from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default = True
    name = "kiemsat.accounts"
    verbose_name = "Tài khoản"

    def ready(self) -> None:
        from kiemsat.audit import render

        render.register(
            actions={
                "accounts.second_factor_enrol": "bật xác thực hai lớp",
                "accounts.second_factor_remove": "tắt xác thực hai lớp",
                "accounts.recovery_codes_renew": "cấp mã dự phòng mới",
                "accounts.recovery_code_use": "đăng nhập bằng một mã dự phòng",
            },
            fields={"remaining": "Số mã dự phòng còn lại", "by": "Người tắt"},
        )


class SignInRecordsConfig(AxesAppConfig):
    """django-axes under a Vietnamese name in the admin (sign-ins, failures, lockouts)."""

    default = False
    verbose_name = "Đăng nhập và khóa tài khoản"
