"""The account page (API tokens, password) and signing out."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cqo.accounts import region_picker, selectors, services
from cqo.accounts.forms import PasswordForm
from cqo.accounts.models import User
from cqo.accounts.types import AuthedHttpRequest
from cqo.lib.forms import apply_errors


@login_required
def account(request: AuthedHttpRequest) -> HttpResponse:
    tokens = selectors.token_list(user=request.user)
    return render(
        request,
        "accounts/account.html",
        {"tokens": tokens, "token_days": settings.CQO_TOKEN_DAYS},
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
