from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from cqo.accounts.services import user_authenticate


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login page's form, going through the same guessing bound as the API."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = user_authenticate(
                request=self.request, username=username, password=password, via="web"
            )
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PasswordForm(PasswordChangeForm):
    """Django's check of the old password and of the new one twice, for
    cqo.accounts.services.password_change; saving is the service's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
