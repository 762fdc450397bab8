"""Password validators whose refusals speak the user's language. Django 5 reworded the
minimum-length message and its Chinese catalogue has no translation of the new wording, so a
short password was refused in English; the same rule, with the message ours (Chinese first, the
English catalogue merged like every other)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。",
            "密码太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
