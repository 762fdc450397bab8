"""Every service states its inputs (STYLE.md, "Writing code"): keyword-only typed arguments or
one frozen input dataclass; no parameter takes a dict, a mapping or Any to be read by key."""

from __future__ import annotations

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
        if "services" in parts[2:3]:
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
    if annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is not None and isinstance(origin, type) and issubclass(origin, LOOSE):
        return True
    if isinstance(annotation, type) and issubclass(annotation, LOOSE):
        return True
    return any(loose(arg) for arg in typing.get_args(annotation))


def test_it_finds_the_services() -> None:
    assert len(services()) > 100


@pytest.mark.parametrize(("name", "fn"), services(), ids=[n for n, _ in services()])
def test_it_takes_no_dict_or_any_for_input(name: str, fn: Any) -> None:
    hints = typing.get_type_hints(fn)
    offending = [
        param
        for param in inspect.signature(fn).parameters
        if param != "return" and loose(hints.get(param, Any))
    ]
    assert offending == [], f"{name} takes {offending} as a dict, mapping or Any"
