"""The facts a pack's conditions are tested against, and each test's outcome (SPEC §4).

Pure functions over plain data: ``check`` answers one test with (outcome, expected, actual),
where the outcome is met (True), unmet (False) or for judgement (None). ``cqo.policy.rules``
turns the outcomes into the statuses, relaxations and verdict of a filing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cqo.policy import schema
from cqo.reference import enums


@dataclass(frozen=True)
class QualificationFact:
    kind: str
    level: str


@dataclass(frozen=True)
class PersonFacts:
    education: str = ""
    title_level: str = ""
    qualifications: tuple[QualificationFact, ...] = ()
    quality_years: int = 0
    training_certificate: bool = False
    # the highest valid capability level held (level-standard), "" if none
    capability_level: str = ""
    # the codes of the conditions the person declared on the appointment (declaration,
    # no_disqualification)
    declarations: frozenset[str] = frozenset()
    # an exit listing (退出, the blacklist) in force on the day (SPEC §12.15)
    exit_listed: bool = False


@dataclass(frozen=True)
class EnterpriseFacts:
    size: str = ""
    above_scale: bool = False
    nature: str = ""
    listed: bool = False
    group: bool = False
    industry_division: str = ""
    industry_section: str = ""
    # the enterprise's own conditions for its CQO (small and micro firms, jiangsu-2020 §二)
    own_conditions: str = ""


@dataclass(frozen=True)
class PostFacts:
    rank: str = ""
    concurrent_role: str = ""
    appointing_authority: str = ""
    reports_to_top: bool = True
    justification: str = ""
    # the post's treatment (待遇), as the rank it equals; "" when not agreed
    treatment: str = ""
    # the assessment (测评) result and the probation's end (ISO date), "" when not recorded
    assessment_result: str = ""
    probation_end: str = ""


@dataclass(frozen=True)
class Facts:
    person: PersonFacts = field(default_factory=PersonFacts)
    enterprise: EnterpriseFacts = field(default_factory=EnterpriseFacts)
    post: PostFacts = field(default_factory=PostFacts)


# Enterprise filters ---------------------------------------------------------------------------


def matches(when: schema.When, e: EnterpriseFacts) -> bool:
    if when.above_scale is not None and e.above_scale != when.above_scale:
        return False
    if when.sizes is not None and e.size not in when.sizes:
        return False
    if when.natures is not None and e.nature not in when.natures:
        return False
    if when.listed is not None and e.listed != when.listed:
        return False
    if when.group is not None and e.group != when.group:
        return False
    return when.industries is None or (
        e.industry_section in when.industries or e.industry_division in when.industries
    )


def describe_when(when: schema.When) -> str:
    parts = []
    if when.above_scale is not None:
        parts.append(_("规模以上企业") if when.above_scale else _("规模以下企业"))
    if when.sizes:
        parts.append("/".join(str(enums.EnterpriseSize(s).label) for s in when.sizes))
    if when.natures:
        parts.append("/".join(str(enums.EnterpriseNature(n).label) for n in when.natures))
    if when.listed is not None:
        parts.append(_("上市公司") if when.listed else _("非上市公司"))
    if when.group is not None:
        parts.append(_("集团企业") if when.group else _("非集团企业"))
    if when.industries:
        parts.append(_("行业 %(codes)s") % {"codes": "、".join(when.industries)})
    return "，".join(parts) or _("所有企业")


# Tests ------------------------------------------------------------------------------------------


def _label(choices: type[enums.models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or _("未填写")


def _title_levels(p: PersonFacts) -> list[str]:
    levels = [p.title_level] if p.title_level else []
    levels += [q.level for q in p.qualifications if q.kind == "professional_title"]
    return levels


def _best(levels: list[str]) -> str:
    known = [lv for lv in levels if enums.QualificationLevel.rank(lv) > 0]
    return max(known, key=enums.QualificationLevel.rank) if known else ""


LEVELS = ["AAA", "AAAA", "AAAAA"]


def check(test: schema.Test, f: Facts, code: str = "") -> tuple[bool | None, str, str]:
    """(outcome, expected, actual); outcome None means "for judgement". ``code`` is the
    condition's, which a declaration is recorded under."""
    match test:
        case (
            schema.QualityYears()
            | schema.EducationMin()
            | schema.TitleMin()
            | schema.QualificationMin()
            | schema.TrainingCertificate()
            | schema.CapabilityLevelMin()
        ):
            return _check_person(test, f.person)
        case (
            schema.RankMin()
            | schema.ConcurrentRoleIn()
            | schema.AppointedBy()
            | schema.ReportsToTop()
            | schema.TreatmentMin()
            | schema.AssessedWithProbation()
        ):
            return _check_post(test, f.post)
        case schema.Declaration() | schema.NoDisqualification():
            return _check_declaration(test, f.person, code)
        case schema.EnterpriseIs(when=when):
            e = f.enterprise
            return matches(when, e), describe_when(when), _enterprise_summary(e)
        case schema.Judgement():
            return None, _("由企业和备案机关判断"), "—"
        case schema.Permission():
            # a permission never fails: nested in a combination it counts as met
            _outcome, expected, actual = check(test.of, f, code)
            return True, _("允许：%(what)s") % {"what": expected}, actual
        case schema.AnyOf() | schema.AllOf():
            return _check_combined(test, f, code)
    raise AssertionError(f"unknown test {test!r}")  # pragma: no cover (the schema forbids it)


