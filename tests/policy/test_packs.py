"""The shipped policy packs (SPEC §4): each parses, holds its source's values, and the engine
applied to it gives the right status just inside and just outside every threshold.

Also the malformed packs the loader must refuse, each with the path of the problem, and the
example fourth-province pack of ``packs/README.md``.
"""

# ruff: noqa: E501  (the case tables quote the sources' wording, one case per line)

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest

from cqo.policy import rules, schema
from cqo.policy.rules import (
    EnterpriseFacts,
    Facts,
    PersonFacts,
    PostFacts,
    QualificationFact,
    Status,
)

PACKS_DIR = Path(schema.__file__).resolve().parent.parent / "packs"
SHIPPED = [
    "shaanxi-2021",
    "jiangsu-2020",
    "hangzhou-spec",
    "shenzhen-guide",
    "level-standard",
    "national-default",
]


def pack_text(pack_id: str) -> str:
    return (PACKS_DIR / f"{pack_id}.toml").read_text(encoding="utf-8")


@functools.cache
def load(pack_id: str) -> schema.Pack:
    return schema.parse(pack_text(pack_id))


def condition(pack_id: str, code: str) -> schema.Condition:
    return next(c for c in load(pack_id).conditions if c.code == code)


def result_for(pack_id: str, facts: Facts, code: str) -> rules.Result:
    return next(r for r in rules.evaluate(load(pack_id), facts) if r.code == code)


# Enterprises and persons used across the tables.
ABOVE_SCALE = EnterpriseFacts(size="medium", above_scale=True, nature="private")
BELOW_SCALE = EnterpriseFacts(size="medium", above_scale=False, nature="private")
LARGE = EnterpriseFacts(size="large", above_scale=True, nature="private")
MEDIUM = EnterpriseFacts(size="medium", above_scale=True, nature="private")
SMALL = EnterpriseFacts(size="small", above_scale=False, nature="private")
MICRO = EnterpriseFacts(size="micro", above_scale=False, nature="private")
STATE = EnterpriseFacts(size="large", above_scale=True, nature="state")
BIG_GROUP = EnterpriseFacts(size="large", above_scale=True, nature="private", group=True)
MEDIUM_GROUP = EnterpriseFacts(size="medium", above_scale=True, nature="private", group=True)


# what the person declares on the appointment unless a case says otherwise: the
# disqualifications (every jurisdiction pack, SPEC §12.11) and hangzhou-spec 职业素养
DECLARED = frozenset({"disqualifications", "conduct"})


def facts(
    enterprise: EnterpriseFacts = ABOVE_SCALE,
    *,
    justification: str = "",
    rank: str = "senior_deputy",
    concurrent_role: str = "",
    appointing_authority: str = "general_manager",
    reports_to_top: bool = True,
    treatment: str = "senior_deputy",
    assessment_result: str = "测评通过",
    probation_end: str = "2026-06-30",
    **person: Any,
) -> Facts:
    person.setdefault("declarations", DECLARED)
    return Facts(
        person=PersonFacts(**person),
        enterprise=enterprise,
        post=PostFacts(
            rank=rank,
            concurrent_role=concurrent_role,
            appointing_authority=appointing_authority,
            reports_to_top=reports_to_top,
            justification=justification,
            treatment=treatment,
            assessment_result=assessment_result,
            probation_end=probation_end,
        ),
    )


def mgmt(level: str) -> tuple[QualificationFact, ...]:
    return (QualificationFact(kind="management", level=level),)


def title(level: str) -> tuple[QualificationFact, ...]:
    return (QualificationFact(kind="professional_title", level=level),)


# Every shipped pack parses and round-trips ---------------------------------------------------


def test_it_ships_exactly_the_documented_packs():
    assert sorted(p.stem for p in PACKS_DIR.glob("*.toml")) == sorted(SHIPPED)


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_it_parses_every_shipped_pack_under_its_file_name(pack_id):
    pack = schema.parse(pack_text(pack_id))
    assert pack.pack.id == pack_id


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_it_round_trips_every_shipped_pack(pack_id):
    pack = load(pack_id)
    dumped = pack.model_dump(mode="json")
    again = schema.validate(dumped)
    assert again == pack
    assert again.model_dump(mode="json") == dumped
    # what the installer stores, without defaults, validates to the same pack
    assert schema.validate(pack.model_dump(mode="json", exclude_defaults=True)) == pack


