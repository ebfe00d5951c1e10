from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=32,
        error_messages={
            "required": "Nhập mã xác thực.",
            "max_length": "Mã xác thực quá dài.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
