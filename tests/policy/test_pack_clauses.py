"""Each shipped pack lists the clauses it implements, so that a clause added or removed is
noticed here; and each clause a pack cites is a section of its source document
(``docs/sources/<id>.txt``), and the words it quotes after ``: `` are the document's own.

Citations are read from every ``*clause`` value: split at ``;`` and ``,``, the part before
``: `` (a quotation follows it); a part without a source id takes the one before it
(``"shaanxi-2021 §五(二), §六(一)"``); ``SPEC §…`` marks a decision of the specification.
"""

# ruff: noqa: E501  (the expected lists quote the clauses, one per line)

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKS_DIR = ROOT / "cqo" / "policy" / "packs"
SOURCES_DIR = ROOT / "docs" / "sources"
IDS = ("shaanxi-2021", "jiangsu-2020", "shenzhen-guide", "hangzhou-spec", "level-standard")

EXPECTED: dict[str, list[str]] = {
    "shaanxi-2021": [
        "SPEC §12.1", "SPEC §12.11", "SPEC §12.13", "SPEC §12.20", "SPEC §12.23", "SPEC §12.4",
        "SPEC §12.9", "SPEC §3", "level-standard §5.1.5", "shaanxi-2021 §三", "shaanxi-2021 §五(一)",
        "shaanxi-2021 §五(一)(三)", "shaanxi-2021 §五(三)", "shaanxi-2021 §五(二)", "shaanxi-2021 §六(一)", "shaanxi-2021 §六(三)",
        "shaanxi-2021 §四(一)", "shaanxi-2021 §四(三)", "shaanxi-2021 §四(二)", "shaanxi-2021 §四(五)",
        "shaanxi-2021 §四(四)",
    ],
    "jiangsu-2020": [
        "SPEC §12.11", "SPEC §12.13", "SPEC §12.20", "SPEC §12.23", "SPEC §12.4", "SPEC §3",
        "jiangsu-2020 §一.2", "jiangsu-2020 §七", "jiangsu-2020 §八", "jiangsu-2020 §三 1、4", "jiangsu-2020 §三 2、3、5",
        "jiangsu-2020 §二", "jiangsu-2020 §五", "jiangsu-2020 §六", "jiangsu-2020 §四",
        "jiangsu-2020 前言", "level-standard §5.1.5",
    ],
    "hangzhou-spec": [
        "SPEC §12.11", "SPEC §12.6", "hangzhou-spec 任职资格·任职能力", "hangzhou-spec 任职资格·职业素养",
        "hangzhou-spec 岗位职责与权限·岗位职责", "hangzhou-spec 岗位职责与权限·权限", "hangzhou-spec 术语和定义",
        "hangzhou-spec 术语和定义·首席质量官", "hangzhou-spec 聘用与培训·培训", "hangzhou-spec 聘用与培训·聘用",
        "hangzhou-spec 附录A", "hangzhou-spec 附录A 1.1", "hangzhou-spec 附录A 1.2",
        "hangzhou-spec 附录A 1.5", "hangzhou-spec 附录A 4.1", "hangzhou-spec 附录A 4.2",
        "level-standard §5.1.5",
    ],
    "shenzhen-guide": [
        "SPEC §12.11", "SPEC §12.20", "SPEC §3", "level-standard §5.1.5", "shenzhen-guide §3.1",
        "shenzhen-guide §3.1 注2", "shenzhen-guide §4", "shenzhen-guide §4.1", "shenzhen-guide §4.2",
        "shenzhen-guide §4.3", "shenzhen-guide §4.4", "shenzhen-guide §4.5", "shenzhen-guide §4.7",
        "shenzhen-guide §5.1", "shenzhen-guide §5.2", "shenzhen-guide §5.3", "shenzhen-guide §5.4",
        "shenzhen-guide §5.5", "shenzhen-guide §5.6", "shenzhen-guide §5.7",
        "shenzhen-guide §5.7.2.1", "shenzhen-guide §5.7.2.2", "shenzhen-guide §5.7.3.2",
        "shenzhen-guide §5.8", "shenzhen-guide §6.1–§6.3", "shenzhen-guide §6.2",
        "shenzhen-guide §6.2 a)", "shenzhen-guide §6.2 b)", "shenzhen-guide §6.2 c)",
    ],
    "level-standard": [
        "SPEC §12.11", "SPEC §12.16", "SPEC §12.18", "SPEC §12.2", "SPEC §12.4", "SPEC §6",
        "level-standard §11", "level-standard §5.1.1", "level-standard §5.1.2",
        "level-standard §5.1.3", "level-standard §5.1.4", "level-standard §5.1.5",
        "level-standard §5.2", "level-standard §6", "level-standard §8", "level-standard §9.3.2",
        "level-standard §9.4.1.1 e)", "level-standard §9.4.1.2", "level-standard §9.4.1.3",
        "level-standard 附录A", "level-standard 附录B", "平台默认",
    ],
    "national-default": [
        "SPEC §12.11", "SPEC §12.19", "SPEC §12.23", "SPEC §12.9", "SPEC §3", "SPEC §7",
        "level-standard §5.1.5",
    ],
}  # fmt: skip