def _clauses(node: Any, path: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("clause"):
                found.append((f"{path}.{key}", value))
            else:
                found += _clauses(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _clauses(value, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_every_clause_cites_the_pack_source_or_a_spec_decision(pack_id):
    clauses = _clauses(load(pack_id).model_dump(mode="json"))
    assert clauses
    for where, clause in clauses:
        assert clause.startswith((f"{pack_id} ", "SPEC §")), where


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_every_spec_decision_cited_exists(pack_id):
    # "SPEC §12.N" must name one of the decisions of SPEC §12 (1–25).
    for _where, clause in _clauses(load(pack_id).model_dump(mode="json")):
        for part in clause.split("SPEC §12.")[1:]:
            number = int("".join(ch for ch in part[:2] if ch.isdigit()))
            assert 1 <= number <= 25, clause


# Meta ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pack_id", "kind", "version", "effective_from", "regions", "source_starts"),
    [
        ("shaanxi-2021", "jurisdiction", "2021.3", dt.date(2021, 8, 24), ["610000"], "陕质委办〔2021〕15号"),
        ("jiangsu-2020", "jurisdiction", "2020.3", dt.date(2020, 1, 1), ["320000"], "苏质委办〔2020〕9号"),
        ("hangzhou-spec", "jurisdiction", "2", dt.date(2021, 1, 1), ["330100"], "杭州市"),
        ("shenzhen-guide", "jurisdiction", "2", dt.date(2021, 1, 1), ["440300"], "深圳市"),
        ("level-standard", "certification", "draft.2", dt.date(2024, 1, 1), [], "T/XXX"),
        ("national-default", "jurisdiction", "3", dt.date(2020, 1, 1), [], "平台默认规则"),
    ],
)  # fmt: skip
def test_it_names_each_pack_source_version_and_regions(
    pack_id, kind, version, effective_from, regions, source_starts
):
    meta = load(pack_id).pack
    assert (meta.kind, meta.version, meta.effective_from, meta.regions) == (
        kind,
        version,
        effective_from,
        regions,
    )
    assert meta.source.startswith(source_starts)
    assert meta.national_default == (pack_id == "national-default")


@pytest.mark.parametrize(
    "pack_id", ["jiangsu-2020", "hangzhou-spec", "shenzhen-guide", "level-standard"]
)
def test_it_explains_a_chosen_date_where_the_source_prints_none(pack_id):
    assert "日期" in load(pack_id).pack.note


def test_the_national_default_is_labelled_and_advisory_but_for_the_disqualifications():
    pack = load("national-default")
    assert pack.pack.name == "全国默认规则（本地区尚无政策包）"
    # SPEC §12.11: the disqualifications block every filing, here too
    severities = {c.code: c.severity for c in pack.conditions}
    assert severities.pop("disqualifications") == "blocking"
    assert set(severities.values()) == {"advisory"}
    assert pack.filing is not None and pack.filing.authority == "county"
    assert pack.filing.clause == "SPEC §3"


# Lists, split into the source's items ------------------------------------------------------


@pytest.mark.parametrize(
    ("pack_id", "section", "count", "clause", "first", "last"),
    [
        ("shaanxi-2021", "duties", 9, "shaanxi-2021 §四(三)", "负责企业质量品牌战略、规划和计划的制定和实施", "负责总结提炼企业在质量管理、品牌建设等方面成功的经验和案例等"),
        ("shaanxi-2021", "powers", 6, "shaanxi-2021 §四(四)", "参加企业总经理（总裁）例会，参与企业经营管理决策", "参与政府部门质量政策制定、质量提升、质量咨询、质量诊断、质量评审等质量活动"),
        ("shaanxi-2021", "norms", 4, "shaanxi-2021 §四(五)", "具有良好的职业操守和专业素养，及时发现并报告企业在质量管理过程中存在的问题或者隐患", "积极参加各种义务性质量咨询服务活动和公益活动"),
        ("jiangsu-2020", "duties", 2, "jiangsu-2020 §三 1、4", "组织企业执行国家有关质量、标准化、计量、认证认可和检验检测等方面的法律、法规及政策", "负责企业质量品牌战略、规划和计划的制定与实施；对企业原材料、在制品、产成品（服务）组织质量检控和处置；企业质量管理体系的建立、实施与持续改进；建立并组织实施企业的质量奖励制度，推行先进质量管理方法；组织开展企业质量攻关、质量比对和质量创新；企业质量人才的培训、培养；企业文化建设等"),
        ("jiangsu-2020", "powers", 3, "jiangsu-2020 §三 2、3、5", "参加企业总经理（总裁）例会，参与企业经营管理决策", "参与政府部门质量政策制定、质量提升、质量咨询、质量诊断、质量评审等质量活动"),
        ("hangzhou-spec", "norms", 4, "hangzhou-spec 任职资格·职业素养", "具有良好的职业操守和专业素养，及时发现并报告企业在质量管理过程中存在的问题或者隐患", "积极参加各种义务性质量咨询服务活动和公益活动"),
        ("hangzhou-spec", "duties", 8, "hangzhou-spec 岗位职责与权限·岗位职责", "负责企业质量品牌战略、规划和计划的制定与实施", "负责总结提炼企业在质量管理、品牌建设等方面成功的经验和案例等"),
        ("hangzhou-spec", "powers", 6, "hangzhou-spec 岗位职责与权限·权限", "参与企业经营管理决策", "参加政府部门学习交流活动"),
        ("shenzhen-guide", "norms", 4, "shenzhen-guide §4.1", "诚实守信、客观公正、敢于担当", "廉洁自律、恪尽职守，维护行业和企业信誉"),
        ("shenzhen-guide", "abilities", 5, "shenzhen-guide §4.2", "熟悉国内外有关法律法规要求，以维护客户的权益和价值，并践行企业社会责任", "具备较强的组织协调、有效沟通和人际交往能力，以促进和推动全员参与并支持质量管理改进和创新，建立协作、信任和持续改进的质量文化"),
        ("shenzhen-guide", "duties", 12, "shenzhen-guide §4.3", "建立覆盖全业务流程的质量组织和质量队伍，明确质量管理职责和权限", "推动企业建立数字化质量管理系统，实现通过质量数据支撑企业有效经营和决策"),
        ("shenzhen-guide", "powers", 5, "shenzhen-guide §4.4", "质量否决权：首席质量官在产品放行、项目里程碑决策点、质量主管人员的任免等环节有“一票否决”的权利", "质量建议权：首席质量官参与企业经营决策，有向最高管理者提出改进质量工作的建议权"),
        ("shenzhen-guide", "assessment", 6, "shenzhen-guide §4.5", "履行本文件职业素养、能力要求和工作职责等方面的情况", "推动企业质量改进创新和质量文化建设等情况"),
        ("level-standard", "duties", 8, "level-standard §6", "负责创建以品质为核心的企业文化，塑造企业质量竞争力", "参与政府部门组织的质量政策制定，质量提升、质量研究、质量宣传教育、质量咨询诊断、质量评审等质量活动"),
    ],
)  # fmt: skip
def test_it_splits_each_list_into_the_source_items(pack_id, section, count, clause, first, last):
    items = getattr(load(pack_id), section)
    assert items.clause == clause
    assert len(items.items) == count
    assert (items.items[0], items.items[-1]) == (first, last)
    assert len(set(items.items)) == count
    for item in items.items:
        # an item is one clause of the source, without list markers or a closing full stop
        assert item == item.strip() and not item.endswith(("。", "；", ";"))
        assert not item.startswith(("a)", "1.", "（"))


# Training, departments, targets, filing ----------------------------------------------------


@pytest.mark.parametrize(
    ("pack_id", "hours", "kinds", "in_principle", "issuers", "tiers", "merge"),
    [
        ("shaanxi-2021", 30, ["online_self_study"], True, ["qualified_institution"],
         [("advanced", "province"), ("enhancement", "city")], False),
        ("jiangsu-2020", 50, ["online_self_study"], True, ["organiser", "qualified_institution"],
         [("basic", "county"), ("enhancement", "city"), ("advanced", "province")], True),
        ("hangzhou-spec", 40, ["online_self_study", "offline_training"], False,
         ["government_quality_department", "qualified_institution"], [], False),
    ],
)  # fmt: skip
def test_it_holds_each_source_training_rules(
    pack_id, hours, kinds, in_principle, issuers, tiers, merge
):
    training = load(pack_id).training
    assert training is not None and training.study_hours is not None
    assert training.study_hours.hours == hours
    assert training.study_hours.kinds == kinds
    assert training.study_hours.in_principle is in_principle
    assert training.certificate_issuers == issuers
    assert [(t.code, t.level) for t in training.tiers] == tiers
    assert training.county_may_merge is merge


def test_it_names_the_training_audiences_as_the_sources_do():
    shaanxi = {t.code: t.audience for t in load("shaanxi-2021").training.tiers}
    assert shaanxi == {
        "advanced": "全省规模以上企业首席质量官",
        "enhancement": "中小企业首席质量官；现任首席质量官继续教育",
    }
    jiangsu = {t.code: t.audience for t in load("jiangsu-2020").training.tiers}
    assert jiangsu["advanced"] == "全省首席质量官"


@pytest.mark.parametrize(
    ("pack_id", "departments"),
    [
        ("shaanxi-2021", {"market_regulation": [], "finance": [], "hr_social_security": [],
                          "agriculture_rural": ["A"], "culture_tourism": ["R"]}),
        ("jiangsu-2020", {"market_regulation": [], "development_reform": [],
                          "industry_it": ["B", "C", "D"], "hr_social_security": [],
                          "agriculture_rural": ["A"], "culture_tourism": ["R"]}),
        ("shenzhen-guide", {"market_regulation": [], "industry_it": ["B", "C", "D"],
                            "housing_construction": ["E"], "transport": ["G"],
                            "commerce": ["F", "H"]}),
    ],
)  # fmt: skip
def test_it_lists_the_participating_departments_and_their_industries(pack_id, departments):
    got = load(pack_id).departments
    assert {d.code: d.industries for d in got} == departments
    for d in got:
        # an industry mapping is the platform's decision, never the source's (SPEC §12.20)
        assert ("SPEC §12.20" in d.clause) == bool(d.industries) or pack_id == "shenzhen-guide"
    if pack_id == "shenzhen-guide":
        assert all(d.clause == "shenzhen-guide §4.7; SPEC §12.20" for d in got)
        assert next(d for d in got if d.code == "market_regulation").name == "深圳市市场监督管理局"


@pytest.mark.parametrize(
    ("pack_id", "targets", "new_cqos"),
    [
        ("shaanxi-2021", {(2022, "quality_award"): 1.0, (2023, "above_scale"): 0.8,
                          (2023, "key_industry_msme"): 0.5, (2025, "above_scale"): 1.0,
                          (2025, "key_industry_msme"): 0.8}, 500),
        ("jiangsu-2020", {(2021, "above_scale"): 0.5, (2021, "msme"): 0.3,
                          (2023, "above_scale"): 0.8, (2023, "msme"): 0.5,
                          (2025, "above_scale"): 1.0, (2025, "msme"): 0.8}, 5000),
    ],
)  # fmt: skip
def test_it_holds_the_coverage_targets_and_yearly_new_cqos(pack_id, targets, new_cqos):
    pack = load(pack_id)
    shares = [t for t in pack.targets if isinstance(t, schema.Target)]
    assert {(t.year, t.metric): t.share for t in shares} == targets
    assert len(shares) == len(targets)
    assert all(t.at_least for t in shares)
    assert pack.new_cqos is not None
    assert (pack.new_cqos.per_year, pack.new_cqos.approximate) == (new_cqos, True)


@pytest.mark.parametrize(
    ("pack_id", "authority", "clause"),
    [
        ("shaanxi-2021", "county", "shaanxi-2021 §五(一)(三); SPEC §3"),
        ("jiangsu-2020", "county", "jiangsu-2020 §七; SPEC §3"),
        ("shenzhen-guide", "competent_department", "shenzhen-guide §4.7"),
        ("national-default", "county", "SPEC §3"),
    ],
)
def test_it_names_the_filing_authority(pack_id, authority, clause):
    filing = load(pack_id).filing
    assert filing is not None
    assert (filing.authority, filing.clause) == (authority, clause)


def test_hangzhou_has_no_filing_section_and_inherits_the_national_default():
    hangzhou, default = load("hangzhou-spec"), load("national-default")
    assert hangzhou.filing is None and hangzhou.relaxations == []
    merged = schema.validate(
        schema.merge(default.model_dump(mode="json"), hangzhou.model_dump(mode="json"))
    )
    assert merged.pack == hangzhou.pack
    assert merged.filing == default.filing
    assert merged.conditions == hangzhou.conditions
    assert merged.evaluation == hangzhou.evaluation
    assert merged.training == hangzhou.training


def test_shenzhen_keeps_its_own_filing_over_the_national_default():
    merged = schema.validate(
        schema.merge(
            load("national-default").model_dump(mode="json"),
            load("shenzhen-guide").model_dump(mode="json"),
        )
    )
    assert merged.filing == load("shenzhen-guide").filing


# Hangzhou Annex A (SPEC §7, §12.6) -----------------------------------------------------------


def test_hangzhou_evaluation_adds_up_to_100_with_the_spec_split():
    ev = load("hangzhou-spec").evaluation
    assert ev is not None
    assert (ev.total, ev.period, ev.clause) == (100, "yearly", "hangzhou-spec 附录A; SPEC §12.6")
    maxima = {i.code: i.max for i in ev.items}
    assert {c: m for c, m in maxima.items() if "." not in c} == {
        "1": 19,
        "2": 16,
        "3": 40,
        "4": 5,
        "5": 20,
    }
    expected_leaves = {
        **{"1.1": 3, "1.2": 3, "1.3": 4, "1.4": 4, "1.5": 5},
        **{f"2.{i}": 4 for i in range(1, 5)},
        **{f"3.{i}": 5 for i in range(1, 9)},
        **{"4.1": 2, "4.2": 3},
        **{f"5.{i}": 5 for i in range(1, 5)},
    }
    assert {c: m for c, m in maxima.items() if "." in c} == expected_leaves
    for section in "12345":
        leaves = [m for c, m in maxima.items() if c.startswith(f"{section}.")]
        assert sum(leaves) == maxima[section]
    assert sum(expected_leaves.values()) == 100


def test_hangzhou_evaluation_labels_quote_annex_a():
    labels = {i.code: i.label for i in load("hangzhou-spec").evaluation.items}
    assert labels["1"] == "任职能力" and labels["5"] == "研究成果"
    assert labels["1.1"] == "3 年（含）以上质量管理工作经历"
    assert labels["5.4"] == "论文著作"
    assert "40学时" in labels["4.2"]


# level-standard Annex A and B ----------------------------------------------------------------


def test_level_indicators_add_up_and_their_minimums_make_the_pass_mark():
    cert = load("level-standard").certification
    assert cert is not None
    parents = {i.code: i for i in cert.indicators if i.parent is None}
    children = [i for i in cert.indicators if i.parent is not None]
    assert {c: (p.name, p.max, p.minimum) for c, p in parents.items()} == {
        "8.1": ("意识", 150, 40),
        "8.2": ("诚信", 80, 50),
        "8.3": ("知识", 90, 40),
        "8.4": ("能力", 280, 90),
        "8.5": ("业绩", 400, 80),
    }
    assert {i.code: (i.name, i.max) for i in children} == {
        "8.1.1": ("质量意识", 100),
        "8.1.2": ("社会责任意识", 50),
        "8.4.1": ("策划能力", 80),
        "8.4.2": ("实施能力", 100),
        "8.4.3": ("学习能力", 60),
        "8.4.4": ("整合能力", 40),
        "8.5.1": ("工作绩效", 150),
        "8.5.2": ("学术成就", 60),
        "8.5.3": ("创新成果", 100),
        "8.5.4": ("社会贡献", 50),
        "8.5.5": ("获得荣誉", 40),
    }
    for code, parent in parents.items():
        kids = [i.max for i in children if i.parent == code]
        assert not kids or sum(kids) == parent.max, code
        assert all(i.code.startswith(f"{code}.") for i in children if i.parent == code)
    cells = [i for i in cert.indicators if not any(c.parent == i.code for c in children)]
    assert len(cells) == 13  # SPEC §6: thirteen scoring cells
    assert sum(p.max for p in parents.values()) == cert.total == 1000
    assert sum(p.minimum for p in parents.values()) == cert.pass_total == 300


def _grade(cert: schema.Certification, total: int) -> str | None:
    for g in cert.grades:
        if total >= g.min and (g.max is None or total < g.max):
            return g.level
    return None


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (0, None),
        (299, None),
        (300, "AAA"),
        (599, "AAA"),
        (600, "AAAA"),
        (799, "AAAA"),
        (800, "AAAAA"),
        (1000, "AAAAA"),
    ],
)
def test_level_grades_are_half_open_at_every_boundary(total, level):
    cert = load("level-standard").certification
    assert _grade(cert, total) == level
    # the grade table has no gaps and no overlaps
    bounds = [(g.min, g.max) for g in cert.grades]
    assert bounds == [(300, 600), (600, 800), (800, None)]
    assert cert.grades[0].min == cert.pass_total


