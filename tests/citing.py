"""What no page or printed document may show users (SPEC §12.24): a pack's id, a SPEC number,
a pack's version string. The tests of each app render their pages and documents through this."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from cqo.lib import pdf

# the shipped packs' ids, the test packs' and any id of the same shape
PACK_ID = re.compile(
    r"(?<![\w-])(?:shaanxi-2021|jiangsu-2020|shenzhen-guide|hangzhou-spec|level-standard"
    r"|national-default|sichuan-test|[a-z]+-(?:20\d\d|guide|spec|standard|default))(?![\w-])"
)
SPEC = re.compile(r"SPEC\s*§|SPEC §|§\s*12\.\d+")
VERSION = re.compile(r"(?<![\w.])(?:20\d\d\.\d{1,2}|draft\.\d+)(?![\w.])")
_HIDDEN = re.compile(r"<(style|script)\b.*?</\1>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def visible_text(html: str) -> str:
    """The text a reader sees: tags, styles, scripts and comments removed."""
    return unescape(_TAG.sub(" ", _HIDDEN.sub(" ", html)))


def internal_ids(html: str) -> list[str]:
    """Every pack id, SPEC number and version string in the visible text, with its context."""
    text = visible_text(html)
    found = []
    for pattern in (PACK_ID, SPEC, VERSION):
        for m in pattern.finditer(text):
            found.append(" ".join(text[max(0, m.start() - 30) : m.end() + 30].split()))
    return found


def assert_cites_like_users(html: str) -> None:
    found = internal_ids(html)
    assert not found, "internal ids shown to users:\n" + "\n".join(found)


def capture_printing(monkeypatch: Any) -> list[str]:
    """The HTML of every document printed from here on (instead of rendering it to PDF)."""
    pages: list[str] = []

    def capture(html: str, base_url: str | None, timeout: float) -> bytes:
        pages.append(html)
        return b"%PDF-1.7\n%%EOF\n"

    monkeypatch.setattr(pdf, "_in_child", capture)
    return pages
