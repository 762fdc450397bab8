"""What GB/T 22239-2019 8.1.4.1 (身份鉴别, level 3) asks of a signed-in browser, checked before
every page (the API authenticates by token, not by session, and is left alone):

- b) 登录连接超时自动退出: a session idle for CQO_SESSION_IDLE_MINUTES is signed out and sent to
  the login page with the reason;
- d) 两种或两种以上组合的鉴别技术: a user whose role requires a second factor
  (CQO_2FA_REQUIRED_ROLES) and whose session has not passed one is sent to enrol it;
- a) 定期更换: a password older than CQO_PASSWORD_MAX_AGE_DAYS sends its user to change it.

Until then only the pages that do it (and signing in or out) open. Each is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from cqo.accounts import selectors, services
from cqo.accounts.models import User

# when the session was last used (seconds since the epoch)
SEEN = "cqo_seen"
# the session's password-expiry redirect was audited
EXPIRY_NOTED = "cqo_password_expiry_noted"
# the last use is written at most once in this many seconds (a platform default: idleness is
# measured to the minute), so a busy page does not rewrite its session on every request
SEEN_STEP = 60

# the pages a user held back by the policy may still open
OPEN_VIEWS = frozenset(
    {
        "accounts:login",
        "accounts:login_second_factor",
        "accounts:logout",
        "accounts:second_factor_enrol",
        "accounts:password_change",
        "set_language",
    }
)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    # an HTMX request swaps a fragment: the whole page goes instead
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def mark_seen(request: HttpRequest) -> None:
    """A sign-in starts the idle clock afresh (a kept session key keeps its data)."""
    request.session[SEEN] = int(timezone.now().timestamp())
    request.session.pop(EXPIRY_NOTED, None)


def _timed_out(request: HttpRequest, user: User) -> bool:
    """Whether the session sat idle too long; notes this request's use otherwise."""
    minutes = settings.CQO_SESSION_IDLE_MINUTES
    now = int(timezone.now().timestamp())
    seen = request.session.get(SEEN)
    if minutes > 0 and isinstance(seen, int) and now - seen > minutes * 60:
        return True
    if not isinstance(seen, int) or now - seen >= SEEN_STEP:
        request.session[SEEN] = now
    return False


class SignInPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return None
        if request.path.startswith("/api/"):
            return None
        match = request.resolver_match
        is_open = match is not None and match.view_name in OPEN_VIEWS
        if _timed_out(request, user):
            return self._sign_out(request, user, go=not is_open)
        if is_open:
            return None
        if selectors.second_factor_required(user=user) and not user.is_verified():  # type: ignore[attr-defined]  # django_otp.middleware.OTPMiddleware
            if not getattr(request, "htmx", False):  # once, not per fragment of the page
                messages.warning(
                    request, _("您的角色须启用双因素认证：请先用手机验证器应用完成绑定")
                )
            enrol = reverse("accounts:second_factor_enrol")
            return _go(request, f"{enrol}?{urlencode({'next': request.get_full_path()})}")
        if selectors.password_expired(user=user):
            if not request.session.get(EXPIRY_NOTED):
                services.password_expiry_noted(user=user, days=settings.CQO_PASSWORD_MAX_AGE_DAYS)
                request.session[EXPIRY_NOTED] = True
            if not getattr(request, "htmx", False):
                messages.warning(
                    request,
                    _("您的密码已使用超过%(d)d天，请先修改密码")
                    % {"d": settings.CQO_PASSWORD_MAX_AGE_DAYS},
                )
            return _go(request, reverse("accounts:password_change"))
        return None

    def _sign_out(self, request: HttpRequest, user: User, *, go: bool) -> HttpResponse | None:
        """Sign the idle session out; then to the login page, unless the request was for a page
        open to anyone (the login page itself: the sign-in goes on)."""
        minutes = settings.CQO_SESSION_IDLE_MINUTES
        services.session_timed_out(user=user, idle_minutes=minutes)
        auth_logout(request)
        if not go:
            return None
        messages.info(
            request, _("您已超过%(m)d分钟未操作，为安全起见已自动退出，请重新登录") % {"m": minutes}
        )
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(reverse(settings.LOGIN_URL))
        return redirect_to_login(request.get_full_path())