def test_level_years_validity_and_continuing_education():
    cert = load("level-standard").certification
    assert cert.years_for_level == {"AAA": 2, "AAAA": 4, "AAAAA": 8}
    assert cert.years_clause == "level-standard §5.2; SPEC §12.4"
    assert (cert.validity_years, cert.validity_clause) == (
        3,
        "level-standard §9.4.1.1 e); SPEC §12.18",
    )
    assert (cert.continuing_hours, cert.continuing_trainings_organised) == (10, 1)
    assert cert.continuing_clause == "level-standard §9.4.1.2"


# Conditions: severity and clause of each --------------------------------------------------


@pytest.mark.parametrize(
    ("pack_id", "code", "severity", "group", "clause"),
    [
        ("shaanxi-2021", "quality_years", "justify", "eligibility", "shaanxi-2021 §四(二); SPEC §12.4"),
        ("shaanxi-2021", "education_or_title", "justify", "eligibility", "shaanxi-2021 §四(二); SPEC §12.1"),
        ("shaanxi-2021", "abilities", "advisory", "eligibility", "shaanxi-2021 §四(二)"),
        ("shaanxi-2021", "above_scale_rank", "justify", "position", "shaanxi-2021 §四(一)"),
        ("shaanxi-2021", "soe_rank", "advisory", "position", "shaanxi-2021 §四(一)"),
        ("shaanxi-2021", "group_rank", "advisory", "position", "shaanxi-2021 §四(一)"),
        ("shaanxi-2021", "appointed_by_gm", "advisory", "position", "shaanxi-2021 §四(一)"),
        ("shaanxi-2021", "reports_to_top", "advisory", "position", "shaanxi-2021 §四(一)"),
        ("shaanxi-2021", "treatment", "advisory", "position", "shaanxi-2021 §四(一)"),
        ("shaanxi-2021", "disqualifications", "blocking", "conduct", "shaanxi-2021 §五(三); level-standard §5.1.5; SPEC §12.11"),
        ("jiangsu-2020", "treatment", "advisory", "position", "jiangsu-2020 §四"),
        ("jiangsu-2020", "disqualifications", "blocking", "conduct", "jiangsu-2020 §七; level-standard §5.1.5; SPEC §12.11"),
        ("hangzhou-spec", "conduct", "justify", "conduct", "hangzhou-spec 任职资格·职业素养"),
        ("hangzhou-spec", "assessment_probation", "justify", "position", "hangzhou-spec 聘用与培训·聘用"),
        ("hangzhou-spec", "disqualifications", "blocking", "conduct", "SPEC §12.11; level-standard §5.1.5"),
        ("shenzhen-guide", "disqualifications", "blocking", "conduct", "SPEC §12.11; level-standard §5.1.5"),
        ("national-default", "disqualifications", "blocking", "conduct", "SPEC §12.11; level-standard §5.1.5"),
        ("jiangsu-2020", "quality_years", "advisory", "eligibility", "jiangsu-2020 §二; SPEC §12.4"),
        ("jiangsu-2020", "education", "advisory", "eligibility", "jiangsu-2020 §二"),
        ("jiangsu-2020", "abilities", "advisory", "eligibility", "jiangsu-2020 §二"),
        ("jiangsu-2020", "soe_rank", "advisory", "position", "jiangsu-2020 §二"),
        ("jiangsu-2020", "appointed_by_gm", "advisory", "position", "jiangsu-2020 §二"),
        ("jiangsu-2020", "reports_to_top", "advisory", "position", "jiangsu-2020 §二"),
        ("hangzhou-spec", "quality_years", "justify", "eligibility", "hangzhou-spec 任职资格·任职能力"),
        ("hangzhou-spec", "education", "justify", "eligibility", "hangzhou-spec 任职资格·任职能力"),
        ("hangzhou-spec", "qualification", "justify", "eligibility", "hangzhou-spec 任职资格·任职能力"),
        ("hangzhou-spec", "abilities", "advisory", "eligibility", "hangzhou-spec 任职资格·任职能力"),
        ("hangzhou-spec", "training_certificate", "justify", "training", "hangzhou-spec 聘用与培训·培训"),
        ("hangzhou-spec", "appointed_by", "advisory", "position", "hangzhou-spec 术语和定义; 聘用与培训·聘用"),
        ("hangzhou-spec", "reports_to_top", "advisory", "position", "hangzhou-spec 术语和定义"),
        ("shenzhen-guide", "senior_manager", "advisory", "position", "shenzhen-guide §3.1 注2"),
        ("shenzhen-guide", "appointed_by", "advisory", "position", "shenzhen-guide §3.1"),
        ("shenzhen-guide", "reports_to_top", "advisory", "position", "shenzhen-guide §3.1"),
        ("shenzhen-guide", "conduct", "advisory", "conduct", "shenzhen-guide §4.1"),
        ("shenzhen-guide", "abilities", "advisory", "eligibility", "shenzhen-guide §4.2"),
        ("level-standard", "basic_education", "blocking", "eligibility", "level-standard §5.1.1"),
        ("level-standard", "title_or_experience", "blocking", "eligibility", "level-standard §5.1.1; SPEC §12.2"),
        ("level-standard", "technical_background", "advisory", "eligibility", "level-standard §5.1.2"),
        ("level-standard", "qms_ability", "advisory", "eligibility", "level-standard §5.1.3"),
        ("level-standard", "training_certificate", "blocking", "training", "level-standard §5.1.4; SPEC §12.4"),
        ("level-standard", "disqualifications", "blocking", "conduct", "level-standard §5.1.5; SPEC §12.11"),
        ("national-default", "senior_manager", "advisory", "position", "SPEC §12.19: 各地文件共同的岗位定义（高层管理人员）"),
    ],
)  # fmt: skip
def test_each_condition_has_its_severity_group_and_clause(pack_id, code, severity, group, clause):
    cond = condition(pack_id, code)
    assert (cond.severity, cond.group, cond.clause) == (severity, group, clause)


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_the_condition_table_above_covers_every_condition(pack_id):
    # keeps the severity table honest when a pack gains a condition
    covered = {
        "shaanxi-2021": 10,
        "jiangsu-2020": 8,
        "hangzhou-spec": 10,
        "shenzhen-guide": 6,
        "level-standard": 6,
        "national-default": 4,
    }
    assert len(load(pack_id).conditions) == covered[pack_id]


