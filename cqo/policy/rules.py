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

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from cqo.policy import schema

# the facts and the tests, in a module of their own; imported here as the engine's vocabulary
from cqo.policy.checks import (
    LEVELS,
    EnterpriseFacts,
    Facts,
    PersonFacts,
    PostFacts,
    QualificationFact,
    _enterprise_summary,
    check,
    describe_when,
    matches,
    permission_used,
)


class Status(StrEnum):
    MET = "met"
    UNMET = "unmet"
    RELAXED = "relaxed"
    JUDGEMENT = "judgement"
    NOT_APPLICABLE = "not_applicable"


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


def declared_conditions(pack: schema.Pack) -> list[schema.Condition]:
    """The conditions the person named declares on the appointment, in the pack's order: the
    disqualifications (level-standard §5.1.5; SPEC §12.11) and any other declaration (e.g.
    hangzhou-spec 职业素养)."""
    return [
        c
        for c in pack.conditions
        if isinstance(c.test, schema.Declaration | schema.NoDisqualification)
    ]


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
        outcome, expected, actual = check(cond.test, facts, cond.code)
        status = {None: Status.JUDGEMENT, True: Status.MET, False: Status.UNMET}[outcome]
        relaxation = note = ""
        if isinstance(cond.test, schema.Permission):
            # a permission, not a floor (shaanxi-2021 §四(一), jiangsu-2020 §二): applies when
            # the appointment uses it, never unmet
            if not permission_used(cond.test, facts, cond.code):
                status = Status.NOT_APPLICABLE
                note = _("允许性规定，不是任职下限：未采用该方式不影响备案")
        elif status == Status.UNMET:
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


__all__ = [
    "LEVELS",
    "EnterpriseFacts",
    "Facts",
    "PersonFacts",
    "PostFacts",
    "QualificationFact",
    "check",
    "describe_when",
    "matches",
]


# Citations as users read them (SPEC §12.24) ----------------------------------------------------

_NUMERALS = "一二三四五六七八九十"
_ARTICLE = re.compile(
    rf"§(?P<article>[{_NUMERALS}]+)(?P<items>(?:\([{_NUMERALS}]+\))*)(?:\.(?P<point>\w+))?"
)
_CHAPTER = re.compile(r"§(?P<chapter>\d+)(?![.\d])")
_PACK_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")


def _section(ref: str) -> str:
    """``§五(一)(三)`` → ``第五条（一）（三）``, ``§一.2`` → ``第一条第2项``; a standard's
    numbered clauses lose the ``§`` (``§4.3`` → ``4.3``) and a chapter is named (``§11`` →
    ``第11章``)."""

    def article(m: re.Match[str]) -> str:
        out = f"第{m['article']}条" + m["items"].replace("(", "（").replace(")", "）")
        return out + (f"第{m['point']}项" if m["point"] else "")

    ref = _ARTICLE.sub(article, ref)
    ref = _CHAPTER.sub(lambda m: f"第{m['chapter']}章", ref)
    return ref.replace("§", "")


def cite(clause: str, names: Mapping[str, str]) -> str:
    """A pack clause as pages and printed documents cite it (SPEC §12.24): each source by the
    name it is cited as (``names``: pack id → 陕质委办〔2021〕15号, 《…》), its sections in the
    document's own numbering, the quoted words and the platform's decision numbers left out; a
    decision that is a platform default says so. ``shaanxi-2021 §五(一)(三); SPEC §12.23`` →
    ``陕质委办〔2021〕15号 第五条（一）（三）``."""
    parts: list[str] = []
    current = ""
    default = False
    for raw in clause.split(";"):
        raw = raw.strip()
        if not raw:
            continue
        ref, _sep, quote = raw.partition(": ")
        if ref.startswith("SPEC"):
            default = default or "平台默认" in quote or "platform default" in quote.lower()
            continue
        first, _sp, rest = ref.partition(" ")
        if _PACK_ID.fullmatch(first):
            doc = names.get(first, "")
            if doc and doc != current:
                current = doc
                ref = f"{doc} {_section(rest)}".strip()
            else:
                ref = _section(rest)
        else:
            ref = _section(ref)
        if ref and ref not in parts:
            parts.append(ref)
    if default and not any("平台默认" in p for p in parts):
        parts.append(_("平台默认（非文件规定）"))
    return "；".join(parts)


def version_label(*, name: str, cite_as: str, in_force: str, default: bool = False) -> str:
    """A pack version as users read it (SPEC §12.24): the document by its title and number and
    the day it applies from. ``陕西省 关于…意见（陕质委办〔2021〕15号，2021-08-24 起施行）``;
    a document cited by its title alone is not named twice; the national default says it is
    the platform's own rule."""
    if default:
        return _("%(doc)s（本地区尚无政策包）") % {"doc": cite_as}
    if not cite_as or cite_as == name:
        return f"{name}（{in_force}）"
    if cite_as.startswith("《"):
        return f"{cite_as}（{in_force}）"
    return f"{name}（{cite_as}，{in_force}）"


_LEGACY_LABEL = re.compile(
    r"[（(]\s*(?P<slug>[a-z][a-z0-9]*(?:-[a-z0-9]+)+) [^，,）)]+[，,]\s*"
    r"(?P<d>\d{4}-\d{2}-\d{2}) 起\s*[）)]"
)


def plain_label(text: str, names: Mapping[str, str] | None = None) -> str:
    """A version label frozen into a record before labels named documents (a certificate's
    ``首席质量官能力水平认定（征求意见稿）（level-standard draft.2，2024-01-01 起）``) as users
    read it today: the pack's id and version give way to the document's number where the name
    lacks it; the broader packs of a chain are left out."""
    first = (text or "").split(" ← ")[0]

    def one(m: re.Match[str]) -> str:
        doc = (names or {}).get(m["slug"], "")
        if doc and doc.replace("《", "").replace("》", "") not in first[: m.start()]:
            return _("（%(doc)s，%(d)s 起）") % {"doc": doc, "d": m["d"]}
        return _("（%(d)s 起）") % {"d": m["d"]}

    return _LEGACY_LABEL.sub(one, first).strip()


_EMBEDDED = re.compile(
    r"[（(](?P<clause>(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)+ |SPEC ?§)(?:[^（）]|（[^（）]*）)*)[）)]"
)


def cite_in(text: str, names: Mapping[str, str]) -> str:
    """Text with clauses in brackets (``…放宽（shaanxi-2021 §四(二)）``, written into a verdict
    or a frozen record) cited as users read them; a bracket that cited only platform decisions
    goes."""

    def one(m: re.Match[str]) -> str:
        cited = cite(m["clause"], names)
        return f"（{cited}）" if cited else ""

    return _EMBEDDED.sub(one, text or "")
