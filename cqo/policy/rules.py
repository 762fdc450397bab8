"""The eligibility engine: a pack's conditions against a person and an enterprise (SPEC §4,
§12.11).

Pure functions over plain data: no database, no clock. ``evaluate`` returns one result per
condition, in the pack's order: met, unmet, relaxed (an unmet condition that the pack's
relaxation covers, e.g. shaanxi-2021 §四(二)), judgement (for the enterprise and the reviewer
to judge, never decided by data) or not applicable (the condition's ``when`` does not match the
enterprise). Each result names its clause, its severity and the values compared.

Severity (SPEC §12.11): an unmet *advisory* condition is shown; an unmet *justify* condition
needs a written justification before the filing can go on (the reviewer sees it); an unmet
*blocking* condition stops the filing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext as _

from cqo.policy import schema
from cqo.reference import enums


class Status(StrEnum):
    MET = "met"
    UNMET = "unmet"
    RELAXED = "relaxed"
    JUDGEMENT = "judgement"
    NOT_APPLICABLE = "not_applicable"


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


@dataclass(frozen=True)
class Facts:
    person: PersonFacts = field(default_factory=PersonFacts)
    enterprise: EnterpriseFacts = field(default_factory=EnterpriseFacts)
    post: PostFacts = field(default_factory=PostFacts)


@dataclass(frozen=True)
class Result:
    code: str
    label: str
    group: str
    clause: str
    severity: str
    status: Status
    expected: str
    actual: str
    relaxation: str = ""  # label and clause of the relaxation applied, or why none applied
    note: str = ""

    @property
    def needs_justification(self) -> bool:
        return self.status == Status.UNMET and self.severity == "justify"

    @property
    def blocks(self) -> bool:
        return self.status == Status.UNMET and self.severity == "blocking"

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "label": self.label,
            "group": self.group,
            "clause": self.clause,
            "severity": self.severity,
            "status": str(self.status),
            "expected": self.expected,
            "actual": self.actual,
            "relaxation": self.relaxation,
            "note": self.note,
        }


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


def check(test: schema.Test, f: Facts) -> tuple[bool | None, str, str]:
    """(outcome, expected, actual); outcome None means "for judgement"."""
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
        ):
            return _check_post(test, f.post)
        case schema.EnterpriseIs(when=when):
            e = f.enterprise
            return matches(when, e), describe_when(when), _enterprise_summary(e)
        case schema.Judgement():
            return None, _("由企业和备案机关判断"), "—"
        case schema.AnyOf() | schema.AllOf():
            return _check_combined(test, f)
    raise AssertionError(f"unknown test {test!r}")  # pragma: no cover (the schema forbids it)


PersonTest = (
    schema.QualityYears
    | schema.EducationMin
    | schema.TitleMin
    | schema.QualificationMin
    | schema.TrainingCertificate
    | schema.CapabilityLevelMin
)
PostTest = schema.RankMin | schema.ConcurrentRoleIn | schema.AppointedBy | schema.ReportsToTop


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
    raise AssertionError(f"not a test of the post {test!r}")  # pragma: no cover


def _check_combined(test: schema.AnyOf | schema.AllOf, f: Facts) -> tuple[bool | None, str, str]:
    """Any of / all of the nested tests: met, unmet, or for judgement when a nested judgement
    could decide it."""
    parts = [check(t, f) for t in test.of]
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


# Evaluation -------------------------------------------------------------------------------------


def conditions(pack: schema.Pack) -> list[schema.Condition]:
    """The pack's conditions, then its filing rule on the lowest capability level an enterprise
    must require when it appoints or re-appoints its CQO (``filing.min_level``)."""
    out = list(pack.conditions)
    for i, rule in enumerate(pack.filing.min_level if pack.filing else [], start=1):
        out.append(
            schema.Condition(
                code=f"min_level_{i}",
                label=_("聘任或续聘时要求的最低能力水平：%(level)s") % {"level": rule.level},
                clause=rule.clause,
                severity=rule.severity,
                group="position",
                when=rule.when,
                test=schema.CapabilityLevelMin(kind="capability_level_min", level=rule.level),
            )
        )
    return out


def competent_department(
    departments: list[schema.Department], section: str, division: str
) -> schema.Department | None:
    """The department competent for an industry (shenzhen-guide §4.7): one naming the
    division, else one naming the section, else a general one (no industries listed)."""
    for wanted in (division, section):
        for dept in departments:
            if wanted and wanted in dept.industries:
                return dept
    return next((d for d in departments if not d.industries), None)


@dataclass(frozen=True)
class FilingRoute:
    """Who acts next on a submitted filing (SPEC §3, shenzhen-guide §4.7)."""

    authority: str  # county | county_then_city | competent_department
    step: str  # county | city | department
    department: schema.Department | None = None


def filing_route(
    rules: schema.Pack,
    *,
    county_enterprise: bool,
    county_checked: bool,
    industry_section: str,
    industry_division: str,
) -> FilingRoute:
    """The filing authority the pack names and the step a filing is at: by default the county
    market regulator (SPEC §3); a county first and then the city (``county_then_city``; a
    county's check done, or an enterprise registered above county level, goes to the city);
    or the department competent for the enterprise's industry (shenzhen-guide §4.7), the county
    where no department of the pack is competent."""
    authority = rules.filing.authority if rules.filing else "county"
    if authority == "competent_department":
        dept = competent_department(rules.departments, industry_section, industry_division)
        if dept is not None:
            return FilingRoute(authority, "department", dept)
        return FilingRoute("county", "county")
    if authority == "county_then_city":
        if not county_enterprise or county_checked:
            return FilingRoute(authority, "city")
        return FilingRoute(authority, "county")
    return FilingRoute("county", "county")


def evaluate(pack: schema.Pack, facts: Facts) -> list[Result]:
    """Every condition of the pack, in the pack's order, against the facts."""
    results = []
    for cond in conditions(pack):
        if not matches(cond.when, facts.enterprise):
            results.append(
                Result(
                    cond.code,
                    cond.label,
                    cond.group,
                    cond.clause,
                    cond.severity,
                    Status.NOT_APPLICABLE,
                    describe_when(cond.when),
                    _enterprise_summary(facts.enterprise),
                )
            )
            continue
        outcome, expected, actual = check(cond.test, facts)
        status = {None: Status.JUDGEMENT, True: Status.MET, False: Status.UNMET}[outcome]
        relaxation = note = ""
        if status == Status.UNMET:
            status, relaxation, note = _relax(pack, cond, facts)
        results.append(
            Result(
                cond.code,
                cond.label,
                cond.group,
                cond.clause,
                cond.severity,
                status,
                expected,
                actual,
                relaxation,
                note,
            )
        )
    return results


def _relax(pack: schema.Pack, cond: schema.Condition, f: Facts) -> tuple[Status, str, str]:
    """Whether a relaxation of the pack covers the unmet condition."""
    note = ""
    for r in pack.relaxations:
        if cond.code not in r.conditions or not matches(r.when, f.enterprise):
            continue
        cite = f"{r.label}（{r.clause}）"
        if r.requires == "justification":
            if f.post.justification.strip():
                return Status.RELAXED, cite, f.post.justification.strip()
            note = _("可依%(cite)s放宽，需填写书面说明") % {"cite": cite}
        elif r.requires == "enterprise_conditions":
            if f.enterprise.own_conditions.strip():
                return Status.RELAXED, cite, f.enterprise.own_conditions.strip()
            note = _("可依%(cite)s适用企业自定条件，企业尚未登记自定条件") % {"cite": cite}
    if not note and cond.severity == "justify" and f.post.justification.strip():
        # no relaxation covers it: the condition stays unmet; the justification goes with the
        # filing to the reviewer
        note = _("企业已填写书面说明")
    return Status.UNMET, "", note


@dataclass(frozen=True)
class Verdict:
    results: list[Result]

    @property
    def blocking(self) -> list[Result]:
        return [r for r in self.results if r.blocks]

    @property
    def needing_justification(self) -> list[Result]:
        return [r for r in self.results if r.needs_justification]

    @property
    def unmet(self) -> list[Result]:
        return [r for r in self.results if r.status == Status.UNMET]

    def can_proceed(self, justification: str) -> bool:
        """Whether the filing may go on: nothing blocking, and a justification written when a
        justify-severity condition is unmet (SPEC §12.11)."""
        if self.blocking:
            return False
        return not (self.needing_justification and not justification.strip())

    def summary(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for r in self.results:
            counts[r.status.value] += 1
        return counts


def verdict(pack: schema.Pack, facts: Facts) -> Verdict:
    return Verdict(evaluate(pack, facts))
