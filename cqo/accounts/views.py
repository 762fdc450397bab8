"""Signing in (the password, then the second factor of those who have one), the account page
(API tokens, password, the second factor's enrolment) and signing out."""

from __future__ import annotations

import uuid
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from cqo.accounts import region_picker, selectors, services
from cqo.accounts.forms import PasswordForm, SecondFactorForm, ThrottledAuthenticationForm
from cqo.accounts.middleware import mark_seen
from cqo.accounts.models import User
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.forms import apply_errors

# the session's sign-in waiting for its second step: the user, their backend, where to go and
# when the password was given
PENDING = "cqo_second_factor"
# a platform default: the code must follow the password within five minutes
PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    """The password step (ThrottledAuthenticationForm). A user with a confirmed device is not
    signed in yet: the second step asks for its code."""

    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if selectors.second_factor_device(user=user) is None:
            response = super().form_valid(form)
            mark_seen(self.request)
            return response
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": int(timezone.now().timestamp()),
        }
        return redirect("accounts:login_second_factor")


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if int(timezone.now().timestamp()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return (user, pending) if user is not None else None


def login_second_factor(request: HttpRequest) -> HttpResponse:
    """The sign-in's second step: the code of the user's authenticator app."""
    found = _pending_user(request)
    if found is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("请重新输入用户名和密码"))
        return redirect("accounts:login")
    user, pending = found
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_verify(
                request=request, user=user, code=form.cleaned_data["code"], via="web"
            )
        except PermissionDenied:
            request.session.pop(PENDING, None)
            return redirect("accounts:login")
        except ValidationError as exc:
            form.add_error("code", exc.messages[0])
        else:
            request.session.pop(PENDING, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            mark_seen(request)
            return redirect(pending["next"])
    return render(request, "accounts/login_second_factor.html", {"form": form})


@require_GET
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page is the platform's (the password's throttle, the second factor)."""
    return redirect_to_login(_next_url(request) or "/admin/")


def _next_url(request: HttpRequest) -> str | None:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else None


def _key_for_typing(device: Any) -> str:
    # the base32 key in groups of four, as authenticator apps accept it typed
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
def second_factor_enrol(request: AuthedHttpRequest) -> HttpResponse:
    """The signed-in user binds an authenticator app: a QR code of the otpauth URI and the key to
    type, confirmed by a first code before the device counts."""
    if selectors.second_factor_device(user=request.user) is not None:
        return render(request, "accounts/second_factor_enrol.html", {"enrolled": True})
    device = services.second_factor_pending(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_confirm(
                user=request.user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            otp_login(request, device)
            messages.success(request, _("双因素认证已启用：今后登录时须输入验证器应用的动态验证码"))
            return redirect(_next_url(request) or "accounts:account")
    # a platform default: 4 px modules, a quiet zone of 2, what a phone's camera reads off a
    # screen; error level M as the hour proofs' codes (cqo/hours/printing.py)
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)
    context = {
        "form": form,
        "qr": qr,
        "key": _key_for_typing(device),
        "next": _next_url(request) or "",
    }
    return render(request, "accounts/second_factor_enrol.html", context)


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    tokens = selectors.token_list(user=request.user)
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": tokens,
            "token_days": settings.CQO_TOKEN_DAYS,
            "second_factor": selectors.second_factor_device(user=request.user) is not None,
        },
    )


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    # only the user's own tokens: another user's answers 404 (access.token_q)
    token = get_object_or_404(selectors.token_list(user=request.user), public_id=public_id)
    services.token_revoke(actor=request.user, token=token, via="account page")
    messages.success(request, _("API 令牌已吊销，使用它的程序需重新登录"))
    return redirect("accounts:account")


@login_required
def password_change(request: AuthedHttpRequest) -> HttpResponse:
    form = PasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoked = services.password_change(
                actor=request.user,
                user=request.user,
                password=form.cleaned_data["new_password1"],
                via="web",
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)  # this browser stays signed in
            message = _("密码已修改")
            if revoked:
                message += _("；您的 API 令牌已全部吊销")
            messages.success(request, message)
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@require_GET
def region_picker_part(request: HttpRequest) -> HttpResponse:
    """The picker's three lists for the choices made so far (HTMX; public: the registration
    page uses it before anyone is signed in)."""
    g = request.GET
    picker = region_picker.picker(
        province=g.get("region_province", "")[:6],
        city=g.get("region_city", "")[:6],
        county=g.get("region", "")[:6],
        q=g.get("region_q", ""),
    )
    return render(request, "accounts/_region_selects.html", {"picker": picker})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out of the pages (and the admin): the user's API tokens are revoked too."""
    if isinstance(request.user, User):
        services.user_logout(user=request.user, via="web")
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
