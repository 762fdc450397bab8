"""Authentication for the REST API: exchange a password for a bearer token, and say who I am."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from cqo.accounts.models import ApiToken, Role, User
from cqo.accounts.services import user_authenticate

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


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime
    role: Role


class MeOut(Schema):
    username: str
    display_name: str
    role: Role
    region: str | None = Field(None, description="GB/T 2260 code of a regulator's region")
    enterprise: str | None = Field(None, description="USCC of a clerk's enterprise")

    @staticmethod
    def resolve_display_name(obj: User) -> str:
        return str(obj)

    @staticmethod
    def resolve_region(obj: User) -> str | None:
        return obj.region_id

    @staticmethod
    def resolve_enterprise(obj: User) -> str | None:
        return obj.enterprise.uscc if obj.enterprise is not None else None


@router.post(
    "/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
)
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    try:
        user = user_authenticate(
            request=request, username=payload.username, password=payload.password, via="api token"
        )
    except ValidationError as exc:
        status = 429 if exc.code == "throttled" else 401
        return Status(status, {"detail": [{"field": "__all__", "message": exc.messages[0]}]})
    key = ApiToken.issue(user)
    token = user.tokens.order_by("-pk").first()
    assert token is not None  # noqa: S101  (issued just above)
    return Status(200, {"token": key, "expires_at": token.expires_at, "role": user.role})


@router.get("/auth/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> User:
    user = request.user  # set by cqo.api.BearerToken
    if not isinstance(user, User):
        raise PermissionDenied
    return user
