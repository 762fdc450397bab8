"""Sign-in with a bound on password guessing, shared by the login page and the API token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import LoginFailure, User
from cqo.audit.services import audit_record


def _client_ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def login_blocked(username: str) -> bool:
    since = timezone.now() - timedelta(minutes=settings.CQO_LOGIN_LOCK_MINUTES)
    recent = LoginFailure.objects.filter(username__iexact=username, at__gte=since).count()
    return recent >= settings.CQO_LOGIN_MAX_FAILURES


def user_authenticate(
    *, request: HttpRequest | None, username: str, password: str, via: str
) -> User:
    """The user for these credentials, or ValidationError. After CQO_LOGIN_MAX_FAILURES failures
    within CQO_LOGIN_LOCK_MINUTES the account name is refused until the window passes."""
    if login_blocked(username):
        raise ValidationError(
            _("登录失败次数过多，请%(m)d分钟后再试") % {"m": settings.CQO_LOGIN_LOCK_MINUTES},
            code="throttled",
        )
    user: Any = authenticate(request, username=username, password=password)
    if not isinstance(user, User):
        LoginFailure.objects.create(username=username[:150], ip=_client_ip(request))
        # One message for an unknown user and a wrong password, so usernames do not leak.
        raise ValidationError(_("用户名或密码错误"), code="invalid_login")
    LoginFailure.objects.filter(username__iexact=username).delete()
    audit_record(
        actor=user,
        action="login",
        target_type="user",
        target_id=user.username,
        target_repr=str(user),
        note=via,
    )
    return user