def _clause_values(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [
            v
            for k, v in node.items()
            for v in ([v] if k.endswith("clause") and isinstance(v, str) else _clause_values(v))
        ]
    if isinstance(node, list):
        return [c for v in node for c in _clause_values(v)]
    return []


def citations(clause: str) -> list[tuple[str, str]]:
    """(source id or "SPEC", section) of each reference of a clause; the quotation dropped."""
    out: list[tuple[str, str]] = []
    current = ""
    for part in clause.split(";"):
        refs = part.split(": ", 1)[0]
        for ref in refs.split(","):
            ref = ref.strip()
            if not ref:
                continue
            head, _sep, rest = ref.partition(" ")
            if head in (*IDS, "national-default", "SPEC"):
                current, ref = head, rest.strip()
            if ref.startswith("平台默认"):  # the platform's default, like a SPEC decision
                current, ref = "平台默认", ""
            out.append((current, ref))
    return out


def quotation(clause: str) -> str:
    """The words a clause quotes from its source (after the first ``: ``), if any."""
    first = clause.split(";")[0]
    return first.split(": ", 1)[1].strip() if ": " in first else ""


def _pack(pack_id: str) -> dict[str, Any]:
    return tomllib.loads((PACKS_DIR / f"{pack_id}.toml").read_text(encoding="utf-8"))


def _listed(pack_id: str) -> list[str]:
    found = {
        f"{src} {ref}".strip() for c in _clause_values(_pack(pack_id)) for src, ref in citations(c)
    }
    return sorted(found)


@pytest.mark.parametrize("pack_id", sorted(EXPECTED))
def test_each_pack_implements_exactly_the_clauses_listed_here(pack_id: str) -> None:
    assert _listed(pack_id) == sorted(EXPECTED[pack_id])


def test_every_shipped_pack_has_its_list() -> None:
    assert sorted(p.stem for p in PACKS_DIR.glob("*.toml")) == sorted(EXPECTED)


# The sections exist in the source ---------------------------------------------------------

NUMERAL = "一二三四五六七八九十"
_FLAT = re.compile(r"\s+")


def _text(source: str) -> str:
    return (SOURCES_DIR / f"{source}.txt").read_text(encoding="utf-8")


def _flat(text: str) -> str:
    return _FLAT.sub("", text).replace("（", "(").replace("）", ")").replace("．", ".")


def _chapter(text: str, numeral: str) -> str:
    """The text of a chapter "三、…" of a document numbered 一、二、三…, up to the next one."""
    heads = list(re.finditer(rf"(?m)^\s*([{NUMERAL}]+)、", text))
    for i, m in enumerate(heads):
        if m[1] == numeral:
            return text[m.start() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
    return ""


def _numbered(source: str, ref: str) -> bool:
    """shaanxi-2021 / jiangsu-2020: §三, §四(二), §五(一)(三), §一.2, §三 1、4, 前言."""
    text = _text(source)
    if ref == "前言":
        return bool(re.search(r"(?m)^\s*一、", text))  # the text before chapter 一
    m = re.fullmatch(rf"§([{NUMERAL}]+)((?:\([{NUMERAL}]+\))*)(?:\.(\d+)|\s+(\d+(?:、\d+)*))?", ref)
    if m is None:
        return False
    chapter = _flat(_chapter(text, m[1]))
    items = re.findall(rf"\(([{NUMERAL}]+)\)", m[2])
    point = [m[3]] if m[3] else m[4].split("、") if m[4] else []
    return (
        bool(chapter)
        and all(f"({i})" in chapter for i in items)
        and all(f"{p}." in chapter for p in point)
    )


def _decimal(source: str, ref: str) -> bool:
    """shenzhen-guide / level-standard: §4.3, §3.1 注2, §6.2 b), §6.1–§6.3, §8, 附录A."""
    text = _text(source)
    if ref.startswith("附录"):
        return re.search(rf"附录\s*{re.escape(ref[2:].strip())}", text) is not None
    first, _sep, sub = ref.partition(" ")
    numbers = re.findall(r"§([\d.]+)", first)
    if not numbers:
        return False
    for number in numbers:
        head = re.search(rf"(?m)^\s*{re.escape(number)}(?!\d)", text)
        if head is None:
            return False
        if sub and _flat(sub) not in _flat(text[head.start() : head.start() + 3000]).replace(
            "）", ")"
        ):
            return False
    return True


def _named(source: str, ref: str) -> bool:
    """hangzhou-spec: named sections 任职资格·任职能力, 附录A 1.1."""
    text = _flat(_text(source))
    if ref.startswith("附录"):
        annex, _sep, item = ref.partition(" ")
        at = text.find(_flat(annex))
        return at >= 0 and (not item or item in text[at:])
    return all(part in text for part in ref.split("·"))


def _exists(source: str, ref: str) -> bool:
    if source in ("shaanxi-2021", "jiangsu-2020"):
        return _numbered(source, ref)
    if source == "hangzhou-spec":
        return _named(source, ref)
    return _decimal(source, ref)


@pytest.mark.parametrize("pack_id", sorted(EXPECTED))
def test_each_cited_section_is_in_the_source(pack_id: str) -> None:
    missing = [
        f"{src} {ref}"
        for c in _clause_values(_pack(pack_id))
        for src, ref in citations(c)
        if src in IDS and not _exists(src, ref)
    ]
    assert missing == []


@pytest.mark.parametrize("pack_id", sorted(EXPECTED))
def test_each_quotation_is_the_source_text(pack_id: str) -> None:
    wrong = []
    for clause in _clause_values(_pack(pack_id)):
        src = citations(clause)[0][0] if citations(clause) else ""
        quoted = quotation(clause)
        if src not in IDS or not quoted:
            continue
        text = _flat(_text(src))
        if not all(
            _flat(piece) in text for piece in re.split(r"…|\.\.\.", quoted) if piece.strip()
        ):
            wrong.append(clause)
    assert wrong == []


@pytest.mark.parametrize(
    ("source", "ref", "exists"),
    [
        ("shaanxi-2021", "§四(二)", True),
        ("shaanxi-2021", "§四(九)", False),  # chapter 四 has no item 九
        ("shaanxi-2021", "§九", False),
        ("jiangsu-2020", "§一.2", True),
        ("jiangsu-2020", "§一.7", False),
        ("jiangsu-2020", "前言", True),
        ("shenzhen-guide", "§4.3", True),
        ("shenzhen-guide", "§4.39", False),
        ("shenzhen-guide", "§3.1 注2", True),
        ("shenzhen-guide", "§3.1 注9", False),
        ("level-standard", "附录B", True),
        ("level-standard", "附录Z", False),
        ("hangzhou-spec", "任职资格·任职能力", True),
        ("hangzhou-spec", "任职资格·飞行能力", False),
    ],
)
def test_the_section_check_can_fail(source: str, ref: str, exists: bool) -> None:
    assert _exists(source, ref) is exists


@pytest.mark.parametrize(
    ("clause", "refs"),
    [
        (
            "shaanxi-2021 §五(二), §六(一); SPEC §12.20",
            [("shaanxi-2021", "§五(二)"), ("shaanxi-2021", "§六(一)"), ("SPEC", "§12.20")],
        ),
        ("jiangsu-2020 §一.2: 到 2021 年，完善", [("jiangsu-2020", "§一.2")]),
        (
            "hangzhou-spec 附录A; 附录A 1.1",
            [("hangzhou-spec", "附录A"), ("hangzhou-spec", "附录A 1.1")],
        ),
    ],
)
def test_it_reads_each_reference_of_a_clause(clause: str, refs: list[tuple[str, str]]) -> None:
    assert citations(clause) == refs
