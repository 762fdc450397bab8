"""Password validators whose refusals speak the user's language. Django 5 reworded the
minimum-length message and its Chinese catalogue has no translation of the new wording, so a
short password was refused in English; the same rule, with the message ours (Chinese first, the
English catalogue merged like every other).

GB/T 22239-2019 8.1.4.1 a) asks that 身份鉴别信息具有复杂度要求并定期更换: the length and
the classes of characters are settings (CQO_PASSWORD_MIN_LENGTH, CQO_PASSWORD_MIN_CLASSES), the
periodic change is CQO_PASSWORD_MAX_AGE_DAYS (cqo/accounts/middleware.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """CQO_PASSWORD_MIN_LENGTH unless the validator's OPTIONS give one (read when used: Django
    keeps the validators it built)."""

    def __init__(self, min_length: int | None = None) -> None:
        self._min_length = min_length

    @property  # type: ignore[override]  # Django's is a plain attribute
    def min_length(self) -> int:
        if self._min_length is not None:
            return self._min_length
        return int(settings.CQO_PASSWORD_MIN_LENGTH)

    @min_length.setter
    def min_length(self, value: int) -> None:
        self._min_length = value

    def get_error_message(self) -> str:
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。",
            "密码太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}


def character_classes(password: str) -> int:
    """How many of the four classes the password draws on: capitals, small letters, digits,
    and any other sign (punctuation, a space, a Chinese character)."""
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isupper() or c.islower() or c.isdigit()) for c in password),
        )
    )


class ComplexityValidator:
    """At least ``CQO_PASSWORD_MIN_CLASSES`` of the four classes of characters."""

    def __init__(self, min_classes: int | None = None) -> None:
        self._min_classes = min_classes

    @property
    def min_classes(self) -> int:
        if self._min_classes is not None:
            return self._min_classes
        return int(settings.CQO_PASSWORD_MIN_CLASSES)

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "密码过于简单：须包含大写字母、小写字母、数字、其他符号中的至少"
                    " %(n)d 类（GB/T 22239-2019 8.1.4.1 a)）。"
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、其他符号中的至少 %(n)d 类。") % {
            "n": self.min_classes
        }
