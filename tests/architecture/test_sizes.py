"""Modules stay small enough to read in one sitting (STYLE.md: split a file into a package when
it passes about 500 lines); 600 is the hard ceiling, migrations aside."""

from __future__ import annotations

from pathlib import Path

import cqo

CEILING = 600
PACKAGE = Path(cqo.__file__).resolve().parent


def test_it_keeps_every_module_under_the_ceiling() -> None:
    over = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > CEILING
    }
    assert over == {}
