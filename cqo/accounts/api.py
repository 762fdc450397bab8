"""Authentication for the REST API: exchange a password for a bearer token, sign out (revoke
it), and say who I am."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from cqo.accounts import selectors, services
from cqo.accounts.models import Role, User
from cqo.accounts.services import token_issue, user_authenticate

router = Router(tags=["auth"])


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The one error shape of the API (STYLE.md "Writing code")."""

    detail: list[FieldError]


# Documented on every authenticated endpoint; the handlers in cqo/api.py produce them.
ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=4096)
    # six digits; spaces between them are dropped (cqo.accounts.forms.SecondFactorForm)
    code: str = Field(
        "",
        max_length=8,
        description="The 6-digit code of the user's authenticator app, when they have enrolled one",
    )


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime
    role: Role


class MeOut(Schema):
    username: str
    display_name: str = Field(description="How pages name the user: name and role, never the login")
    role: Role
    region: str | None = Field(None, description="GB/T 2260 code of a regulator's region")
    enterprise: str | None = Field(None, description="USCC of a clerk's enterprise")

    @staticmethod
    def resolve_display_name(obj: User) -> str:
        return obj.display_name or obj.label

    @staticmethod
    def resolve_region(obj: User) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_enterprise(obj: User) -> str | None:
        return obj.enterprise.uscc if obj.enterprise is not None else None


def _second_factor(request: HttpRequest, user: User, code: str) -> None:
    """The API asks what the pages ask (GB/T 22239-2019 8.1.4.1): the code of an enrolled
    device (d)); a role that requires one and has none enrols on the pages first, and an expired
    password (a) 定期更换) is changed there first."""
    if selectors.second_factor_device(user=user) is not None:
        services.second_factor_verify(
            request=request, user=user, code="".join(code.split()), via="api token"
        )
    elif selectors.second_factor_required(user=user):
        raise ValidationError(
            _("您的角色须启用双因素认证：请先登录网页端完成绑定"), code="not_enrolled"
        )
    if selectors.password_expired(user=user):
        raise ValidationError(_("您的密码已过期：请先登录网页端修改密码"), code="expired")


@router.post(
    "/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Exchange a user name and password for a bearer token, valid for ``CQO_TOKEN_DAYS`` days
    (7 by default) unless revoked earlier: ``POST /auth/logout``, the account page, signing out
    of the pages, a password change or deactivation. A user who enrolled an authenticator app
    gives its current ``code`` too. 401 for wrong credentials, a wrong code, a role that
    requires a second factor without one enrolled, or an expired password; 429 after too many
    failures of this user name from this address, or from this address."""
    try:
        user = user_authenticate(
            request=request, username=payload.username, password=payload.password, via="api token"
        )
        _second_factor(request, user, payload.code)
    except ValidationError as exc:
        status = 429 if exc.code == "throttled" else 401
        return Status(status, {"detail": [{"field": "__all__", "message": exc.messages[0]}]})
    key, token = token_issue(user=user, label=request.headers.get("User-Agent", ""))
    return Status(200, {"token": key, "expires_at": token.expires_at, "role": user.role})


@router.post("/auth/logout", response={204: None, 401: ErrorOut})
def token_logout(request: HttpRequest) -> Status[None]:
    """Sign out of the API: the token that made this request is revoked at once (204, no body);
    the user's other tokens keep working. Audited."""
    user = request.user  # set by cqo.api.BearerToken
    if not isinstance(user, User):
        raise PermissionDenied
    services.token_logout(user=user)
    return Status(204, None)


@router.get("/auth/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> User:
    user = request.user  # set by cqo.api.BearerToken
    if not isinstance(user, User):
        raise PermissionDenied
    return user