def _seed(name: str) -> str:
    """A source document's text with the extraction's line breaks and spaces taken out."""
    seeds = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
    text = (seeds / name).read_text(encoding="utf-8") if (seeds / name).exists() else ""
    return "".join(text.split())


LEVEL_5_1_5 = (
    "应熟悉质量管理的相关法律法规、规章制度，具有良好的职业道德素养，有下列情形之一的，"
    "不得担任首席质量官：a)违反法律法规，在质量岗位工作中造成重大失误或谋取不正当利益的或受刑事"
    "处分的；b)泄露企业的商业秘密；c)损害企业或者合作伙伴的合法权益"
)


def test_the_level_disqualifications_quote_a_to_c():
    label = condition("level-standard", "disqualifications").label
    assert all(marker in label for marker in ("a)", "b)", "c)"))
    # §5.1.5 verbatim, its first clause included (spaces after the item letters aside)
    assert "".join(label.split()) == LEVEL_5_1_5
    seed = _seed("004_6861177ce12046d5.txt")
    if seed:  # the seed text, where the checkout has it beside the repository
        assert LEVEL_5_1_5 in seed


@pytest.mark.parametrize(
    "pack_id",
    ["shaanxi-2021", "jiangsu-2020", "hangzhou-spec", "shenzhen-guide", "national-default"],
)
def test_every_jurisdiction_pack_blocks_a_filing_on_the_disqualifications(pack_id):
    cond = condition(pack_id, "disqualifications")
    assert (cond.severity, cond.test.kind) == ("blocking", "no_disqualification")
    assert cond.clause.endswith(("SPEC §12.11", "level-standard §5.1.5"))
    # the grounds of level-standard §5.1.5 a)–c), word for word
    assert "".join(cond.label.split()) in LEVEL_5_1_5


# The engine at every threshold: just inside and just outside ------------------------------

