"""Every key an audit call in the code records has a label (never the raw key on a page)."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps

from cqo.audit import display, labels

ROOT = Path(__file__).resolve().parents[2] / "cqo"
DIRECT = {"audit_record"}


@dataclass(frozen=True)
class Site:
    where: str
    target_types: frozenset[str]
    keys: frozenset[str]
    prefixes: frozenset[str]


def _modules() -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent)
        if "migrations" in rel.parts or rel.parts[1] == "audit":
            continue
        module = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
        yield module, path, ast.parse(path.read_text(encoding="utf-8"))


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            yield node


def _calls(node: ast.AST, names: set[str]) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call) and _name(n) in names]


def _passes_changes(func: ast.FunctionDef) -> bool:
    params = [a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]]
    return "changes" in params or func.args.kwarg is not None


def _auditing_names(trees: list[ast.Module]) -> set[str]:
    """audit_record and the wrappers that hand it their callers' changes (audit, _audit…)."""
    names = set(DIRECT)
    while True:
        found = names | {
            f.name
            for tree in trees
            for f in _functions(tree)
            if _passes_changes(f) and _calls(f, names)
        }
        if found == names:
            return names
        names = found


def _known_types() -> set[str]:
    types = set(labels.TARGET_MODELS)
    types |= {m._meta.model_name for m in apps.get_models() if m._meta.model_name}
    return types


def _evaluate(expr: ast.expr, namespace: dict[str, Any]) -> list[Any]:
    if isinstance(expr, ast.IfExp):
        return _evaluate(expr.body, namespace) + _evaluate(expr.orelse, namespace)
    try:
        return [eval(compile(ast.Expression(expr), "<scan>", "eval"), dict(namespace))]  # noqa: S307  (the repository's own expressions)
    except Exception:  # a local variable: not known here
        return []


def _dict_keys(node: ast.Dict, keys: set[str], prefixes: set[str]) -> None:
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:  # **{...} or **({...} if … else {})
            for inner in ast.walk(value):
                if isinstance(inner, ast.Dict):
                    _dict_keys(inner, keys, prefixes)
        elif isinstance(key, ast.Constant) and isinstance(key.value, str):
            keys.add(key.value)
        elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
            prefixes.add(str(key.values[0].value))


def _changes(func: ast.FunctionDef, calls: list[ast.Call], namespace: dict[str, Any]):
    keys: set[str] = set()
    prefixes: set[str] = set()
    dicts: list[ast.AST] = []
    for call in calls:
        dicts += [a for a in call.args if isinstance(a, ast.Dict)]
        dicts += [k.value for k in call.keywords if k.arg == "changes"]
    for node in ast.walk(func):
        target = None
        if isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id == "changes":
            dicts.append(value)
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Constant)
            and isinstance(target.value, ast.Name)
            and target.value.id == "changes"
        ):
            keys.add(str(target.slice.value))
        if isinstance(node, ast.Call) and _name(node) == "snapshot" and len(node.args) == 2:
            for fields in _evaluate(node.args[1], namespace):
                keys |= {f for f in fields if isinstance(f, str)}
    for node in dicts:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Dict):
                _dict_keys(inner, keys, prefixes)
    return keys, prefixes


def _sites() -> list[Site]:
    parsed = list(_modules())
    names = _auditing_names([tree for _m, _p, tree in parsed])
    known = _known_types()
    sites = []
    for module, path, tree in parsed:
        app = module.split(".")[1] if "." in module else ""
        for func in _functions(tree):
            calls = _calls(func, names)
            if not calls:
                continue
            namespace = vars(importlib.import_module(module))
            keys, prefixes = _changes(func, calls, namespace)
            if not keys and not prefixes:
                continue
            types = {
                value
                for call in calls
                for expr in [*call.args, *(k.value for k in call.keywords)]
                for value in _evaluate(expr, namespace)
                if isinstance(value, str) and value in known
            }
            if not types:  # a wrapper that names the record itself: any record of the app
                types = {
                    t for t in known if any(m._meta.app_label == app for m in display.models_of(t))
                }
            where = f"{path.relative_to(ROOT.parent)}:{func.lineno} {func.name}"
            sites.append(Site(where, frozenset(types), frozenset(keys), frozenset(prefixes)))
    return sites


def test_it_finds_the_audit_calls_of_the_code() -> None:
    sites = _sites()
    assert len(sites) > 40
    keys = set().union(*(s.keys for s in sites))
    # a few the scan must see, through each kind of call
    assert {"declarations", "review_request", "sha256", "regions", "status", "forms"} <= keys
    assert "review:" in set().union(*(s.prefixes for s in sites))


def test_every_key_recorded_by_the_code_has_a_label() -> None:
    missing = []
    for site in _sites():
        for key in site.keys:
            if not any(display.is_labelled(t, key) for t in site.target_types):
                missing.append(f"{site.where}: {key} ({', '.join(sorted(site.target_types))})")
        for prefix in site.prefixes:
            if prefix not in labels.PREFIXES:
                missing.append(f"{site.where}: {prefix}…")
    assert not missing, "\n".join(sorted(missing))
