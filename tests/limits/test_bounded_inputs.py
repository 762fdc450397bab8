"""Every text any input path accepts has a maximum length (STYLE.md "Writing code"; the issue
"Hardening, second round"): each string of every API request body and query parameter, each
CharField of every page form, each typed text column of every model.

Path parameters are left to their URL patterns (the request line itself is bounded by gunicorn's
``limit_request_line``, 4094 bytes)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.validators import MaxLengthValidator
from django.db import models

import cqo
from cqo.api import api

# A string bounded otherwise than by maxLength: a choice, a pattern, or a parsed format.
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "decimal", "binary", "email"}


def _schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def _unbounded(
    node: dict[str, Any], where: str, components: dict[str, Any], seen: frozenset[str]
) -> Iterator[str]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _unbounded(components[name], f"{where}<{name}>", components, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        subs = node.get(key, [])
        # a Decimal: a number, or the same as a string (pydantic's schema of Decimal)
        kinds = [s.get("type") for s in subs if s.get("type") != "null"]
        decimal = sorted(kinds) == ["number", "string"]
        for sub in subs:
            if decimal and sub.get("type") == "string":
                continue
            yield from _unbounded(sub, where, components, seen)
    kind = node.get("type")
    if kind == "string" and not (
        "maxLength" in node
        or "enum" in node
        or "const" in node
        or "pattern" in node
        or node.get("format") in BOUNDED_FORMATS
    ):
        yield where
    if kind == "array":
        if "maxItems" not in node:
            yield f"{where} (no maxItems)"
        if "items" in node:
            yield from _unbounded(node["items"], f"{where}[]", components, seen)
    if kind == "object" or "properties" in node:
        for name, sub in node.get("properties", {}).items():
            yield from _unbounded(sub, f"{where}.{name}", components, seen)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            if "maxProperties" not in node:
                yield f"{where} (no maxProperties)"
            if "propertyNames" in node:
                yield from _unbounded(node["propertyNames"], f"{where}{{key}}", components, seen)
            else:
                yield f"{where}{{key}} (keys unbounded)"
            yield from _unbounded(extra, f"{where}{{}}", components, seen)


def unbounded_api_inputs() -> list[str]:
    schema = _schema()
    components = schema.get("components", {}).get("schemas", {})
    found: list[str] = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                found += _unbounded(
                    parameter.get("schema", {}),
                    f"{where} ?{parameter['name']}",
                    components,
                    frozenset(),
                )
            for content in operation.get("requestBody", {}).get("content", {}).values():
                found += _unbounded(content["schema"], f"{where} body", components, frozenset())
    return found


def test_it_bounds_every_string_of_every_api_request() -> None:
    assert unbounded_api_inputs() == []


def test_it_would_see_an_unbounded_string() -> None:
    components = {
        "In": {
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string", "maxLength": 3}},
        }
    }
    found = list(
        _unbounded({"$ref": "#/components/schemas/In"}, "POST /x body", components, frozenset())
    )
    assert found == ["POST /x body<In>.a"]


def project_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(cqo.__path__, "cqo."):
        if ".tests" in info.name or info.name.endswith(".test") or ".migrations" in info.name:
            continue
        if info.name.endswith("__main__") or info.name == "cqo.lib.pdf_warm":
            continue
        importlib.import_module(info.name)
    found = set()
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("cqo."):
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def unbounded_form_fields(form: type[forms.BaseForm]) -> list[str]:
    """The CharFields without max_length: of an instance where the form can be made without
    arguments (some set their fields' limits in ``__init__``), else of its declared fields."""
    try:
        fields = form().fields  # type: ignore[call-arg]
    except TypeError:
        fields = form.base_fields
    return [
        f"{form.__module__}.{form.__qualname__}.{name}"
        for name, field in fields.items()
        if isinstance(field, forms.CharField) and not field.max_length
    ]


def test_it_finds_the_forms_of_every_app() -> None:
    names = {f"{c.__module__}.{c.__qualname__}" for c in project_forms()}
    assert {
        "cqo.registry.forms.EnterpriseForm",
        "cqo.blacklist.forms.ListingForm",
        "cqo.hours.views.RecordForm",
    } <= names


@pytest.mark.django_db
@pytest.mark.parametrize("form", project_forms(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_it_bounds_every_text_field_of_every_form(form: type[forms.BaseForm]) -> None:
    assert unbounded_form_fields(form) == []


def typed_text_fields() -> Iterator[models.Field[Any, Any]]:
    for model in apps.get_models():
        if not model.__module__.startswith("cqo."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.editable:
                yield field


def test_it_bounds_every_text_column_a_person_can_fill() -> None:
    unbounded = []
    for field in typed_text_fields():
        if not field.max_length:
            unbounded.append(str(field))
        elif isinstance(field, models.TextField) and not any(
            isinstance(v, MaxLengthValidator) and v.limit_value == field.max_length
            for v in field.validators
        ):
            unbounded.append(f"{field} (no MaxLengthValidator)")
    assert unbounded == []
