"""The kinds of ``[[targets]]`` beyond a coverage share, and ``[baseline]``: the two goals the
packs used to keep only as comments (shaanxi-2021 §三 全面推行, jiangsu-2020 §一.2 three training
tiers running) and jiangsu-2020's starting figure (前言 近万名首席质量官)."""

# ruff: noqa: E501  (the case tables quote the sources' wording, one case per line)

from __future__ import annotations

import pytest

from cqo.policy import schema
from tests.policy.test_packs import load

BASE = """
[pack]
id = "kinds"
name = "测试"
version = "1"
effective_from = 2024-01-01
regions = ["510000"]
source = "测试〔2024〕1号"

[training]
clause = "kinds §五"
certificate_issuers = ["organiser"]
certificate_issuers_clause = "kinds §五"

[[training.tiers]]
code = "basic"
name = "基础"
level = "county"
audience = "新任"
clause = "kinds §五"
"""

SHARE = '\n[[targets]]\nyear = 2025\nmetric = "msme"\nshare = 0.5\nclause = "kinds §一"\n'
ROLLOUT = '\n[[targets]]\nkind = "rollout"\nlabel = "全面推行"\ndivisions = ["13", "27"]\nclause = "kinds §三"\n'
TIERS = '\n[[targets]]\nkind = "training_tiers"\nyear = 2021\nlabel = "运行"\ntiers = ["basic"]\nclause = "kinds §一"\n'
BASELINE = '\n[baseline]\ncqos = 100\nmetric = "above_scale"\nclause = "kinds 前言"\n'


def test_shaanxi_keeps_the_rollout_among_food_drug_and_special_equipment_producers():
    rollout = [t for t in load("shaanxi-2021").targets if t.kind == "rollout"]
    assert len(rollout) == 1
    r = rollout[0]
    assert isinstance(r, schema.RolloutTarget)
    assert r.label == "在食品、药品、特种设备等生产企业中全面推行"
    assert (r.divisions, r.special_equipment_licence) == (["13", "14", "15", "27"], True)
    assert r.clause.startswith("shaanxi-2021 §三: 并在食品、药品、特种设备等生产企业中全面推行")
    assert not hasattr(r, "year")  # a standing goal: no year


def test_jiangsu_keeps_the_three_training_tiers_running_by_2021():
    tiers = [t for t in load("jiangsu-2020").targets if t.kind == "training_tiers"]
    assert len(tiers) == 1
    t = tiers[0]
    assert isinstance(t, schema.TrainingTiersTarget)
    assert (t.year, t.tiers) == (2021, ["basic", "enhancement", "advanced"])
    assert t.clause.startswith("jiangsu-2020 §一.2: 到 2021 年，完善县（市、区）基础培训")


def test_jiangsu_knows_its_starting_figure_and_says_what_the_platform_read_into_it():
    b = load("jiangsu-2020").baseline
    assert b is not None
    assert (b.cqos, b.approximate, b.metric) == (10000, True, "above_scale")
    assert b.clause.startswith("jiangsu-2020 前言: ") and "近万名首席质量官" in b.clause
    assert "平台默认" in b.note


@pytest.mark.parametrize(
    "pack_id", ["shaanxi-2021", "hangzhou-spec", "shenzhen-guide", "national-default"]
)
def test_no_other_pack_states_a_starting_figure(pack_id):
    assert load(pack_id).baseline is None


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (BASE + SHARE, ["coverage"]),  # no kind: a coverage share, as before
        (BASE + SHARE.replace("\nyear", '\nkind = "coverage"\nyear'), ["coverage"]),
        (BASE + ROLLOUT + SHARE + TIERS, ["rollout", "coverage", "training_tiers"]),
        (
            BASE + ROLLOUT.replace('divisions = ["13", "27"]', "special_equipment_licence = true"),
            ["rollout"],
        ),
    ],
)
def test_it_reads_each_target_kind(text, kinds):
    pack = schema.parse(text)
    assert [t.kind for t in pack.targets] == kinds
    # what the installer stores (defaults left out) validates to the same pack
    assert schema.validate(pack.model_dump(mode="json", exclude_defaults=True)) == pack


MALFORMED = [
    ("unknown kind", BASE + SHARE.replace("\nyear", '\nkind = "wish"\nyear'), "targets[0]", "wish"),
    ("rollout naming no producers", BASE + ROLLOUT.replace('divisions = ["13", "27"]\n', ""), "targets[0]", "divisions or the special-equipment licence"),
    ("rollout with a year", BASE + ROLLOUT.replace("\nclause", "\nyear = 2025\nclause"), "targets[0].year", "Extra inputs"),
    ("rollout division twice", BASE + ROLLOUT.replace('"27"', '"13"'), "targets[0]", "listed twice"),
    ("rollout bad division", BASE + ROLLOUT.replace('"27"', '"C27"'), "targets[0].divisions[1]", "pattern"),
    ("tiers without a year", BASE + TIERS.replace("year = 2021\n", ""), "targets[0].year", "Field required"),
    ("tiers empty", BASE + TIERS.replace('["basic"]', "[]"), "targets[0].tiers", "at least 1"),
    ("tier unknown to the pack", BASE + TIERS.replace('["basic"]', '["basic", "advanced"]'), "(pack)", "not in [training]: advanced"),
    ("tier twice", BASE + TIERS.replace('["basic"]', '["basic", "basic"]'), "targets[0]", "listed twice"),
    ("baseline without clause", BASE + BASELINE.replace('clause = "kinds 前言"\n', ""), "baseline.clause", "Field required"),
    ("baseline of no CQOs", BASE + BASELINE.replace("cqos = 100", "cqos = 0"), "baseline.cqos", "greater than or equal to 1"),
    ("baseline bad metric", BASE + BASELINE.replace('"above_scale"', '"everyone"'), "baseline.metric", "'above_scale'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "text", "path", "fragment"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_it_refuses_a_malformed_target_naming_the_problem(what, text, path, fragment):
    with pytest.raises(schema.PackError) as caught:
        schema.parse(text)
    problems = caught.value.problems
    assert any(p.startswith(f"{path}:") and fragment in p for p in problems), problems


def test_the_malformed_bases_are_valid():
    assert schema.parse(BASE + SHARE + ROLLOUT + TIERS + BASELINE).baseline is not None


def test_a_tiers_target_in_a_pack_without_training_names_any_tier():
    # a pack without [training] inherits a broader pack's tiers: not checked here
    text = BASE.split("[training]")[0] + TIERS.replace('["basic"]', '["advanced"]')
    assert schema.parse(text).targets[0].kind == "training_tiers"
