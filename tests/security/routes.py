"""Every route of the platform, read from the URL map itself: the operations of the API's OpenAPI
schema and the page patterns of config.urls."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from cqo.api import api

API_PREFIX = "/api/v1"

# Page prefixes not checked here, each for a reason:
SKIPPED_PAGE_PREFIXES = (
    "admin/",  # Django's admin: staff-only by Django itself, with its own tests upstream
    "i18n/",  # Django's set_language: a public language switch that stores no data
    "api/v1/",  # the API: checked operation by operation from its OpenAPI schema below
    "static/",  # static files (served by whitenoise in production, not views)
    "media/",  # uploaded files served by the development server only (DEBUG)
)


@functools.cache
def openapi_schema() -> dict[str, Any]:
    # built once: ninja builds it afresh on every call (seconds for ~190 operations)
    return dict(api.get_openapi_schema())


def api_routes() -> list[str]:
    """``"METHOD /api/v1/path"`` of every operation in the OpenAPI schema."""
    schema = openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    )


def public_api_routes() -> set[str]:
    schema = openapi_schema()
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
        if not op.get("security")
    }


def _walk(resolver: URLResolver, prefix: str) -> Iterator[str]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def page_routes() -> list[str]:
    """``"GET /pattern"`` of every page pattern, in Django's path syntax."""
    patterns = {p for p in _walk(get_resolver(), "") if not p.startswith(SKIPPED_PAGE_PREFIXES)}
    return sorted(f"GET /{p}" for p in patterns)


API_PARAM = re.compile(r"\{(\w+)\}")
PAGE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def params_of(route: str) -> dict[str, str]:
    """The path parameters of a route and their kind: int, uuid or str."""
    method, path = route.split(" ", 1)
    if path.startswith(API_PREFIX):
        operation = openapi_schema()["paths"][path][method.lower()]
        kinds = {}
        for param in operation.get("parameters", []):
            if param["in"] == "path":
                schema = param.get("schema", {})
                kind = "int" if schema.get("type") == "integer" else "str"
                kinds[param["name"]] = "uuid" if schema.get("format") == "uuid" else kind
        return {name: kinds.get(name, "str") for name in API_PARAM.findall(path)}
    return {name: conv or "str" for conv, name in PAGE_PARAM.findall(path)}


def fill(route: str, values: dict[str, str]) -> str:
    path = route.split(" ", 1)[1]
    if path.startswith(API_PREFIX):
        return API_PARAM.sub(lambda m: values[m.group(1)], path)
    return PAGE_PARAM.sub(lambda m: values[m.group(2)], path)
