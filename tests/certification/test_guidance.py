"""The §8 guidance beside each Annex A cell quotes level-standard §8 verbatim: every text is
compared with the seed, whitespace and line breaks normalised only. data/level_standard_s8.txt
is §8 as the source text prints it (from "8 认定指标" to "9 认定程序");
the copy is checked against the standard's text kept in docs/sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cqo.certification.guidance import GUIDANCE, LEADS
from cqo.policy import schema

EXCERPT = Path(__file__).resolve().parent / "data" / "level_standard_s8.txt"
SOURCE = Path(__file__).resolve().parents[2] / "docs" / "sources" / "level-standard.txt"
PACK = Path(__file__).resolve().parents[2] / "cqo" / "policy" / "packs" / "level-standard.toml"
# §8.2 and §8.3 are headed by a bare word in the extraction (their numbers were lost).
BARE_HEADINGS = {"诚信": "8.2", "知识": "8.3", "意识": "", "能力": "", "业绩": ""}
HEADING = re.compile(r"^\s*(8\.\d\.\d)\s+\S{2,8}$")
MARKER = re.compile(r"(?=(?<![A-Za-z])[a-g]\))|(?=8\.\d\.\d)")


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _seed_cells() -> dict[str, tuple[str, list[str]]]:
    """code → (the lead sentence or "", the items), each with its whitespace removed."""
    text = EXCERPT.read_text(encoding="utf-8")
    start = re.search(r"^8 认定指标$", text, re.M)
    end = re.search(r"^9 认定程序$", text, re.M)
    assert start and end
    blocks: dict[str, list[str]] = {}
    code = ""
    for line in text[start.end() : end.start()].splitlines():
        found = HEADING.match(line)
        if found or line.strip() in BARE_HEADINGS:
            code = found.group(1) if found else BARE_HEADINGS[line.strip()]
            continue
        if code:
            blocks.setdefault(code, []).append(line)
    cells = {}
    for code, lines in blocks.items():
        parts = [p for p in MARKER.split(_flat("".join(lines))) if p]
        if len(parts) == 1:
            cells[code] = ("", parts)
        else:
            lead = "" if re.match(r"[a-g]\)|8\.\d", parts[0]) else parts[0]
            cells[code] = (lead, parts[1:] if lead else parts)
    return cells


SEED = _seed_cells()


def test_it_has_guidance_for_every_scoring_cell_of_the_pack() -> None:
    spec = schema.parse(PACK.read_text()).certification
    assert spec is not None
    parents = {i.parent for i in spec.indicators if i.parent}
    cells = {i.code for i in spec.indicators if i.code not in parents}
    assert set(GUIDANCE) == cells == set(SEED)
    assert sum(len(items) for items in GUIDANCE.values()) == 46


@pytest.mark.parametrize("code", sorted(SEED))
def test_it_quotes_each_cells_items_verbatim(code: str) -> None:
    assert [_flat(str(t)) for t in GUIDANCE[code]] == SEED[code][1]


@pytest.mark.parametrize("code", sorted(SEED))
def test_it_quotes_each_cells_lead_verbatim(code: str) -> None:
    assert _flat(str(LEADS.get(code, ""))) == SEED[code][0]


@pytest.mark.parametrize(
    ("text", "seed"),
    [
        ("a) 应用系统思维开展全面质量管理的意识；", "a)应用系统思维开展全面质量管理的意识；"),
        ("8.2.3 能保守组织和合作伙伴的\n商业秘密。", "8.2.3能保守组织和合作伙伴的商业秘密。"),
    ],
)
def test_it_normalises_whitespace_only(text: str, seed: str) -> None:
    assert _flat(text) == seed
    assert _flat(text[:-1]) != seed  # a dropped full stop is a difference


def test_the_excerpt_is_the_seeds_text() -> None:
    assert EXCERPT.read_text(encoding="utf-8") in SOURCE.read_text(encoding="utf-8")
