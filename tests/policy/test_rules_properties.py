"""Properties of the eligibility engine over every shipped pack (SPEC §4, §12.11), for facts
generated from the enumerations of SPEC §2.

The table tests in ``test_packs.py`` pin the values at each threshold; these check what must
hold for any person, enterprise and post: the order of a pack's conditions changes nothing,
every result cites its clause, a condition is not applicable exactly when its filter does not
match, and a blocking condition that is unmet always stops the filing.
"""

from __future__ import annotations

import functools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cqo.policy import rules, schema
from cqo.policy.rules import (
    EnterpriseFacts,
    Facts,
    PersonFacts,
    PostFacts,
    QualificationFact,
    Status,
)
from cqo.reference import enums
from tests.policy.test_packs import SICHUAN_EXAMPLE

PACKS_DIR = Path(schema.__file__).resolve().parent.parent / "packs"


@functools.cache
def all_packs() -> tuple[schema.Pack, ...]:
    shipped = [
        schema.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKS_DIR.glob("*.toml"))
    ]
    return (*shipped, schema.parse(SICHUAN_EXAMPLE))


def packs() -> st.SearchStrategy[schema.Pack]:
    return st.sampled_from(all_packs())


def _or_blank(values: list[str]) -> st.SearchStrategy[str]:
    # "" is what an unfilled field holds; the engine must treat it as the lowest value
    return st.sampled_from(["", *values])


TEXTS = st.sampled_from(
    ["", "   ", "技术骨干，从事工艺质量攻关 10 年", "本企业自定条件：质量工作 2 年"]
)
SECTIONS = list("ABCDEFGHIJKLMNOPQRST")
DIVISIONS = [f"{n:02d}" for n in range(1, 98)]

persons = st.builds(
    PersonFacts,
    education=_or_blank(enums.Education.values),
    title_level=_or_blank(enums.QualificationLevel.values),
    qualifications=st.lists(
        st.builds(
            QualificationFact,
            kind=st.sampled_from(enums.QualificationKind.values),
            level=st.sampled_from(enums.QualificationLevel.values),
        ),
        max_size=3,
    ).map(tuple),
    quality_years=st.integers(min_value=0, max_value=45),
    training_certificate=st.booleans(),
    capability_level=st.sampled_from(["", "AAA", "AAAA", "AAAAA"]),
    declarations=st.frozensets(st.sampled_from(["disqualifications", "conduct"])),
    exit_listed=st.booleans(),
)
enterprises = st.builds(
    EnterpriseFacts,
    size=_or_blank(enums.EnterpriseSize.values),
    above_scale=st.booleans(),
    nature=_or_blank(enums.EnterpriseNature.values),
    listed=st.booleans(),
    group=st.booleans(),
    industry_division=_or_blank(DIVISIONS),
    industry_section=_or_blank(SECTIONS),
    own_conditions=TEXTS,
)
posts = st.builds(
    PostFacts,
    rank=_or_blank(enums.PositionRank.values),
    concurrent_role=st.sampled_from(enums.ConcurrentRole.values),  # "" is among them
    appointing_authority=_or_blank(enums.AppointingAuthority.values),
    reports_to_top=st.booleans(),
    justification=TEXTS,
    treatment=_or_blank(enums.PositionRank.values),
    assessment_result=TEXTS,
    probation_end=st.sampled_from(["", "2026-06-30"]),
)
all_facts = st.builds(Facts, person=persons, enterprise=enterprises, post=posts)

FEW = settings(derandomize=True, max_examples=120, deadline=None)


def by_code(results: list[rules.Result]) -> dict[str, dict[str, str]]:
    return {r.code: r.as_dict() for r in results}


def applies(when: schema.When, e: EnterpriseFacts) -> bool:
    """The filter's meaning, written independently of rules.matches: every given key holds."""
    wanted = []
    if when.above_scale is not None:
        wanted.append(e.above_scale is when.above_scale)
    if when.sizes is not None:
        wanted.append(e.size in when.sizes)
    if when.natures is not None:
        wanted.append(e.nature in when.natures)
    if when.listed is not None:
        wanted.append(e.listed is when.listed)
    if when.group is not None:
        wanted.append(e.group is when.group)
    if when.industries is not None:
        wanted.append(bool({e.industry_section, e.industry_division} & set(when.industries)))
    return all(wanted)


@FEW
@given(data=st.data())
def test_the_order_of_conditions_and_relaxations_changes_no_result(data):
    pack = data.draw(packs())
    facts = data.draw(all_facts)
    conditions = data.draw(st.permutations(pack.conditions))
    relaxations = data.draw(st.permutations(pack.relaxations))
    shuffled = pack.model_copy(update={"conditions": conditions, "relaxations": relaxations})
    before = rules.evaluate(pack, facts)
    after = rules.evaluate(shuffled, facts)
    assert by_code(after) == by_code(before)
    assert [r.code for r in after] == [c.code for c in conditions]


