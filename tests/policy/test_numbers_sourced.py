"""Every number the platform applies names where it comes from: a clause of a source document, a
decision of the specification, or a note that it is a platform default (not from the documents).

- Packs: every number in a pack TOML sits in a table with a ``clause`` (or a ``*_clause``) or a
  ``note`` saying 平台默认 / platform default; an inline table (a condition's ``test``, an
  evaluation item) may take it from the table that holds it, up to three tables up.
- Domain rules (``cqo/*/rules.py``): a numeric literal other than 0, 1, -1 and 100 (a percent)
  sits on a line, or in a statement after a comment block, or in a function or class whose
  comment or docstring cites ``<source id> §…`` (or Annex, 附录, 前言, a named section), a
  ``SPEC §12.N`` decision, or says platform default / 平台默认. Calendar arithmetic is not a
  policy value: the month and day of a ``date(…)``, and 12 (months in a year) and 1024 (bytes in
  a kibibyte) as units.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKS = sorted((ROOT / "cqo" / "policy" / "packs").glob("*.toml"))
SOURCES = "shaanxi-2021|jiangsu-2020|shenzhen-guide|hangzhou-spec|level-standard"
CITES = re.compile(
    rf"(?:{SOURCES})\s?(?:§|Annex|附录|前言|[\u4e00-\u9fff])"
    r"|SPEC §12\.\d+|platform default|平台默认",
    re.IGNORECASE,
)
DEFAULT_NOTE = re.compile(r"platform default|平台默认", re.IGNORECASE)
ALLOWED = {0, 1, -1, 100}
UNITS = {12, 1024}  # months in a year, bytes in a kibibyte

# Numbers found in the rules of apps whose owners cite them (file, the line as written): listed
# so that a new unsourced number anywhere fails, and each entry is removed once its line cites
# its source (the stale-entry test below says which).
PENDING: set[tuple[str, str]] = set()


# Packs --------------------------------------------------------------------------------------


def _sourced(table: dict[str, Any]) -> bool:
    return any(k.endswith("clause") for k in table) or bool(
        DEFAULT_NOTE.search(str(table.get("note", "")))
    )


def _pack_numbers(node: Any, path: str, tables: tuple[dict[str, Any], ...]) -> list[str]:
    """The paths of the numbers with no clause or platform-default note nearby."""
    found: list[str] = []
    if isinstance(node, dict):
        tables = (node, *tables)
        items: list[tuple[str, Any]] = [(f"{path}.{k}".lstrip("."), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(node)]
    else:
        return found
    for where, value in items:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # the table itself or up to three tables up (not the file's top level)
            if not any(_sourced(t) for t in tables[:3] if t is not tables[-1]):
                found.append(f"{where} = {value}")
        else:
            found += _pack_numbers(value, where, tables)
    return found


@pytest.mark.parametrize("path", PACKS, ids=[p.stem for p in PACKS])
def test_every_number_of_a_pack_names_its_clause(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert _pack_numbers(data, "", ()) == []


@pytest.mark.parametrize(
    ("text", "unsourced"),
    [
        ('[a]\nclause = "x §1"\nn = 3\n', []),
        ("[a]\nn = 3\n", ["a.n = 3"]),
        ('[a]\nnote = "平台默认值"\nn = 3\n', []),
        ('[a]\nnote = "另行规定"\nn = 3\n', ["a.n = 3"]),
        ('[[a]]\nclause = "x §1"\ntest = { kind = "k", years = 3 }\n', []),
        ('[[a]]\ntest = { kind = "k", years = 3 }\n', ["a[0].test.years = 3"]),
        ('[a]\nclause = "x §1"\n[a.b]\nn = 2.5\n', []),
        ('[a]\nx_clause = "x §1"\nn = 2\n', []),
        ("n = 7\n", ["n = 7"]),  # the top level is no table of its own
        ("[a]\nflag = true\n", []),  # not a number
    ],
)
def test_the_pack_walk_finds_an_unsourced_number(text: str, unsourced: list[str]) -> None:
    assert _pack_numbers(tomllib.loads(text), "", ()) == unsourced


# Domain rules -------------------------------------------------------------------------------


def _comments(source: str) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            out.setdefault(tok.start[0], []).append(tok.string)
    return out


def _calendar(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    call = parents.get(node)
    if not isinstance(call, ast.Call) or node not in call.args[1:]:
        return False
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return name == "date"


def _cited_around(
    node: ast.AST, parents: dict[ast.AST, ast.AST], comments: dict[int, list[str]], lines: list[str]
) -> bool:
    stmt = node
    while stmt in parents and not isinstance(stmt, ast.stmt):
        stmt = parents[stmt]
    near = [
        c
        for n in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1)
        for c in comments.get(n, [])
    ]
    above = stmt.lineno - 1
    while above > 0 and lines[above - 1].strip().startswith("#"):
        near.append(lines[above - 1])
        above -= 1
    if any(CITES.search(c) for c in near):
        return True
    scope = parents.get(node)
    while scope is not None:
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inside = [
                c for n in range(scope.lineno, (scope.end_lineno or scope.lineno) + 1)
                for c in comments.get(n, [])
            ]  # fmt: skip
            docs = ast.get_docstring(scope) or ""
            if CITES.search(docs) or any(CITES.search(c) for c in inside):
                return True
        scope = parents.get(scope)
    return False


def unsourced_numbers(source: str) -> list[tuple[int, str, Any]]:
    """(line, the line as written, the number) of each number with no source nearby."""
    tree = ast.parse(source)
    comments, lines = _comments(source), source.splitlines()
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or type(node.value) not in (int, float):
            continue
        value = node.value
        if value in ALLOWED or value in UNITS or _calendar(node, parents):
            continue
        if isinstance(parents.get(node), ast.UnaryOp) and -value in ALLOWED:
            continue
        if not _cited_around(node, parents, comments, lines):
            found.append((node.lineno, lines[node.lineno - 1].strip(), value))
    return sorted(found)


RULES = sorted((ROOT / "cqo").glob("*/rules.py"))


def _found() -> dict[tuple[str, str], list[tuple[int, Any]]]:
    out: dict[tuple[str, str], list[tuple[int, Any]]] = {}
    for path in RULES:
        rel = str(path.relative_to(ROOT))
        for line, text, value in unsourced_numbers(path.read_text(encoding="utf-8")):
            out.setdefault((rel, text), []).append((line, value))
    return out


def test_every_number_in_the_domain_rules_names_its_source() -> None:
    new = {f"{k[0]}:{v[0][0]}: {k[1]}" for k, v in _found().items() if k not in PENDING}
    assert new == set()


def test_the_pending_list_has_no_line_that_now_cites_its_source() -> None:
    assert PENDING - set(_found()) == set()


@pytest.mark.parametrize(
    ("source", "values"),
    [
        ("X = 30\n", [30]),
        ("X = 30  # shaanxi-2021 §五(一)\n", []),
        ("# the yearly minimum, jiangsu-2020 §五\nX = 50\n", []),
        ("X = 5  # a platform default (not from the documents)\n", []),
        ("X = 5  # SPEC §12.18\n", []),
        ("X = 5  # SPEC §3\n", [5]),  # a section of the specification is no decision
        ("X = 5  # shaanxi-2021\n", [5]),  # an id without the clause
        ('def f():\n    """level-standard Annex B.1"""\n    return 60\n', []),
        ('def f():\n    """Grades."""\n    return 60\n', [60]),
        ("def f():\n    # hangzhou-spec 附录A\n    x = 1\n    return x * 7\n", []),
        ("X = [0, 1, -1, 100, 0.0]\n", []),
        ("D = dt.date(year, 12, 31)\n", []),  # calendar
        ("D = dt.date(2020, 12, 31)\n", [2020]),  # a year is no calendar fact
        ("M = months % 12\n", []),
        ("X = 2.5\n", [2.5]),
        ("X = -3\n", [3]),
        ("X = True\n", []),
    ],
)
def test_the_rules_scan_finds_an_unsourced_number(source: str, values: list[Any]) -> None:
    assert [v for _line, _text, v in unsourced_numbers(source)] == values
