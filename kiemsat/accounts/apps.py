from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default = True
    name = "kiemsat.accounts"
    verbose_name = "Tài khoản"


class SignInRecordsConfig(AxesAppConfig):
    """django-axes under a Vietnamese name in the admin (sign-ins, failures, lockouts)."""

    default = False
    verbose_name = "Đăng nhập và khóa tài khoản"