def permission_used(test: schema.Permission, f: Facts, code: str = "") -> bool:
    """Whether the appointment uses the permission (its nested test is met)."""
    return check(test.of, f, code)[0] is True


def _check_declaration(
    test: schema.Declaration | schema.NoDisqualification, p: PersonFacts, code: str
) -> tuple[bool, str, str]:
    """The person's declaration on the appointment; for the disqualifications (level-standard
    §5.1.5; SPEC §12.11) an exit listing in force contradicts it."""
    declared = code in p.declarations
    actual = _("本人已声明") if declared else _("本人未声明")
    if isinstance(test, schema.Declaration):
        return declared, _("备案人本人声明"), actual
    if declared and p.exit_listed:
        actual = _("本人已声明，但有有效的“黑名单”退出记录")
    return (
        declared and not p.exit_listed,
        _("备案人本人声明无上述情形，且无有效的“黑名单”退出记录"),
        actual,
    )


PersonTest = (
    schema.QualityYears
    | schema.EducationMin
    | schema.TitleMin
    | schema.QualificationMin
    | schema.TrainingCertificate
    | schema.CapabilityLevelMin
)
PostTest = (
    schema.RankMin
    | schema.ConcurrentRoleIn
    | schema.AppointedBy
    | schema.ReportsToTop
    | schema.TreatmentMin
    | schema.AssessedWithProbation
)


def _check_person(test: PersonTest, p: PersonFacts) -> tuple[bool, str, str]:
    """The tests of the person: years in quality work, education, title, qualification,
    training certificate and capability level."""
    match test:
        case schema.QualityYears(years=years):
            return (
                p.quality_years >= years,
                _("质量管理工作 ≥ %(n)d 年") % {"n": years},
                _("%(n)d 年") % {"n": p.quality_years},
            )
        case schema.EducationMin(level=level):
            return (
                enums.Education.at_least(p.education, level),
                _("%(level)s及以上学历") % {"level": _label(enums.Education, level)},
                _label(enums.Education, p.education),
            )
        case schema.TitleMin(level=level):
            best = _best(_title_levels(p))
            return (
                enums.QualificationLevel.at_least(best, level),
                _("%(level)s及以上职称") % {"level": _label(enums.QualificationLevel, level)},
                _label(enums.QualificationLevel, best) if best else _("无职称"),
            )
        case schema.QualificationMin():
            return _check_qualification(test, p)
        case schema.TrainingCertificate():
            return (
                p.training_certificate,
                _("持有首席质量官培训合格证"),
                _("有") if p.training_certificate else _("无"),
            )
        case schema.CapabilityLevelMin(level=level):
            held = p.capability_level
            enough = held in LEVELS and LEVELS.index(held) >= LEVELS.index(level)
            return enough, _("能力水平 %(level)s 及以上") % {"level": level}, held or _("未认定")
    raise AssertionError(f"not a test of the person {test!r}")  # pragma: no cover


