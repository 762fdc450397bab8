"""Every item list of a shipped pack carries the heading its document gives it, and the heading
is the document's own wording (it appears in the source text); the 聘任授权证书's wording
([authorisation]) quotes the source too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cqo.policy import schema

PACKS = Path(__file__).resolve().parents[2] / "cqo" / "policy" / "packs"
SOURCES = Path(__file__).resolve().parents[2] / "docs" / "sources"
SEED_OF = {
    "shaanxi-2021": "000_",
    "jiangsu-2020": "001_",
    "shenzhen-guide": "002_",
    "hangzhou-spec": "003_",
    "level-standard": "004_",
}


def load(pack_id: str) -> schema.Pack:
    return schema.parse((PACKS / f"{pack_id}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("pack_id", "section", "heading"),
    [
        ("shaanxi-2021", "duties", "工作职责"),
        ("shaanxi-2021", "powers", "工作权限"),
        ("shaanxi-2021", "norms", "工作规范"),
        ("jiangsu-2020", "duties", "岗位主要职责"),
        ("jiangsu-2020", "powers", "权限"),
        ("hangzhou-spec", "duties", "岗位职责"),
        ("hangzhou-spec", "powers", "权限"),
        ("hangzhou-spec", "norms", "职业素养"),
        ("shenzhen-guide", "norms", "职业素养"),
        ("shenzhen-guide", "abilities", "职业能力"),
        ("shenzhen-guide", "duties", "职责"),
        ("shenzhen-guide", "powers", "权限"),
        ("shenzhen-guide", "assessment", "考核内容"),
        ("level-standard", "duties", "岗位职责"),
    ],
)
def test_each_list_has_its_documents_heading(pack_id: str, section: str, heading: str) -> None:
    assert getattr(load(pack_id), section).heading == heading


WHOLE = "对质量安全和质量发展工作全面负责"
TO_PRESIDENT = "直接向总经理（总裁）报告工作"


@pytest.mark.parametrize(
    ("pack_id", "clause", "responsibility", "reporting_line"),
    [
        ("shaanxi-2021", "shaanxi-2021 §四(一)", WHOLE, TO_PRESIDENT),
        ("jiangsu-2020", "jiangsu-2020 §二", "对本企业质量工作全面负责", TO_PRESIDENT),
        ("hangzhou-spec", "hangzhou-spec 术语和定义·首席质量官", WHOLE, TO_PRESIDENT),
        (
            "shenzhen-guide",
            "shenzhen-guide §3.1",
            "全面负责企业质量安全和质量管理工作",
            "直接向最高管理者汇报质量工作",
        ),
    ],
)
def test_the_certificate_wording_is_the_documents(
    pack_id: str, clause: str, responsibility: str, reporting_line: str
) -> None:
    auth = load(pack_id).authorisation
    assert auth is not None
    assert (auth.clause, auth.responsibility, auth.reporting_line) == (
        clause,
        responsibility,
        reporting_line,
    )


def test_the_national_defaults_wording_says_it_is_a_platform_default() -> None:
    auth = load("national-default").authorisation
    assert auth is not None and "平台默认" in auth.clause


@pytest.mark.parametrize("pack_id", sorted(SEED_OF))
def test_headings_and_wording_appear_in_the_source_text(pack_id: str) -> None:
    seed = SOURCES / f"{pack_id}.txt"
    # line breaks and the extraction's half-width parentheses and semicolons are not the text's
    text = (
        re.sub(r"\s+", "", seed.read_text(encoding="utf-8"))
        .replace("(", "（")
        .replace(")", "）")
        .replace(";", "；")
    )
    pack = load(pack_id)
    lists = [pack.duties, pack.powers, pack.norms, pack.abilities, pack.assessment]
    for found in lists:
        if found is not None:
            assert found.heading in text
            for item in found.items:
                assert re.sub(r"\s+", "", item) in text, item
    if pack.authorisation is not None:
        assert pack.authorisation.responsibility in text
        assert pack.authorisation.reporting_line in text


@pytest.mark.parametrize("pack_id", sorted(p.stem for p in PACKS.glob("*.toml")))
def test_every_shipped_list_has_a_heading(pack_id: str) -> None:
    pack = load(pack_id)
    lists = [pack.duties, pack.powers, pack.norms, pack.abilities, pack.assessment]
    if pack.quality_economics is not None:
        lists.append(pack.quality_economics.management)
    assert all(found.heading for found in lists if found is not None)


def test_a_version_installed_before_headings_still_loads() -> None:
    raw = load("shaanxi-2021").model_dump()
    del raw["duties"]["heading"]
    assert schema.validate(raw).duties.heading is None  # type: ignore[union-attr]