# (pack, condition, facts, expected status)
CASES = [
    # shaanxi-2021 §四(二): 3 years (含 3)
    ("shaanxi-2021", "quality_years", facts(quality_years=2), Status.UNMET),
    ("shaanxi-2021", "quality_years", facts(quality_years=3), Status.MET),
    # §四(二): 中级 title OR 大学 (本科, SPEC §12.1)
    ("shaanxi-2021", "education_or_title", facts(education="junior_college", title_level="intermediate"), Status.MET),
    ("shaanxi-2021", "education_or_title", facts(education="junior_college", title_level="junior"), Status.UNMET),
    ("shaanxi-2021", "education_or_title", facts(education="junior_college", qualifications=title("intermediate")), Status.MET),
    ("shaanxi-2021", "education_or_title", facts(education="junior_college", qualifications=mgmt("senior")), Status.UNMET),
    ("shaanxi-2021", "education_or_title", facts(education="bachelor"), Status.MET),
    ("shaanxi-2021", "education_or_title", facts(education="high_school", title_level="associate_senior"), Status.MET),
    ("shaanxi-2021", "abilities", facts(), Status.JUDGEMENT),
    # §四(一): above scale → 副总经理 or same rank and above; below scale: not applicable
    ("shaanxi-2021", "above_scale_rank", facts(ABOVE_SCALE, rank="department_head"), Status.UNMET),
    ("shaanxi-2021", "above_scale_rank", facts(ABOVE_SCALE, rank="senior_deputy"), Status.MET),
    ("shaanxi-2021", "above_scale_rank", facts(ABOVE_SCALE, rank="top_manager"), Status.MET),
    ("shaanxi-2021", "above_scale_rank", facts(BELOW_SCALE, rank="department_head"), Status.NOT_APPLICABLE),
    ("shaanxi-2021", "above_scale_rank", facts(BELOW_SCALE, rank="senior_deputy"), Status.NOT_APPLICABLE),
    # §四(一) "国有企业…可由副总经理或副总裁（含）以上兼任": a permission, never unmet
    ("shaanxi-2021", "soe_rank", facts(STATE, rank="department_head"), Status.NOT_APPLICABLE),
    ("shaanxi-2021", "soe_rank", facts(STATE, rank="senior_deputy"), Status.MET),
    ("shaanxi-2021", "soe_rank", facts(LARGE, rank="department_head"), Status.NOT_APPLICABLE),
    ("shaanxi-2021", "group_rank", facts(BIG_GROUP, rank="department_head"), Status.NOT_APPLICABLE),
    ("shaanxi-2021", "group_rank", facts(BIG_GROUP, rank="senior_head"), Status.MET),
    ("shaanxi-2021", "group_rank", facts(MEDIUM_GROUP, rank="department_head"), Status.NOT_APPLICABLE),
    ("shaanxi-2021", "group_rank", facts(LARGE, rank="department_head"), Status.NOT_APPLICABLE),
    ("shaanxi-2021", "appointed_by_gm", facts(appointing_authority="general_manager"), Status.MET),
    ("shaanxi-2021", "appointed_by_gm", facts(appointing_authority="superior"), Status.UNMET),
    ("shaanxi-2021", "reports_to_top", facts(reports_to_top=True), Status.MET),
    ("shaanxi-2021", "reports_to_top", facts(reports_to_top=False), Status.UNMET),
    # jiangsu-2020 §二: 5 years, 大专 (recommended); at a large firm no relaxation applies
    ("jiangsu-2020", "quality_years", facts(LARGE, quality_years=4), Status.UNMET),
    ("jiangsu-2020", "quality_years", facts(LARGE, quality_years=5), Status.MET),
    ("jiangsu-2020", "education", facts(LARGE, education="high_school"), Status.UNMET),
    ("jiangsu-2020", "education", facts(LARGE, education="junior_college"), Status.MET),
    ("jiangsu-2020", "education", facts(LARGE, education=""), Status.UNMET),
    ("jiangsu-2020", "soe_rank", facts(STATE, rank="department_head"), Status.NOT_APPLICABLE),
    ("jiangsu-2020", "soe_rank", facts(STATE, rank="senior_deputy"), Status.MET),
    ("jiangsu-2020", "soe_rank", facts(LARGE, rank="department_head"), Status.NOT_APPLICABLE),
    ("jiangsu-2020", "abilities", facts(), Status.JUDGEMENT),
    # §二 小微企业 own conditions
    ("jiangsu-2020", "quality_years", facts(SMALL, quality_years=4), Status.UNMET),
    ("jiangsu-2020", "quality_years", facts(EnterpriseFacts(size="small", own_conditions="本企业：质量工作 2 年以上"), quality_years=4), Status.RELAXED),
    ("jiangsu-2020", "education", facts(EnterpriseFacts(size="micro", own_conditions="高中及以上"), education="high_school"), Status.RELAXED),
    ("jiangsu-2020", "education", facts(EnterpriseFacts(size="medium", own_conditions="高中及以上"), education="high_school"), Status.UNMET),
    ("jiangsu-2020", "quality_years", facts(EnterpriseFacts(size="small", own_conditions="   "), quality_years=4), Status.UNMET),
    # hangzhou-spec 任职能力: 3 years (含), 本科, 中级 professional or management qualification
    ("hangzhou-spec", "quality_years", facts(quality_years=2), Status.UNMET),
    ("hangzhou-spec", "quality_years", facts(quality_years=3), Status.MET),
    ("hangzhou-spec", "education", facts(education="junior_college"), Status.UNMET),
    ("hangzhou-spec", "education", facts(education="bachelor"), Status.MET),
    ("hangzhou-spec", "qualification", facts(education="bachelor", qualifications=mgmt("intermediate")), Status.MET),
    ("hangzhou-spec", "qualification", facts(education="bachelor", title_level="junior"), Status.UNMET),
    ("hangzhou-spec", "qualification", facts(education="bachelor", title_level="intermediate"), Status.MET),
    ("hangzhou-spec", "qualification", facts(education="bachelor", qualifications=mgmt("junior")), Status.UNMET),
    # 中级以上 职业资格 (e.g. 中级质量工程师) counts as well as a title
    ("hangzhou-spec", "qualification", facts(qualifications=(QualificationFact("vocational", "senior"),)), Status.MET),
    ("hangzhou-spec", "qualification", facts(qualifications=(QualificationFact("vocational", "intermediate"),)), Status.MET),
    ("hangzhou-spec", "qualification", facts(qualifications=(QualificationFact("vocational", "junior"),)), Status.UNMET),
    # 职业素养: declared by the person
    ("hangzhou-spec", "conduct", facts(declarations=frozenset({"disqualifications"})), Status.UNMET),
    ("hangzhou-spec", "conduct", facts(declarations=frozenset({"conduct"})), Status.MET),
    # 聘用: 测评 then 试用, both recorded; or appointed by the superior organisation
    ("hangzhou-spec", "assessment_probation", facts(assessment_result="", probation_end="2026-06-30"), Status.UNMET),
    ("hangzhou-spec", "assessment_probation", facts(assessment_result="测评通过", probation_end=""), Status.UNMET),
    ("hangzhou-spec", "assessment_probation", facts(assessment_result="   ", probation_end="2026-06-30"), Status.UNMET),
    ("hangzhou-spec", "assessment_probation", facts(assessment_result="测评通过", probation_end="2026-06-30"), Status.MET),
    ("hangzhou-spec", "assessment_probation", facts(assessment_result="", probation_end="", appointing_authority="superior"), Status.MET),
    # 待遇 (jiangsu-2020 §四 above-scale only; shaanxi-2021 §四(一) every enterprise)
    ("jiangsu-2020", "treatment", facts(ABOVE_SCALE, treatment="department_head"), Status.UNMET),
    ("jiangsu-2020", "treatment", facts(ABOVE_SCALE, treatment=""), Status.UNMET),
    ("jiangsu-2020", "treatment", facts(ABOVE_SCALE, treatment="senior_deputy"), Status.MET),
    ("jiangsu-2020", "treatment", facts(SMALL, treatment=""), Status.NOT_APPLICABLE),
    ("shaanxi-2021", "treatment", facts(SMALL, treatment="department_head"), Status.UNMET),
    ("shaanxi-2021", "treatment", facts(SMALL, treatment="senior_head"), Status.MET),
    # level-standard §5.1.5 in every jurisdiction pack (SPEC §12.11): declared, and no exit
    # listing in force contradicting it
    *[
        case
        for pack_id in ("shaanxi-2021", "jiangsu-2020", "hangzhou-spec", "shenzhen-guide", "national-default")
        for case in (
            (pack_id, "disqualifications", facts(declarations=frozenset()), Status.UNMET),
            (pack_id, "disqualifications", facts(declarations=frozenset({"conduct"})), Status.UNMET),
            (pack_id, "disqualifications", facts(), Status.MET),
            (pack_id, "disqualifications", facts(exit_listed=True), Status.UNMET),
            (pack_id, "disqualifications", facts(SMALL, declarations=frozenset()), Status.UNMET),
        )
    ],
    ("hangzhou-spec", "training_certificate", facts(training_certificate=False), Status.UNMET),
    ("hangzhou-spec", "training_certificate", facts(training_certificate=True), Status.MET),
    ("hangzhou-spec", "appointed_by", facts(appointing_authority="superior"), Status.MET),
    ("hangzhou-spec", "appointed_by", facts(appointing_authority="top_management"), Status.UNMET),
    ("hangzhou-spec", "reports_to_top", facts(reports_to_top=False), Status.UNMET),
    ("hangzhou-spec", "abilities", facts(), Status.JUDGEMENT),
    # shenzhen-guide §3.1 注2: a concurrent role serves at an SME (micro included), not a large firm
    ("shenzhen-guide", "senior_manager", facts(SMALL, rank="department_head", concurrent_role="management_representative"), Status.MET),
    ("shenzhen-guide", "senior_manager", facts(MICRO, rank="other", concurrent_role="quality_safety_director"), Status.MET),
    ("shenzhen-guide", "senior_manager", facts(MEDIUM, rank="department_head", concurrent_role="quality_authorised_person"), Status.MET),
    ("shenzhen-guide", "senior_manager", facts(LARGE, rank="department_head", concurrent_role="management_representative"), Status.UNMET),
    ("shenzhen-guide", "senior_manager", facts(SMALL, rank="department_head"), Status.UNMET),
    ("shenzhen-guide", "senior_manager", facts(LARGE, rank="senior_deputy"), Status.MET),
    ("shenzhen-guide", "senior_manager", facts(LARGE, rank="top_manager"), Status.MET),
    ("shenzhen-guide", "appointed_by", facts(appointing_authority="top_management"), Status.MET),
    ("shenzhen-guide", "appointed_by", facts(appointing_authority="superior"), Status.UNMET),
    ("shenzhen-guide", "conduct", facts(), Status.JUDGEMENT),
    # level-standard §5.1.1: 大专, and 中级 title or 5 years (SPEC §12.2)
    ("level-standard", "basic_education", facts(education="high_school"), Status.UNMET),
    ("level-standard", "basic_education", facts(education="junior_college"), Status.MET),
    ("level-standard", "title_or_experience", facts(title_level="junior", quality_years=4), Status.UNMET),
    ("level-standard", "title_or_experience", facts(title_level="junior", quality_years=5), Status.MET),
    ("level-standard", "title_or_experience", facts(title_level="intermediate", quality_years=0), Status.MET),
    ("level-standard", "training_certificate", facts(training_certificate=False), Status.UNMET),
    ("level-standard", "training_certificate", facts(training_certificate=True), Status.MET),
    ("level-standard", "disqualifications", facts(), Status.JUDGEMENT),
    # national default: 高层管理人员
    ("national-default", "senior_manager", facts(rank="department_head"), Status.UNMET),
    ("national-default", "senior_manager", facts(rank="senior_deputy"), Status.MET),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pack_id", "code", "given", "status"),
    CASES,
    ids=[f"{p}-{c}-{i}" for i, (p, c, _f, _s) in enumerate(CASES)],
)
def test_it_decides_each_threshold(pack_id, code, given, status):
    result = result_for(pack_id, given, code)
    assert result.status == status, (result.expected, result.actual, result.note)
    cond = condition(pack_id, code)
    # every result carries its clause and severity, whatever its status
    assert result.clause == cond.clause and result.clause
    assert result.severity == cond.severity
    assert result.label == cond.label
    assert result.expected and result.actual


