"""The REST API: one NinjaAPI under /api/v1/ mounting each app's router.

OpenAPI docs at /api/v1/docs.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from cqo.accounts.models import ApiToken
from cqo.lib import faults, pdf


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="CQO Platform API",
    version="1",
    description="首席质量官管理平台 REST API. Authenticate with `POST /api/v1/auth/token`, then "
    'send `Authorization: Bearer <token>`. Errors: `{"detail": [{"field", "message"}]}`.',
    auth=BearerToken(),
    urls_namespace="api",
)


def validation_detail(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": str(message)}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [{"field": "__all__", "message": str(m)} for m in exc.messages]


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_detail(exc)}, status=422)


# The limits of cqo/lib/bounds.py, said in the platform's language (pydantic says them in English).
LIMIT_MESSAGES = {
    "string_too_long": gettext_lazy("不能超过 %(max_length)d 个字符"),
    "too_long": gettext_lazy("最多 %(max_length)d 项"),
}


def schema_message(err: dict[str, Any]) -> str:
    message = LIMIT_MESSAGES.get(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if message is not None and isinstance(ctx.get("max_length"), int):
        return str(message) % {"max_length": ctx["max_length"]}
    return str(err.get("msg", ""))


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = []
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", []) if x not in ("body", "payload", "query", "path")]
        detail.append({"field": ".".join(loc) or "__all__", "message": schema_message(err)})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # e.g. a body that is not JSON: same error shape as every other rejection
    return api.create_response(
        request, {"detail": [{"field": "__all__", "message": str(exc)}]}, status=exc.status_code
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"detail": [{"field": "__all__", "message": "not found"}]}, status=404
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or "permission denied"
    return api.create_response(
        request, {"detail": [{"field": "__all__", "message": message}]}, status=403
    )


@api.exception_handler(pdf.RenderTimeout)
def on_render_timeout(request: HttpRequest, exc: pdf.RenderTimeout) -> HttpResponse:
    # 503 with Retry-After, as the pages answer (cqo/lib/faults.py); also with DEBUG on
    return faults.render_timeout_response(request, exc)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": [{"field": "__all__", "message": "authentication required"}]},
        status=401,
    )


api.add_router("/", "cqo.accounts.api.router")
api.add_router("/", "cqo.reference.api.router")
api.add_router("/", "cqo.registry.api.router")
api.add_router("/", "cqo.policy.api.router")
api.add_router("/", "cqo.blacklist.api.router")
api.add_router("/", "cqo.ledger.api.router")
api.add_router("/", "cqo.hours.api.router")
api.add_router("/", "cqo.training.api.router")
api.add_router("/", "cqo.imports.api.router")
api.add_router("/", "cqo.talent.api.router")
api.add_router("/", "cqo.coverage.api.router")
api.add_router("/", "cqo.certification.api.router")
api.add_router("/", "cqo.evaluation.api.router")
api.add_router("/", "cqo.community.api.router")
