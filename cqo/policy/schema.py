"""The policy-pack file format: one jurisdiction's CQO rules as data (SPEC §4).

A pack is a TOML file. The loader parses it and validates it against the models below, so a
mistake in a pack (a missing clause, an unknown severity, a condition code used twice, a region
that does not exist) is reported with the path of the offending key and is never half-loaded.
Every value a rule depends on carries the clause it comes from. The reference of the format,
with an example for each key, is ``cqo/policy/packs/README.md``.
"""

from __future__ import annotations

import itertools
import tomllib
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cqo.lib import dates
from cqo.reference import enums

Clause = Annotated[str, Field(min_length=3, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackError(ValueError):
    """A pack that cannot be loaded; ``problems`` lists "path: message" strings."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# Enterprise filters ("when") ---------------------------------------------------------------

Size = Literal["micro", "small", "medium", "large"]
Nature = Literal["state", "private", "mixed", "foreign", "joint_venture"]


class When(_Model):
    """Which enterprises a condition, relaxation or rule applies to; every given key must hold.
    An empty filter applies to every enterprise."""

    above_scale: bool | None = None
    sizes: list[Size] | None = Field(default=None, min_length=1)
    natures: list[Nature] | None = Field(default=None, min_length=1)
    listed: bool | None = None
    # member or parent of an enterprise group (集团)
    group: bool | None = None
    # GB/T 4754 section letters ("C") or division codes ("13")
    industries: list[str] | None = Field(default=None, min_length=1)


# Condition tests -----------------------------------------------------------------------------

Education = Literal["high_school", "junior_college", "bachelor", "master", "doctor"]
QualLevel = Literal["junior", "intermediate", "associate_senior", "senior"]
QualKind = Literal["professional_title", "vocational", "management"]
Rank = Literal["other", "department_head", "senior_deputy", "senior_head", "top_manager"]
Concurrent = Literal[
    "management_representative", "quality_authorised_person", "quality_safety_director"
]
Authority = Literal["general_manager", "top_management", "superior"]
Level = Literal["AAA", "AAAA", "AAAAA"]


class QualityYears(_Model):
    kind: Literal["quality_years_min"]
    years: int = Field(ge=0, le=60)


class EducationMin(_Model):
    kind: Literal["education_min"]
    level: Education


class TitleMin(_Model):
    """A professional title (职称) of this level or above."""

    kind: Literal["title_min"]
    level: QualLevel


class QualificationMin(_Model):
    """A qualification of one of these kinds at this level or above."""

    kind: Literal["qualification_min"]
    level: QualLevel
    kinds: list[QualKind] = Field(min_length=1)


class TrainingCertificate(_Model):
    """Holds a CQO training certificate (培训合格证)."""

    kind: Literal["training_certificate"]


class RankMin(_Model):
    kind: Literal["rank_min"]
    rank: Rank


class ConcurrentRoleIn(_Model):
    kind: Literal["concurrent_role_in"]
    roles: list[Concurrent] = Field(min_length=1)


class EnterpriseIs(_Model):
    """A fact about the enterprise, for tests such as "an SME may use a concurrent role"."""

    kind: Literal["enterprise_is"]
    when: When


class AppointedBy(_Model):
    kind: Literal["appointed_by"]
    authorities: list[Authority] = Field(min_length=1)


class ReportsToTop(_Model):
    kind: Literal["reports_to_top"]


class CapabilityLevelMin(_Model):
    """Holds a valid capability-level certificate of this level or above (level-standard)."""

    kind: Literal["capability_level_min"]
    level: Level


class Judgement(_Model):
    """A quality no data can measure (organising ability, conduct): shown for the enterprise's
    and the reviewer's judgement, never met or unmet by the platform."""

    kind: Literal["judgement"]


class AnyOf(_Model):
    kind: Literal["any_of"]
    of: list[Test] = Field(min_length=2)


class AllOf(_Model):
    kind: Literal["all_of"]
    of: list[Test] = Field(min_length=2)


Test = Annotated[
    QualityYears
    | EducationMin
    | TitleMin
    | QualificationMin
    | TrainingCertificate
    | RankMin
    | ConcurrentRoleIn
    | EnterpriseIs
    | AppointedBy
    | ReportsToTop
    | CapabilityLevelMin
    | Judgement
    | AnyOf
    | AllOf,
    Field(discriminator="kind"),
]
AnyOf.model_rebuild()
AllOf.model_rebuild()

Severity = Literal["advisory", "justify", "blocking"]
Group = Literal["eligibility", "position", "training", "conduct"]


class Condition(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    label: Text
    clause: Clause
    severity: Severity
    group: Group = "eligibility"
    when: When = When()
    test: Test


class Relaxation(_Model):
    """When an unmet condition may be relaxed (e.g. shaanxi-2021 §四(二) 技术骨干)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    label: Text
    clause: Clause
    conditions: list[str] = Field(min_length=1)
    # justification: the appointment carries a written justification;
    # enterprise_conditions: the enterprise has recorded its own conditions (jiangsu-2020 §二)
    requires: Literal["justification", "enterprise_conditions"]
    when: When = When()


# Texts, training, targets, filing ------------------------------------------------------------


class ItemList(_Model):
    clause: Clause
    items: list[Text] = Field(min_length=1)


class Tier(_Model):
    code: Literal["basic", "enhancement", "advanced"]
    name: Text
    level: Literal["province", "city", "county"]
    audience: Text
    clause: Clause


class StudyHours(_Model):
    hours: int = Field(ge=0, le=1000)
    # which record kinds count (SPEC §5)
    kinds: list[
        Literal[
            "online_self_study",
            "offline_training",
            "lecture",
            "academic_exchange",
            "publication",
            "organised_training",
        ]
    ] = Field(min_length=1)
    in_principle: bool = False  # 原则上: a shortfall is a warning (SPEC §12.13)
    clause: Clause


class Training(_Model):
    clause: Clause
    tiers: list[Tier] = []
    # who may issue training certificates
    certificate_issuers: list[
        Literal["organiser", "qualified_institution", "government_quality_department"]
    ] = Field(min_length=1)
    certificate_issuers_clause: Clause
    study_hours: StudyHours | None = None
    # a county that cannot run basic training may merge it into the city's (jiangsu-2020 §五)
    county_may_merge: bool = False


class Department(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    name: Text
    clause: Clause
    # GB/T 4754 sections or divisions the department is competent for (empty: reads all)
    industries: list[str] = []


Metric = Literal[
    "above_scale",  # share of above-scale enterprises with a filed CQO
    "msme",  # 中小微 enterprises
    "key_industry_msme",  # 中小微 enterprises in key industries (SPEC §12.9)
    "quality_award",  # enterprises with a government quality award, nominees included
]


class Target(_Model):
    year: int = Field(ge=2000, le=2100)
    metric: Metric
    share: float = Field(gt=0, le=1)
    at_least: bool = True
    clause: Clause


class NewCqos(_Model):
    per_year: int = Field(ge=1)
    scope: Literal["above_scale"] = "above_scale"
    approximate: bool = True
    clause: Clause


class KeyIndustries(_Model):
    """Which 中小微 enterprises count as "key industry" for coverage (SPEC §12.9): GB/T 4754
    divisions, and whether holding a special-equipment production licence qualifies."""

    divisions: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = []
    special_equipment_licence: bool = False
    clause: Clause

    @model_validator(mode="after")
    def _something(self) -> KeyIndustries:
        if not self.divisions and not self.special_equipment_licence:
            raise ValueError("key_industries: name divisions or the special-equipment licence")
        if len(set(self.divisions)) != len(self.divisions):
            raise ValueError("key_industries.divisions: a division is listed twice")
        return self


class MinLevel(_Model):
    """The lowest capability level an enterprise of a kind must require of its CQO when it
    appoints or re-appoints (e.g. DB32/T 4570—2023 Annex D); checked at filing."""

    when: When = When()
    level: Level
    severity: Severity = "justify"
    clause: Clause


class Filing(_Model):
    # county: the county market regulation bureau (SPEC §3 default);
    # county_then_city: the county checks, then the city files;
    # competent_department: the industry's competent department (shenzhen-guide §4.7)
    authority: Literal["county", "county_then_city", "competent_department"] = "county"
    clause: Clause
    form: Literal["shenzhen-guide-annex-a"] = "shenzhen-guide-annex-a"
    min_level: list[MinLevel] = []


class EvaluationItem(_Model):
    code: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$")
    label: Text
    max: int = Field(ge=0, le=1000)


class EvaluationPrefill(_Model):
    """An evaluation item the platform can pre-fill from what it knows (SPEC §7): the item's
    full marks when the fact holds, 0 when not, for the evaluator to confirm. ``fact`` says
    what is checked: ``quality_years`` (``years``), ``education`` (``level``), ``qualification``
    (``level`` and ``kinds``), ``training_certificate``, ``study_hours`` (the pack's
    ``[training.study_hours]`` minimum in the evaluated year)."""

    item: str = Field(pattern=r"^[0-9]+\.[0-9]+$")
    fact: Literal[
        "quality_years", "education", "qualification", "training_certificate", "study_hours"
    ]
    years: int | None = Field(default=None, ge=0, le=60)
    level: Education | QualLevel | None = None
    kinds: list[QualKind] = []
    clause: Clause

    @model_validator(mode="after")
    def _params(self) -> EvaluationPrefill:
        if self.fact == "quality_years" and self.years is None:
            raise ValueError(f"prefill {self.item}: quality_years needs years")
        if self.fact == "education" and self.level not in _EDUCATION:
            raise ValueError(f"prefill {self.item}: education needs an education level")
        if self.fact == "qualification" and (self.level not in _QUAL or not self.kinds):
            raise ValueError(f"prefill {self.item}: qualification needs level and kinds")
        return self


_EDUCATION = ("high_school", "junior_college", "bachelor", "master", "doctor")
_QUAL = ("junior", "intermediate", "associate_senior", "senior")


class Evaluation(_Model):
    """The enterprise's yearly evaluation of its CQO (hangzhou-spec Annex A; SPEC §12.6)."""

    clause: Clause
    period: Literal["yearly", "half_yearly", "quarterly"] = "yearly"
    items: list[EvaluationItem] = Field(min_length=1)
    total: int = Field(ge=1)
    # items pre-filled from the platform's records (SPEC §7); empty: none
    prefill: list[EvaluationPrefill] = []

    @model_validator(mode="after")
    def _prefill_items(self) -> Evaluation:
        leaves = {i.code for i in self.items if "." in i.code}
        unknown = [p.item for p in self.prefill if p.item not in leaves]
        if unknown:
            raise ValueError(f"prefill names unknown items: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _total(self) -> Evaluation:
        leaves = [i for i in self.items if "." in i.code]
        if sum(i.max for i in leaves) != self.total:
            raise ValueError(
                f"item maxima add up to {sum(i.max for i in leaves)}, not {self.total}"
            )
        for section in (i for i in self.items if "." not in i.code):
            parts = [i.max for i in leaves if i.code.split(".")[0] == section.code]
            if parts and sum(parts) != section.max:
                raise ValueError(
                    f"section {section.code}: its items add up to {sum(parts)}, not {section.max}"
                )
        return self


class SelfIndicator(_Model):
    """One indicator of the enterprise's self-assessment of its CQO system (shenzhen-guide
    §6.2): scored 0…``max`` by its ``rule`` (打分细则), or, where a number does not fit, by
    picking one of its descriptive ``levels`` (lowest first)."""

    code: str = Field(pattern=r"^[0-9a-z][0-9a-z.]{0,20}$")
    label: Text
    clause: Clause
    rule: Text
    max: int | None = Field(default=None, ge=1, le=1000)
    levels: list[Text] = []

    @model_validator(mode="after")
    def _kind(self) -> SelfIndicator:
        if (self.max is None) == (len(self.levels) < 2):
            raise ValueError(f"indicator {self.code}: give either max or at least two levels")
        return self


class SelfAssessmentForm(_Model):
    """The CQO-system self-assessment (shenzhen-guide §6): its default indicators."""

    clause: Clause
    indicators: list[SelfIndicator] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SelfAssessmentForm:
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("self-assessment indicator codes used twice")
        return self


CostCategory = Literal["prevention", "appraisal", "internal_failure", "external_failure"]


class CostCategoryDef(_Model):
    code: CostCategory
    label: Text
    clause: Clause


class LossKind(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    label: Text
    clause: Clause


class QualityEconomics(_Model):
    """Quality cost and loss (shenzhen-guide §5.7): the four cost categories (§5.7.2.1), the
    management items (§5.7.2.2 a–g) and the kinds of quality loss (§5.7.3.2)."""

    clause: Clause
    categories: list[CostCategoryDef] = Field(min_length=4, max_length=4)
    management: ItemList | None = None
    loss_kinds: list[LossKind] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> QualityEconomics:
        if {c.code for c in self.categories} != {
            "prevention",
            "appraisal",
            "internal_failure",
            "external_failure",
        }:
            raise ValueError("categories must be the four cost categories, each once")
        codes = [k.code for k in self.loss_kinds]
        if len(set(codes)) != len(codes):
            raise ValueError("loss kind codes used twice")
        return self


class Indicator(_Model):
    code: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$")
    name: Text
    max: int = Field(ge=0, le=1000)
    minimum: int | None = Field(default=None, ge=0)
    parent: str | None = None


class Grade(_Model):
    level: Level
    min: int = Field(ge=0)
    max: int | None = None  # exclusive upper bound; None for the top grade


class Certification(_Model):
    """The capability-level standard (level-standard §5, §9, Annex A and B)."""

    clause: Clause
    indicators: list[Indicator] = Field(min_length=1)
    total: int
    pass_total: int
    grades: list[Grade] = Field(min_length=1)
    years_for_level: dict[Level, int]
    years_clause: Clause
    validity_years: int = Field(ge=1, le=20)
    validity_clause: Clause
    continuing_hours: int = Field(ge=0)
    continuing_trainings_organised: int = Field(ge=0)
    continuing_clause: Clause
    # re-certification reminders before expiry, in days (level-standard §9.4.1.3; SPEC §6)
    reminder_days: list[int] = Field(default=[90, 30, 7], min_length=1)
    reminder_clause: Clause = "level-standard §9.4.1.3; SPEC §6"
    # a suspension or discontinuation may be lifted within this many days (§11; SPEC §12.16)
    lift_within_days: int = Field(default=365, ge=1, le=3650)
    lift_clause: Clause = "level-standard §11; SPEC §12.16"

    @model_validator(mode="after")
    def _tables(self) -> Certification:
        codes = {i.code for i in self.indicators}
        for i in self.indicators:
            if i.parent is not None and i.parent not in codes:
                raise ValueError(f"indicator {i.code}: parent {i.parent} is not an indicator")
            if i.minimum is not None and i.minimum > i.max:
                raise ValueError(f"indicator {i.code}: minimum {i.minimum} exceeds max {i.max}")
            children = [c.max for c in self.indicators if c.parent == i.code]
            if children and sum(children) != i.max:
                raise ValueError(
                    f"indicator {i.code}: its cells add up to {sum(children)}, not {i.max}"
                )
        top = sum(i.max for i in self.indicators if i.parent is None)
        if top != self.total:
            raise ValueError(f"top-level indicators add up to {top}, not {self.total}")
        grades = sorted(self.grades, key=lambda g: g.min)
        if grades[0].min != self.pass_total:
            raise ValueError(f"the lowest grade starts at {grades[0].min}, not {self.pass_total}")
        for lower, upper in itertools.pairwise(grades):
            if lower.max != upper.min:
                raise ValueError(f"grades {lower.level} and {upper.level} are not contiguous")
        if grades[-1].max is not None:
            raise ValueError(f"the top grade {grades[-1].level} has no upper bound")
        missing = {"AAA", "AAAA", "AAAAA"} - set(self.years_for_level)
        if missing:
            raise ValueError(f"years_for_level lacks {', '.join(sorted(missing))}")
        return self


PACK_ID_PATTERN = r"^[a-z][a-z0-9-]{1,40}$"
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,30}$"


class Meta(_Model):
    id: str = Field(pattern=PACK_ID_PATTERN)
    name: Text
    kind: Literal["jurisdiction", "certification"] = "jurisdiction"
    version: str = Field(pattern=VERSION_PATTERN)
    effective_from: dates.EventDate
    # GB/T 2260 codes the pack governs (with their subtrees); empty for the national default
    regions: list[str] = []
    national_default: bool = False
    source: Text
    note: str = ""

    @field_validator("regions")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if len(code) != 6 or not code.isdigit():
                raise ValueError(f"{code!r} is not a six-digit GB/T 2260 code")
        if len(set(value)) != len(value):
            raise ValueError("a region is listed twice")
        return value


class Pack(_Model):
    pack: Meta
    conditions: list[Condition] = []
    relaxations: list[Relaxation] = []
    duties: ItemList | None = None
    powers: ItemList | None = None
    norms: ItemList | None = None
    abilities: ItemList | None = None
    assessment: ItemList | None = None
    training: Training | None = None
    departments: list[Department] = []
    targets: list[Target] = []
    new_cqos: NewCqos | None = None
    key_industries: KeyIndustries | None = None
    filing: Filing | None = None
    evaluation: Evaluation | None = None
    self_assessment: SelfAssessmentForm | None = None
    quality_economics: QualityEconomics | None = None
    certification: Certification | None = None

    @field_validator("conditions")
    @classmethod
    def _unique(cls, value: list[Condition]) -> list[Condition]:
        codes = [c.code for c in value]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"condition codes used twice: {', '.join(dupes)}")
        return value

    @field_validator("relaxations")
    @classmethod
    def _known(cls, value: list[Relaxation], info: ValidationInfo) -> list[Relaxation]:
        codes = {c.code for c in info.data.get("conditions") or []}
        for r in value:
            unknown = [c for c in r.conditions if c not in codes]
            if unknown:
                raise ValueError(
                    f"relaxation {r.code!r} names unknown conditions: {', '.join(unknown)}"
                )
        return value

    @field_validator("certification")
    @classmethod
    def _certification(cls, value: Certification | None, info: ValidationInfo) -> Any:
        meta = info.data.get("pack")
        if value is not None and meta is not None and meta.kind == "jurisdiction":
            raise ValueError("only a certification pack has this section")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Pack:
        if self.pack.kind == "jurisdiction":
            if not self.pack.regions and not self.pack.national_default:
                raise ValueError("pack.regions: a jurisdiction pack needs at least one region")
        elif self.pack.regions or self.pack.national_default:
            raise ValueError("pack.regions: a certification pack governs no region")
        if self.pack.national_default and self.pack.regions:
            raise ValueError("pack.regions: the national default lists no region")
        return self


# Parsing ---------------------------------------------------------------------------------------

SECTIONS = [name for name in Pack.model_fields if name != "pack"]


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(pack)"


def parse(text: str) -> Pack:
    """Parse and validate a pack's TOML text; raise ``PackError`` listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError([f"TOML: {exc}"]) from exc
    return validate(raw)


def validate(raw: dict[str, Any]) -> Pack:
    try:
        return Pack.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not _is_tag(p))
            problems.append(f"{_path(loc)}: {err['msg']}")
        raise PackError(problems) from exc


_TAGS = {
    "quality_years_min",
    "education_min",
    "title_min",
    "qualification_min",
    "training_certificate",
    "rank_min",
    "concurrent_role_in",
    "enterprise_is",
    "appointed_by",
    "reports_to_top",
    "capability_level_min",
    "judgement",
    "any_of",
    "all_of",
}


def _is_tag(part: Any) -> bool:
    # pydantic puts the discriminator value into error locations; the path reads better without
    return isinstance(part, str) and part in _TAGS


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """A more specific pack over a broader one (SPEC §12.19): each top-level section the
    specific pack has replaces the broader one's; the sections it lacks are inherited."""
    merged = dict(base)
    for key, value in over.items():
        if key == "pack":
            continue
        if value in (None, [], {}):
            continue
        merged[key] = value
    if over.get("conditions"):
        # conditions and their relaxations are one unit: a pack with its own conditions has
        # exactly its own relaxations (hangzhou-spec has none)
        merged["relaxations"] = over.get("relaxations") or []
    merged["pack"] = over.get("pack", base.get("pack"))
    return merged


# Labels of the enumerations used in packs, for explanations ----------------------------------

ORDERED = {
    "education_min": enums.Education,
    "title_min": enums.QualificationLevel,
    "qualification_min": enums.QualificationLevel,
    "rank_min": enums.PositionRank,
}
