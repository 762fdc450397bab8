"""Every service states its inputs (STYLE.md, "Writing code"): keyword-only typed arguments or
one frozen input dataclass; no parameter takes a dict, a mapping or Any to be read by key."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import typing
from collections.abc import Iterator, Mapping
from types import ModuleType
from typing import Any

import pytest

import cqo

LOOSE = (dict, Mapping)


def service_modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(cqo.__path__, "cqo."):
        parts = info.name.split(".")
        # an app's services module or package; its private helper modules (_common) are not
        # what other code calls
        if parts[2:3] == ["services"] and not any(p.startswith("_") for p in parts[3:]):
            yield importlib.import_module(info.name)


def services() -> list[tuple[str, Any]]:
    found = {}
    for module in service_modules():
        for name, fn in vars(module).items():
            if (
                inspect.isfunction(fn)
                and not name.startswith("_")
                and fn.__module__ == module.__name__
            ):
                found[f"{fn.__module__}.{name}"] = fn
    return sorted(found.items())


def loose(annotation: Any) -> bool:
    """Any, a bare dict or mapping, or one whose values may be anything: a bag of inputs read
    by key. A mapping of stated types (a JSON snapshot's str -> str | int) is a value."""
    if annotation in (Any, object):
        return True
    if isinstance(annotation, type) and issubclass(annotation, LOOSE):
        return True
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is not None and isinstance(origin, type) and issubclass(origin, LOOSE):
        return len(args) != 2 or args[1] in (Any, object) or loose(args[1])
    return any(loose(arg) for arg in args)


def loose_text(text: str, names: dict[str, Any]) -> bool:
    """The same question of an annotation as written (``from __future__ import annotations``),
    for annotations that cannot be evaluated at run time (django-stubs' generic File[bytes])."""

    def check(node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            if node.id in ("Any", "object", "dict", "Mapping"):
                return True
            value = names.get(node.id)
            return value is not None and not isinstance(value, type) and loose(value)
        if isinstance(node, ast.Attribute):
            return node.attr in ("Any", "Mapping")
        if isinstance(node, ast.Subscript):
            base = node.value
            base_name = base.id if isinstance(base, ast.Name) else getattr(base, "attr", "")
            if base_name in ("dict", "Mapping"):
                parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                return len(parts) != 2 or check(parts[1])
            return check(node.slice)
        if isinstance(node, ast.Tuple):
            return any(check(e) for e in node.elts)
        if isinstance(node, ast.BinOp):
            return check(node.left) or check(node.right)
        return False

    return check(ast.parse(text, mode="eval").body)


def offending_parameters(fn: Any) -> list[str]:
    try:
        hints = typing.get_type_hints(fn)
    except TypeError:
        hints = None
    found = []
    for name, param in inspect.signature(fn).parameters.items():
        if hints is not None:
            if loose(hints.get(name, Any)):
                found.append(name)
        elif param.annotation is inspect.Parameter.empty or loose_text(
            str(param.annotation), fn.__globals__
        ):
            found.append(name)
    return found


def test_it_finds_the_services() -> None:
    assert len(services()) > 100


@pytest.mark.parametrize(("name", "fn"), services(), ids=[n for n, _ in services()])
def test_it_takes_no_dict_or_any_for_input(name: str, fn: Any) -> None:
    offending = offending_parameters(fn)
    assert offending == [], f"{name} takes {offending} as a dict, mapping or Any"