@FEW
@given(pack=packs(), facts=all_facts)
def test_every_result_carries_its_clause_and_severity(pack, facts):
    results = rules.evaluate(pack, facts)
    assert [r.code for r in results] == [c.code for c in pack.conditions]
    conditions = {c.code: c for c in pack.conditions}
    for r in results:
        cond = conditions[r.code]
        assert r.clause == cond.clause and len(r.clause) >= 3
        assert r.severity == cond.severity in {"advisory", "justify", "blocking"}
        if r.status in (Status.UNMET, Status.RELAXED):
            assert r.clause.strip() and r.severity
            assert r.expected and r.actual


@FEW
@given(pack=packs(), facts=all_facts)
def test_a_result_is_not_applicable_exactly_when_its_filter_does_not_match(pack, facts):
    # or when it is a permission the appointment does not use (shaanxi-2021 §四(一))
    for cond, r in zip(pack.conditions, rules.evaluate(pack, facts), strict=True):
        unused = isinstance(cond.test, schema.Permission) and not rules.permission_used(
            cond.test, facts, cond.code
        )
        assert (r.status == Status.NOT_APPLICABLE) == (
            not applies(cond.when, facts.enterprise) or unused
        )


@FEW
@given(pack=packs(), facts=all_facts)
def test_a_permission_is_never_unmet(pack, facts):
    for cond, r in zip(pack.conditions, rules.evaluate(pack, facts), strict=True):
        if isinstance(cond.test, schema.Permission):
            assert r.status in (Status.MET, Status.NOT_APPLICABLE)


@FEW
@given(pack=packs(), facts=all_facts)
def test_an_undeclared_or_contradicted_disqualification_always_blocks(pack, facts):
    # SPEC §12.11: every jurisdiction pack blocks a filing without the person's declaration, or
    # with an exit listing in force
    if pack.pack.kind != "jurisdiction":
        return
    verdict = rules.verdict(pack, facts)
    if "disqualifications" not in facts.person.declarations or facts.person.exit_listed:
        assert "disqualifications" in {r.code for r in verdict.blocking}
        assert not verdict.can_proceed("书面说明")


@FEW
@given(pack=packs(), facts=all_facts, justification=TEXTS)
def test_an_unmet_blocking_condition_always_stops_the_filing(pack, facts, justification):
    verdict = rules.verdict(pack, facts)
    blocking = [r for r in verdict.results if r.status == Status.UNMET and r.severity == "blocking"]
    if blocking:
        assert not verdict.can_proceed(justification)
    else:
        # nothing blocks: a written justification is always enough (SPEC §12.11)
        assert verdict.can_proceed("书面说明")
        if not verdict.needing_justification:
            assert verdict.can_proceed("")


@FEW
@given(pack=packs(), facts=all_facts)
def test_only_judgements_are_judged_and_only_relaxable_conditions_are_relaxed(pack, facts):
    relaxable = {code for r in pack.relaxations for code in r.conditions}
    for cond, r in zip(pack.conditions, rules.evaluate(pack, facts), strict=True):
        if isinstance(cond.test, schema.Judgement):
            assert r.status in (Status.JUDGEMENT, Status.NOT_APPLICABLE)
        if r.status == Status.RELAXED:
            assert cond.code in relaxable
            # the relaxation applied is named with its clause
            assert any(x.clause in r.relaxation for x in pack.relaxations)
            assert r.note.strip()
        else:
            assert r.relaxation == ""


_STATUS_ORDER = {Status.UNMET: 0, Status.RELAXED: 1, Status.MET: 2}


def _better_or_equal(before: rules.Result, after: rules.Result) -> bool:
    if before.status in _STATUS_ORDER and after.status in _STATUS_ORDER:
        return _STATUS_ORDER[after.status] >= _STATUS_ORDER[before.status]
    return after.status == before.status


@FEW
@given(pack=packs(), facts=all_facts, more=st.integers(min_value=1, max_value=10))
def test_more_experience_or_a_higher_degree_never_makes_a_result_worse(pack, facts, more):
    rank = enums.Education.rank(facts.person.education)
    higher = enums.Education.values[min(rank + 1, len(enums.Education.values) - 1)]
    better_person = PersonFacts(
        **{
            **facts.person.__dict__,
            "quality_years": facts.person.quality_years + more,
            "education": higher,
        }
    )
    better = Facts(person=better_person, enterprise=facts.enterprise, post=facts.post)
    for before, after in zip(
        rules.evaluate(pack, facts), rules.evaluate(pack, better), strict=True
    ):
        assert _better_or_equal(before, after), (before.code, before.status, after.status)


@FEW
@given(pack=packs(), facts=all_facts)
def test_a_justification_only_ever_helps(pack, facts):
    without = Facts(
        person=facts.person,
        enterprise=facts.enterprise,
        post=PostFacts(**{**facts.post.__dict__, "justification": ""}),
    )
    with_one = Facts(
        person=facts.person,
        enterprise=facts.enterprise,
        post=PostFacts(**{**facts.post.__dict__, "justification": "书面说明"}),
    )
    for a, b in zip(rules.evaluate(pack, without), rules.evaluate(pack, with_one), strict=True):
        assert _better_or_equal(a, b)
        # a justification never relaxes a condition the pack does not relax by justification
        if b.status == Status.RELAXED and a.status != Status.RELAXED:
            assert any(
                x.requires == "justification" and b.code in x.conditions for x in pack.relaxations
            )
