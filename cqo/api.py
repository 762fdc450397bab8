"""The REST API: one NinjaAPI under /api/v1/ mounting each app's router.

OpenAPI docs at /api/v1/docs.
"""

from __future__ import annotations

import copy
import json
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import HttpBearer

from cqo.accounts.models import ApiToken
from cqo.lib import faults, pdf
from cqo.lib.errors import TooManyRequests


class BearerToken(HttpBearer):
    """``Authorization: Bearer <key>``: a live token of an active user (ApiToken.user_for: one
    prepared statement). A revoked token has no row left, so it is refused at once."""

    def authenticate(self, request: HttpRequest, token: str):  # type: ignore[no-untyped-def]
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
            # "last used" for the account page: a write at most once per LAST_USED_STEP
            ApiToken.note_use(user)
        return user


# What any operation may answer besides what its handler declares, because something before or
# around the handler answers it: a query or form value with NUL, or a body that is not JSON
# (cqo.lib.middleware, ninja); a body over CQO_REQUEST_MAX_BYTES (config.security); the
# database gone mid-request (cqo.lib.faults, with Retry-After); and, where a token is needed,
# none or a bad one. Every one of them comes in the one error shape.
AROUND_THE_HANDLER = {
    400: "Bad Request: a value containing NUL, or a body that cannot be parsed",
    413: "Content Too Large: the request body is over the platform's limit",
    503: "Service Unavailable: the database is unavailable; nothing was changed (Retry-After)",
}
SIGNED_IN = {401: "Unauthorized: no valid bearer token"}
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorOut"}


def document_around_the_handler(operation: dict[str, Any]) -> None:
    """Add the statuses of AROUND_THE_HANDLER (and 401 where a token is needed) to one
    operation of the OpenAPI document, unless its handler declares them itself."""
    statuses = dict(AROUND_THE_HANDLER)
    if operation.get("security"):
        statuses |= SIGNED_IN
    for status, description in statuses.items():
        operation["responses"].setdefault(
            status,
            {
                "description": description,
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            },
        )


def document_the_form(operation: dict[str, Any]) -> None:
    """A multipart form as a client can send it: only the fields the handler reads (an unknown
    part, whose name may not even survive the multipart parser, is not part of the form), and
    an optional field left out rather than null (a form has no null: "null" would be a text),
    a required text and a file with something in them (an empty part reads as none)."""
    content = operation.get("requestBody", {}).get("content", {})
    form = content.get("multipart/form-data", {}).get("schema")
    if not form or "properties" not in form:
        return
    # a copy: the form's fields are the same objects as those of the JSON body's component
    form = content["multipart/form-data"]["schema"] = copy.deepcopy(form)
    form["additionalProperties"] = False
    required = set(form.get("required", []))
    for name, field in form["properties"].items():
        if name in required and field.get("type") == "string":
            field.setdefault("minLength", 1)  # an empty text part reads as no part
        if field.get("format") == "binary":
            field.setdefault("minLength", 1)
        alternatives = field.get("anyOf")
        if alternatives and {"type": "null"} in alternatives:
            kept = [a for a in alternatives if a != {"type": "null"}]
            del field["anyOf"]
            field.update(kept[0] if len(kept) == 1 else {"anyOf": kept})


class CqoApi(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in document["paths"].values():
            for operation in operations.values():
                document_around_the_handler(operation)
                document_the_form(operation)
        for name, schema in _error_schemas().items():
            document["components"]["schemas"].setdefault(name, schema)
        return document


def without_nul(value: Any) -> Any:
    """``value`` with NUL dropped from every string in it, keys included."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


class NulFreeParser(Parser):
    """PostgreSQL text cannot hold NUL: it is dropped from every string of a JSON body before
    the schemas see it, as from query and form values it is refused (cqo/lib/middleware.py), so
    no such value reaches a query or a row."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return cast(dict[str, Any], without_nul(json.loads(request.body)))


def _error_schemas() -> dict[str, Any]:
    """The components of the error shape, as ninja writes them."""
    from ninja.openapi.schema import REF_TEMPLATE
    from ninja.schema import NinjaGenerateJsonSchema

    from cqo.accounts.api import ErrorOut

    schema = ErrorOut.model_json_schema(
        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema
    )
    return {**schema.pop("$defs", {}), "ErrorOut": schema}


api = CqoApi(
    title="CQO Platform API",
    version="1",
    description="首席质量官管理平台 REST API. Authenticate with `POST /api/v1/auth/token`, then "
    'send `Authorization: Bearer <token>`. Errors: `{"detail": [{"field", "message"}]}`.',
    auth=BearerToken(),
    urls_namespace="api",
    parser=NulFreeParser(),
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


SOURCES = ("body", "payload", "query", "path", "form", "file")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = []
    for err in exc.errors:
        # the field's own name, whatever part of the request (JSON, query, path, multipart) held it
        loc = [str(x) for x in err.get("loc", []) if x not in SOURCES]
        detail.append({"field": ".".join(loc) or "__all__", "message": schema_message(err)})
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # e.g. a body that is not JSON: same error shape as every other rejection
    return api.create_response(
        request, {"detail": [{"field": "__all__", "message": str(exc)}]}, status=exc.status_code
    )


@api.exception_handler(TooManyRequests)
def on_rate_limited(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    response = api.create_response(
        request, {"detail": [{"field": "__all__", "message": str(exc)}]}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


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
