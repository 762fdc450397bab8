"""The OpenAPI document describes each operation with the schemas of its own handler.

django-ninja names an OpenAPI component after the pydantic class (or enum) it comes from and
keeps one component per name: two classes of one name in different routers, or a model's
``Status`` enum and another model's, end up as one component, and every operation but one
documents the other class's fields (a client generated from the document then sends and
expects the wrong shape). Here each operation's request body, parameters and responses are
built again from its own classes alone and compared with the document, and every component
name must come from exactly one class.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from cqo.api import api, document_around_the_handler, document_the_form


def operations() -> Iterator[tuple[str, Operation]]:
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield (
                        f"{method} /{bound.prefix.strip('/')}/{path.lstrip('/')}".replace(
                            "//", "/"
                        ),
                        operation,
                    )


def _empty_document() -> OpenAPISchema:
    document = OpenAPISchema.__new__(OpenAPISchema)
    document.api = api
    document.path_prefix = ""
    document.schemas = {}
    document.securitySchemes = {}
    document.all_operation_ids = set()
    return document


def alone(operation: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    """The operation's OpenAPI entry and the components it needs, built from its own classes
    only (a document with nothing else in it, so nothing else can take a name)."""
    document = _empty_document()
    entry = document.operation_details(operation)
    document_around_the_handler(entry)
    document_the_form(entry)
    return entry, document.schemas


def by_direction(operation: Operation) -> tuple[dict[str, Any], dict[str, Any]]:
    """The components the operation's request needs (as pydantic validates them) and those its
    responses need (as it serializes them), apart."""
    request, response = _empty_document(), _empty_document()
    request.request_body(operation)
    request.operation_parameters(operation)
    response.responses(operation)
    return request.schemas, response.schemas


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema()


def documented(document: dict[str, Any], operation: Operation) -> dict[str, Any]:
    for path_ops in document["paths"].values():
        for entry in path_ops.values():
            if entry["operationId"] == api.get_openapi_operation_id(operation) or (
                entry["operationId"] == operation.operation_id
            ):
                return entry  # type: ignore[no-any-return]
    raise AssertionError(f"{operation.view_func.__name__} is not in the document")


def test_it_documents_every_operation_with_its_own_classes(document: dict[str, Any]) -> None:
    wrong: list[str] = []
    for label, operation in operations():
        entry, needed = alone(operation)
        shown = documented(document, operation)
        for part in ("requestBody", "responses", "parameters"):
            if shown.get(part) != entry.get(part):
                wrong.append(f"{label}: {part}")
        for name, schema in needed.items():
            if document["components"]["schemas"].get(name) != schema:
                wrong.append(f"{label}: component {name} is another class's")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_it_names_a_class_read_and_written_differently_apart(document: dict[str, Any]) -> None:
    # a class that is a request body somewhere and a response elsewhere must document the same
    # schema both ways (one component serves both); a Decimal reads as a number or a string
    # but is written as a string, so such a class needs an input and an output class
    read: dict[str, Any] = {}
    written: dict[str, Any] = {}
    for _label, operation in operations():
        request, response = by_direction(operation)
        read |= request
        written |= response
    both = [n for n in read.keys() & written.keys() if read[n] != written[n]]
    assert not both, sorted(both)


def _refs(core: Any, found: set[str]) -> None:
    """Every class a pydantic core schema refers to, as ``module.QualName``."""
    if isinstance(core, dict):
        ref = core.get("ref")
        if isinstance(ref, str) and ":" in ref:
            found.add(ref.rsplit(":", 1)[0])
        for value in core.values():
            _refs(value, found)
    elif isinstance(core, list | tuple):
        for value in core:
            _refs(value, found)


def component_name(qualified: str) -> str:
    # pydantic's short reference: the class name without its module and outer classes
    return re.sub(r"(?:[^.[\]]+\.)+([^.[\]]+)", r"\1", qualified)


def test_it_gives_every_component_name_to_one_class(document: dict[str, Any]) -> None:
    components = set(document["components"]["schemas"])
    owners: dict[str, set[str]] = defaultdict(set)
    for _label, operation in operations():
        models = [*operation.models, *operation.response_models.values()]
        for model in models:
            core = getattr(model, "__pydantic_core_schema__", None)
            found: set[str] = set()
            _refs(core, found)
            for qualified in found:
                name = component_name(qualified)
                if name in components:
                    owners[name].add(qualified)
    shared = {name: sorted(classes) for name, classes in owners.items() if len(classes) > 1}
    assert not shared, "\n".join(f"{n}: {', '.join(c)}" for n, c in sorted(shared.items()))
