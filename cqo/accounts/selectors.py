from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cqo.accounts import access
from cqo.accounts.models import ApiToken, User


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens that still work, newest first."""
    return ApiToken.objects.filter(access.token_q(user), expires_at__gt=timezone.now()).order_by(
        "-created_at", "-pk"
    )


# Sign-in policy (GB/T 22239-2019 8.1.4.1; config/settings.py says which clause asks what) -------


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, or None: who has one is asked for its code after the
    password, whatever their role."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_required(*, user: User) -> bool:
    """Whether the user's role must sign in with a second factor (CQO_2FA_REQUIRED_ROLES)."""
    return user.role in set(settings.CQO_2FA_REQUIRED_ROLES)


def password_expired(*, user: User) -> bool:
    """Whether the user's password is older than CQO_PASSWORD_MAX_AGE_DAYS (0: never). A password
    never changed on the platform is as old as the account."""
    days = settings.CQO_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    since = user.password_changed_at or user.date_joined
    return timezone.now() - since > timedelta(days=days)