@pytest.mark.parametrize(("pack_id", "code", "given", "_status"), CASES[:5])
def test_it_evaluates_every_condition_in_pack_order(pack_id, code, given, _status):
    results = rules.evaluate(load(pack_id), given)
    assert [r.code for r in results] == [c.code for c in load(pack_id).conditions]
    assert all(r.clause for r in results)


# Relaxations -------------------------------------------------------------------------------


def test_shaanxi_short_years_need_a_justification_to_be_relaxed():
    result = result_for(
        "shaanxi-2021", facts(quality_years=2, education="bachelor"), "quality_years"
    )
    assert result.status == Status.UNMET
    assert result.needs_justification
    assert result.relaxation == ""
    assert "书面说明" in result.note and "shaanxi-2021 §四(二)" in result.note


def test_shaanxi_technical_backbone_with_a_justification_is_relaxed():
    why = "技术骨干：主持企业工艺攻关 8 年，实践经验丰富"
    given = facts(quality_years=2, education="junior_college", justification=why)
    for code in ("quality_years", "education_or_title"):
        result = result_for("shaanxi-2021", given, code)
        assert result.status == Status.RELAXED
        assert "实践经验丰富的技术骨干" in result.relaxation
        assert "shaanxi-2021 §四(二)" in result.relaxation
        assert result.note == why
        assert not result.needs_justification
    # a blank justification is no justification
    blank = facts(quality_years=2, justification="   ")
    assert result_for("shaanxi-2021", blank, "quality_years").status == Status.UNMET


def test_shaanxi_relaxation_does_not_cover_the_post_rank():
    given = facts(ABOVE_SCALE, rank="department_head", justification="过渡期安排")
    result = result_for("shaanxi-2021", given, "above_scale_rank")
    assert result.status == Status.UNMET
    assert result.relaxation == ""
    assert result.note == "企业已填写书面说明"  # the text itself goes with the filing
    verdict = rules.verdict(load("shaanxi-2021"), given)
    assert not verdict.can_proceed("")
    assert verdict.can_proceed("过渡期安排")


def test_jiangsu_small_firm_without_own_conditions_is_told_to_record_them():
    result = result_for("jiangsu-2020", facts(SMALL, quality_years=4), "quality_years")
    assert result.status == Status.UNMET
    assert "企业尚未登记自定条件" in result.note and "jiangsu-2020 §二" in result.note
    assert not result.needs_justification  # recommended only: advisory


def test_jiangsu_small_firm_with_own_conditions_is_relaxed():
    own = "本企业首席质量官：从事质量工作 2 年以上，高中及以上学历"
    given = facts(
        EnterpriseFacts(size="small", own_conditions=own), quality_years=4, education="high_school"
    )
    for code in ("quality_years", "education"):
        result = result_for("jiangsu-2020", given, code)
        assert result.status == Status.RELAXED
        assert "小微企业可结合实际" in result.relaxation and "jiangsu-2020 §二" in result.relaxation
        assert result.note == own


def test_jiangsu_advisory_conditions_never_stop_a_filing():
    given = facts(
        LARGE, quality_years=0, education="high_school", reports_to_top=False, treatment=""
    )
    verdict = rules.verdict(load("jiangsu-2020"), given)
    assert len(verdict.unmet) == 4  # years, education, reporting line, treatment (§四)
    assert verdict.can_proceed("")


