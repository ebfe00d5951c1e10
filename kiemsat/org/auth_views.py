from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
    }

    def clean(self):  # type: ignore[no-untyped-def]
        password = self.cleaned_data.get("password")
        if not settings.DEBUG and password == settings.DEMO_PASSWORD:
            raise forms.ValidationError(
                "Mật khẩu minh họa chỉ dùng được trên bản chạy thử; hãy đổi mật khẩu.",
                code="demo_password",
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
