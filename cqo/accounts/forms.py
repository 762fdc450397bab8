from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cqo.accounts.services import user_authenticate
from cqo.lib import bounds

# the digits of a TOTP code (RFC 6238; django-otp's default, what the authenticator apps show)
CODE_LENGTH = 6


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login page's form, going through the same guessing bound as the API."""

    # Django's field, bounded (cqo/lib/bounds.py)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=bounds.PASSWORD,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = user_authenticate(
                request=self.request, username=username, password=password, via="web"
            )
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


def _password(label: Any, autocomplete: str, **extra: Any) -> forms.CharField:
    # Django's password fields, bounded (cqo/lib/bounds.py)
    return forms.CharField(
        label=label,
        strip=False,
        max_length=bounds.PASSWORD,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **extra,
    )


class PasswordForm(PasswordChangeForm):
    """Django's check of the old password and of the new one twice, for
    cqo.accounts.services.password_change; saving is the service's."""

    old_password = _password(_("原密码"), "current-password")
    new_password1 = _password(
        _("新密码"),
        "new-password",
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    new_password2 = _password(_("再次输入新密码"), "new-password")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class SecondFactorForm(forms.Form):
    """The 6-digit code of an authenticator app (RFC 6238), at sign-in and at enrolment."""

    # six digits (RFC 6238 as the apps use it); spaces the user types between them are dropped
    code = forms.CharField(
        label=_("动态验证码"),
        max_length=CODE_LENGTH + 2,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != CODE_LENGTH or not code.isascii() or not code.isdigit():
            raise forms.ValidationError(_("请输入验证器应用显示的 6 位数字"))
        return code