def test_hangzhou_justification_keeps_conditions_unmet_but_lets_the_filing_go_on():
    why = "拟于一年内取得中级职称，现由总经理直接领导"
    given = facts(
        quality_years=2,
        education="junior_college",
        title_level="junior",
        training_certificate=False,
        justification=why,
        assessment_result="",
    )
    pack = load("hangzhou-spec")
    verdict = rules.verdict(pack, given)
    unmet = {r.code for r in verdict.unmet}
    assert unmet == {
        "quality_years",
        "education",
        "qualification",
        "training_certificate",
        "assessment_probation",
    }
    for r in verdict.unmet:
        assert r.status == Status.UNMET  # no relaxation in the spec
        assert r.relaxation == ""
        assert r.note == "企业已填写书面说明"
        assert r.needs_justification
    assert not any(r.status == Status.RELAXED for r in verdict.results)
    assert verdict.can_proceed(why)
    assert not verdict.can_proceed("")
    assert not verdict.can_proceed("  \n")


def test_hangzhou_fully_qualified_person_needs_no_justification():
    given = facts(
        quality_years=3,
        education="bachelor",
        qualifications=mgmt("intermediate"),
        training_certificate=True,
        appointing_authority="general_manager",
    )
    verdict = rules.verdict(load("hangzhou-spec"), given)
    assert verdict.unmet == []
    assert verdict.summary() == {
        "met": 9,
        "unmet": 0,
        "relaxed": 0,
        "judgement": 1,
        "not_applicable": 0,
    }
    assert verdict.can_proceed("")


def test_level_blocking_conditions_stop_an_application_whatever_the_justification():
    given = facts(education="high_school", title_level="intermediate", training_certificate=True)
    verdict = rules.verdict(load("level-standard"), given)
    assert [r.code for r in verdict.blocking] == ["basic_education"]
    assert not verdict.can_proceed("说明理由")
    ok = facts(education="junior_college", quality_years=5, training_certificate=True)
    assert rules.verdict(load("level-standard"), ok).can_proceed("")


def test_every_result_of_every_pack_carries_its_clause():
    everyone = [given for _p, _c, given, _s in CASES]
    for pack_id in SHIPPED:
        pack = load(pack_id)
        clauses = {c.code: c.clause for c in pack.conditions}
        for given in everyone:
            for r in rules.evaluate(pack, given):
                assert r.clause == clauses[r.code] and r.severity
                assert r.as_dict()["clause"] == r.clause


# Malformed packs ---------------------------------------------------------------------------

BASE = """
[pack]
id = "broken"
name = "测试"
version = "1"
effective_from = 2024-01-01
regions = ["510000"]
source = "测试文件"

[[conditions]]
code = "quality_years"
label = "从事质量管理工作 3 年以上"
clause = "broken §1"
severity = "justify"
test = { kind = "quality_years_min", years = 3 }
"""

CONDITION = BASE[BASE.index("[[conditions]]") :]

# every jurisdiction pack with conditions of its own states this one (SPEC §12.11)
DISQUALIFICATION = """
[[conditions]]
code = "disqualifications"
label = "有下列情形之一的，不得担任首席质量官"
clause = "broken §5"
severity = "blocking"
group = "conduct"
test = { kind = "no_disqualification" }
"""
BASE += DISQUALIFICATION

CERTIFICATION = """
[certification]
clause = "broken §9"
indicators = [{ code = "1", name = "意识", max = 10 }]
total = 10
pass_total = 5
grades = [{ level = "AAA", min = 5 }]
years_for_level = { AAA = 2, AAAA = 4, AAAAA = 8 }
years_clause = "broken §9"
validity_years = 3
validity_clause = "broken §9"
continuing_hours = 10
continuing_trainings_organised = 1
continuing_clause = "broken §9"
"""

RELAXATION = """
[[relaxations]]
code = "backbone"
label = "技术骨干"
clause = "broken §2"
conditions = ["quality_years", "educaton"]
requires = "justification"
"""

# (what is wrong, the text, the path the problem must start with, a fragment of its message)
MALFORMED = [
    ("missing clause", BASE.replace('clause = "broken §1"\n', ""), "conditions[0].clause", "Field required"),
    ("clause too short", BASE.replace('"broken §1"', '"§1"'), "conditions[0].clause", "at least 3"),
    ("bad severity", BASE.replace('"justify"', '"fatal"'), "conditions[0].severity", "'advisory', 'justify' or 'blocking'"),
    ("duplicate condition code", BASE + CONDITION, "conditions", "condition codes used twice: quality_years"),
    ("relaxation naming an unknown condition", BASE + RELAXATION, "relaxations", "relaxation 'backbone' names unknown conditions: educaton"),
    ("certification in a jurisdiction pack", BASE + CERTIFICATION, "certification", "only a certification pack"),
    ("region not six digits", BASE.replace('"510000"', '"5100"'), "pack.regions", "'5100' is not a six-digit"),
    ("region with letters", BASE.replace('"510000"', '"51000X"'), "pack.regions", "six-digit"),
    ("region listed twice", BASE.replace('["510000"]', '["510000", "510000"]'), "pack.regions", "listed twice"),
    ("jurisdiction without region", BASE.replace('regions = ["510000"]\n', ""), "(pack)", "at least one region"),
    ("conditions without the disqualifications", BASE.replace(DISQUALIFICATION, ""), "(pack)", "no_disqualification"),
    ("disqualifications only advisory", BASE.replace('"blocking"', '"advisory"'), "(pack)", "no_disqualification"),
    ("permission without its test", BASE.replace('{ kind = "quality_years_min", years = 3 }', '{ kind = "permission" }'), "conditions[0].test.of", "Field required"),
    ("TOML syntax error", BASE.replace("years = 3 }", "years = 3"), "TOML", "line"),
    ("unknown test kind", BASE.replace("quality_years_min", "shoe_size_min"), "conditions[0].test", "'shoe_size_min'"),
    ("unknown key", BASE.replace("severity", 'colour = "red"\nseverity'), "conditions[0].colour", "Extra inputs"),
    ("bad level inside any_of", BASE.replace('{ kind = "quality_years_min", years = 3 }', '{ kind = "any_of", of = [{ kind = "title_min", level = "middle" }, { kind = "judgement" }] }'), "conditions[0].test.of[0].level", "'intermediate'"),
    ("bad condition code", BASE.replace('code = "quality_years"', 'code = "Quality Years"'), "conditions[0].code", "pattern"),
    ("bad date", BASE.replace("2024-01-01", '"soon"'), "pack.effective_from", "date"),
    ("negative years", BASE.replace("years = 3", "years = -1"), "conditions[0].test.years", "greater than or equal to 0"),
    ("evaluation not adding up", BASE + '\n[evaluation]\nclause = "broken §7"\ntotal = 10\nitems = [{ code = "1", label = "甲", max = 5 }, { code = "1.1", label = "乙", max = 5 }]\n', "evaluation", "add up to 5, not 10"),
    ("bad requires", BASE + RELAXATION.replace(', "educaton"', "").replace('"justification"', '"a_letter"'), "relaxations[0].requires", "'justification'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("what", "text", "path", "fragment"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_it_refuses_a_malformed_pack_naming_the_problem(what, text, path, fragment):
    with pytest.raises(schema.PackError) as caught:
        schema.parse(text)
    problems = caught.value.problems
    assert any(p.startswith(f"{path}:") and fragment in p for p in problems), problems
    assert str(caught.value) == "; ".join(problems)


def test_the_malformed_base_itself_is_valid():
    assert schema.parse(BASE).pack.id == "broken"
    assert schema.parse(BASE + RELAXATION.replace(', "educaton"', "")).relaxations


def test_it_reports_every_problem_at_once():
    text = BASE.replace('"justify"', '"fatal"').replace('"510000"', '"5100"')
    with pytest.raises(schema.PackError) as caught:
        schema.parse(text)
    paths = {p.split(":")[0] for p in caught.value.problems}
    assert {"conditions[0].severity", "pack.regions"} <= paths


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (BASE + CONDITION, "conditions"),
        (BASE + RELAXATION, "relaxations"),
        (BASE + CERTIFICATION, "certification"),
    ],
)
def test_it_points_pack_level_problems_at_their_section(text, path):
    with pytest.raises(schema.PackError) as caught:
        schema.parse(text)
    assert any(p.split(":")[0].startswith(path) for p in caught.value.problems)