def _check_qualification(test: schema.QualificationMin, p: PersonFacts) -> tuple[bool, str, str]:
    level, kinds = test.level, test.kinds
    levels = [q.level for q in p.qualifications if q.kind in kinds]
    if "professional_title" in kinds and p.title_level:
        levels.append(p.title_level)
    best = _best(levels)
    kinds_label = "/".join(str(enums.QualificationKind(k).label) for k in kinds)
    return (
        enums.QualificationLevel.at_least(best, level),
        _("%(level)s及以上%(kinds)s")
        % {"level": _label(enums.QualificationLevel, level), "kinds": kinds_label},
        _label(enums.QualificationLevel, best) if best else _("无"),
    )


def _check_post(test: PostTest, post: PostFacts) -> tuple[bool, str, str]:
    """The tests of the post: rank, concurrent role, appointing authority, reporting line."""
    match test:
        case schema.RankMin(rank=rank):
            return (
                enums.PositionRank.at_least(post.rank, rank),
                _("%(rank)s或以上") % {"rank": _label(enums.PositionRank, rank)},
                _label(enums.PositionRank, post.rank),
            )
        case schema.ConcurrentRoleIn(roles=roles):
            return (
                post.concurrent_role in roles,
                _("兼任%(roles)s")
                % {"roles": "/".join(_label(enums.ConcurrentRole, r) for r in roles)},
                _label(enums.ConcurrentRole, post.concurrent_role)
                if post.concurrent_role
                else _("未兼任"),
            )
        case schema.AppointedBy(authorities=authorities):
            return (
                post.appointing_authority in authorities,
                _("由%(who)s聘任")
                % {"who": "/".join(_label(enums.AppointingAuthority, a) for a in authorities)},
                _label(enums.AppointingAuthority, post.appointing_authority),
            )
        case schema.ReportsToTop():
            return (
                post.reports_to_top,
                _("直接向总经理（总裁）报告工作"),
                _("是") if post.reports_to_top else _("否"),
            )
        case schema.TreatmentMin(rank=rank):
            return (
                enums.PositionRank.at_least(post.treatment, rank),
                _("%(rank)s（含）以上岗位待遇") % {"rank": _label(enums.PositionRank, rank)},
                _label(enums.PositionRank, post.treatment) if post.treatment else _("未约定"),
            )
        case schema.AssessedWithProbation():
            recorded = bool(post.assessment_result.strip() and post.probation_end)
            return (
                recorded,
                _("记录测评结果和试用期截止日期"),
                _("测评结果：%(result)s；试用期截止：%(end)s")
                % {
                    "result": post.assessment_result.strip() or _("未填写"),
                    "end": post.probation_end or _("未填写"),
                },
            )
    raise AssertionError(f"not a test of the post {test!r}")  # pragma: no cover


def _check_combined(
    test: schema.AnyOf | schema.AllOf, f: Facts, code: str
) -> tuple[bool | None, str, str]:
    """Any of / all of the nested tests: met, unmet, or for judgement when a nested judgement
    could decide it."""
    parts = [check(t, f, code) for t in test.of]
    outcomes = [o for o, _e, _a in parts]
    if isinstance(test, schema.AnyOf):
        ok: bool | None = any(o is True for o in outcomes) or (None if None in outcomes else False)
        joiner = _("或")
    else:
        ok = False if False in outcomes else (None if None in outcomes else True)
        joiner = _("且")
    return (
        ok,
        f" {joiner} ".join(x for _o, x, _a in parts),
        "；".join(a for _o, _x, a in parts),
    )


def _enterprise_summary(e: EnterpriseFacts) -> str:
    parts = [_label(enums.EnterpriseSize, e.size)]
    parts.append(_("规模以上") if e.above_scale else _("规模以下"))
    if e.nature:
        parts.append(_label(enums.EnterpriseNature, e.nature))
    return "，".join(parts)