def test_it_refuses_an_empty_when_list():
    with pytest.raises(schema.PackError):
        schema.parse(BASE.replace("severity", "when = { sizes = [] }\nseverity"))


# The README's fourth-province example ------------------------------------------------------

SICHUAN_EXAMPLE = """\
# 四川省 — example only: the document, its number and its clauses are invented.

[pack]
id = "sichuan-example"
name = "四川省 关于推行企业首席质量官制度的实施意见（示例）"
version = "2024.1"
effective_from = 2024-03-01
regions = ["510000"]
source = "川质委办〔2024〕0号 关于推行企业首席质量官制度的实施意见（示例，2024-03-01）"
note = "示例政策包，仅用于说明文件格式。"

[[conditions]]
code = "quality_years"
label = "从事质量管理工作 3 年以上"
clause = "sichuan-example §三(二); SPEC §12.4"
severity = "justify"
test = { kind = "quality_years_min", years = 3 }

[[conditions]]
code = "education"
label = "具有大专（含）以上学历"
clause = "sichuan-example §三(二)"
severity = "justify"
test = { kind = "education_min", level = "junior_college" }

[[conditions]]
code = "abilities"
label = "具备较强的组织协调能力和质量管理实践经验"
clause = "sichuan-example §三(二)"
severity = "advisory"
test = { kind = "judgement" }

[[conditions]]
code = "above_scale_rank"
label = "规模以上企业首席质量官由副总经理或同职级以上高管担任"
clause = "sichuan-example §三(一)"
severity = "justify"
group = "position"
when = { above_scale = true }
test = { kind = "rank_min", rank = "senior_deputy" }

[[conditions]]
code = "reports_to_top"
label = "直接向总经理（总裁）报告工作"
clause = "sichuan-example §三(一)"
severity = "advisory"
group = "position"
test = { kind = "reports_to_top" }

# Every jurisdiction pack with conditions of its own states this one, blocking (SPEC §12.11).
[[conditions]]
code = "disqualifications"
label = "有下列情形之一的，不得担任首席质量官：a) 违反法律法规，在质量岗位工作中造成重大失误或谋取不正当利益的或受刑事处分的；b) 泄露企业的商业秘密；c) 损害企业或者合作伙伴的合法权益"
clause = "sichuan-example §三(五); SPEC §12.11"
severity = "blocking"
group = "conduct"
test = { kind = "no_disqualification" }

[[relaxations]]
code = "technical_backbone"
label = "实践经验丰富的技术骨干，条件可适当放宽"
clause = "sichuan-example §三(二)"
conditions = ["quality_years", "education"]
requires = "justification"

[authorisation]
clause = "sichuan-example §三(一)"
responsibility = "对本企业质量工作全面负责"
reporting_line = "直接向总经理（总裁）报告工作"

[duties]
clause = "sichuan-example §三(三)"
heading = "工作职责"
items = [
  "负责企业质量发展战略和计划的制定和实施",
  "负责企业质量管理体系建设、实施及持续改进",
]

[powers]
clause = "sichuan-example §三(四)"
heading = "工作权限"
items = [
  "参与企业经营管理决策",
  "行使质量安全“一票否决”权",
]

[training]
clause = "sichuan-example §四(一)"
certificate_issuers = ["qualified_institution"]
certificate_issuers_clause = "sichuan-example §四(一)"

[[training.tiers]]
code = "advanced"
name = "“高级”培训"
level = "province"
audience = "全省规模以上企业首席质量官"
clause = "sichuan-example §四(一)"

[training.study_hours]
hours = 32
kinds = ["online_self_study", "offline_training"]
in_principle = true
clause = "sichuan-example §四(一); SPEC §12.13"

[[departments]]
code = "market_regulation"
name = "市场监管部门"
clause = "sichuan-example §五(一)"

[[departments]]
code = "agriculture_rural"
name = "农业农村部门"
clause = "sichuan-example §五(一); SPEC §12.20"
industries = ["A"]

[[targets]]
year = 2025
metric = "above_scale"
share = 0.8
clause = "sichuan-example §二"

[new_cqos]
per_year = 1000
clause = "sichuan-example §二"

[filing]
authority = "county"
clause = "sichuan-example §四(二); SPEC §3"
initiator = "person_or_enterprise"
initiator_clause = "sichuan-example §四(二); SPEC §12.23"
"""


def test_the_readme_example_is_this_fixture_verbatim():
    readme = (PACKS_DIR / "README.md").read_text(encoding="utf-8")
    assert f"```toml\n{SICHUAN_EXAMPLE}```" in readme


def test_the_example_province_pack_parses_and_is_not_shipped():
    pack = schema.parse(SICHUAN_EXAMPLE)
    assert (pack.pack.id, pack.pack.regions) == ("sichuan-example", ["510000"])
    assert not (PACKS_DIR / f"{pack.pack.id}.toml").exists()
    assert all(not p.read_text(encoding="utf-8").count("sichuan") for p in PACKS_DIR.glob("*.toml"))


def test_the_example_province_pack_works_with_the_engine():
    pack = schema.parse(SICHUAN_EXAMPLE)
    given = facts(quality_years=2, education="junior_college", rank="department_head")
    by_code = {r.code: r for r in rules.evaluate(pack, given)}
    assert by_code["quality_years"].status == Status.UNMET
    assert by_code["education"].status == Status.MET
    assert by_code["above_scale_rank"].status == Status.UNMET
    relaxed = rules.evaluate(pack, facts(quality_years=2, justification="技术骨干"))
    assert {r.code: r.status for r in relaxed}["quality_years"] == Status.RELAXED


@pytest.mark.parametrize("pack_id", ["shaanxi-2021", "jiangsu-2020"])
@pytest.mark.parametrize("rank", ["other", "department_head", "senior_deputy", "top_manager"])
def test_an_soe_or_group_may_appoint_a_cqo_of_any_rank(pack_id, rank):
    # "国有企业…可由副总经理或副总裁（含）以上兼任" permits a concurrent post; it is no floor
    # (shaanxi-2021 §四(一), jiangsu-2020 §二)
    for enterprise in (STATE, BIG_GROUP):
        results = rules.evaluate(load(pack_id), facts(enterprise, rank=rank))
        permissions = [r for r in results if r.code in ("soe_rank", "group_rank")]
        assert permissions
        assert all(r.status in (Status.MET, Status.NOT_APPLICABLE) for r in permissions)
        # met only where the appointment uses the permission (a VP or above)
        used = enums_at_least(rank, "senior_deputy")
        assert all(used for r in permissions if r.status == Status.MET)


def enums_at_least(rank: str, floor: str) -> bool:
    from cqo.reference import enums

    return enums.PositionRank.at_least(rank, floor)
