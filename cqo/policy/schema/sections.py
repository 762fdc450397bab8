"""The sections of a pack after its conditions: texts, training, targets, key industries,
filing, evaluation, self-assessment, quality economics and certification."""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from cqo.policy.schema._base import Clause, Text, _Model
from cqo.policy.schema.conditions import Education, Level, QualKind, QualLevel, Severity, When

# Texts, training, targets, filing ------------------------------------------------------------


TierCode = Literal["basic", "enhancement", "advanced"]
Heading = Annotated[str, Field(min_length=1, max_length=40)]


class ItemList(_Model):
    clause: Clause
    # the heading the source gives the list (工作职责, 岗位职责, 职业素养…): printed above it.
    # Every shipped pack gives one (tests/policy/test_pack_headings.py); it is optional only so
    # that versions installed before it existed still load (installed versions never change).
    heading: Heading | None = None
    items: list[Text] = Field(min_length=1)


class Authorisation(_Model):
    """What the 聘任授权证书 says of the post besides its lists, in the source's words: the
    responsibility the CQO is authorised with, and the reporting line, printed only where the
    appointment reports to the top (shaanxi-2021 §四(一), shenzhen-guide §3.1)."""

    clause: Clause
    responsibility: Text
    reporting_line: Text


class Tier(_Model):
    code: TierCode
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
    # the yearly minimum binds prospective (拟任) CQOs too, where the text names them with the
    # serving ones (shaanxi-2021 §五(一), jiangsu-2020 §五 "支持拟任和现任首席质量官在线自学")
    prospective: bool = False
    # only training organised by an institution holding a CQO training qualification counts
    # (hangzhou-spec 聘用与培训·培训 "具备首席质量官培训资质的机构组织的…培训")
    qualified_only: bool = False
    clause: Clause


class FullHours(_Model):
    """The attendance share (percent) at or above which a session's full 学时 count."""

    attendance: int = Field(ge=1, le=100)
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
    # SPEC §12.25: a session's 学时 are prorated by the attendance recorded, unless the pack
    # sets the share at or above which the full 学时 count
    full_hours: FullHours | None = None


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
    """A coverage share to reach by the end of a year (the default kind)."""

    kind: Literal["coverage"] = "coverage"
    year: int = Field(ge=2000, le=2100)
    metric: Metric
    share: float = Field(gt=0, le=1)
    at_least: bool = True
    clause: Clause


Division = Annotated[str, Field(pattern=r"^[0-9]{2}$")]


class RolloutTarget(_Model):
    """A standing roll-out goal with no year and no share, e.g. shaanxi-2021 §三 "在食品、药品、
    特种设备等生产企业中全面推行": shown as "全面推行" with the current coverage of the producers
    it names (GB/T 4754 divisions, and special-equipment production licence holders)."""

    kind: Literal["rollout"]
    label: Text
    divisions: list[Division] = []
    special_equipment_licence: bool = False
    clause: Clause

    @model_validator(mode="after")
    def _producers(self) -> RolloutTarget:
        if not self.divisions and not self.special_equipment_licence:
            raise ValueError("name divisions or the special-equipment licence")
        if len(set(self.divisions)) != len(self.divisions):
            raise ValueError("divisions: a division is listed twice")
        return self


class TrainingTiersTarget(_Model):
    """By ``year``, each of ``tiers`` (the pack's training tiers, run at their organising
    level) has run at least one course in the year, e.g. jiangsu-2020 §一.2 "到 2021 年，完善
    县（市、区）基础培训、设区市提升培训和省级高级培训机制并有效运行"."""

    kind: Literal["training_tiers"]
    year: int = Field(ge=2000, le=2100)
    label: Text
    tiers: list[TierCode] = Field(min_length=1)
    clause: Clause

    @model_validator(mode="after")
    def _distinct(self) -> TrainingTiersTarget:
        if len(set(self.tiers)) != len(self.tiers):
            raise ValueError("tiers: a tier is listed twice")
        return self


def _target_kind(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind or "coverage"


# a [[targets]] table: a coverage share by default, or one of the other kinds by ``kind``
AnyTarget = Annotated[
    Annotated[Target, Tag("coverage")]
    | Annotated[RolloutTarget, Tag("rollout")]
    | Annotated[TrainingTiersTarget, Tag("training_tiers")],
    Discriminator(_target_kind),
]


class Baseline(_Model):
    """What the document says existed when it was issued (e.g. jiangsu-2020's preamble "培育了
    近万名首席质量官"): the number of enterprises with a CQO counted towards ``metric`` on the
    pack's effective date, so that the path to the first target starts there, not at 0."""

    cqos: int = Field(ge=1)
    approximate: bool = True
    metric: Metric
    clause: Clause
    note: str = Field(default="", max_length=2000)


class WorkReview(_Model):
    """The clause that puts the progress of the CQO system into the government's quality-work
    assessment (shaanxi-2021 §六(三), jiangsu-2020 §八): what the coverage assessment report
    cites as its basis."""

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
    # The printed filing form: shenzhen-guide Annex A where the pack adopts it; otherwise the
    # platform's own neutral form, labelled as such (no document prescribes one).
    form: Literal["shenzhen-guide-annex-a", "platform"] = "platform"
    min_level: list[MinLevel] = []
    # Who may start the filing information (SPEC §12.23): the enterprise only
    # (shenzhen-guide §4.7), or the CQO as well, the enterprise confirming it before it is
    # submitted (shaanxi-2021 §五(一)(三), jiangsu-2020 §七). A pack that says nothing keeps
    # the enterprise-only reading of SPEC §3.
    initiator: Literal["enterprise", "person_or_enterprise"] = "enterprise"
    initiator_clause: Clause = "SPEC §3"
    # Days after an appointment's start after which an unfiled one is overdue (指导督促). No
    # document sets a deadline: 30 is a platform default, so its clause says so.
    due_days: int = Field(default=30, ge=1, le=366)
    due_days_clause: Clause = "SPEC §3: 平台默认（非文件规定）"


class EvaluationItem(_Model):
    code: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$")
    label: Text
    max: int = Field(ge=0, le=1000)
    # false: the source's table prints no points here and ``max`` is the platform's (hangzhou-spec
    # 表A.1 4.1–4.2 and 5, SPEC §12.6); pages and the printed form mark it so
    printed: bool = True


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
    picking one of its descriptive ``levels`` (lowest first). Without ``max`` or ``levels``
    the enterprise sets the points itself (the guide prints none)."""

    code: str = Field(pattern=r"^[0-9a-z][0-9a-z.]{0,20}$")
    label: Text
    clause: Clause
    rule: Text
    max: int | None = Field(default=None, ge=1, le=1000)
    levels: list[Text] = []

    @model_validator(mode="after")
    def _kind(self) -> SelfIndicator:
        if (self.max is not None and self.levels) or len(self.levels) == 1:
            raise ValueError(f"indicator {self.code}: give max or at least two levels, not both")
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


class ReviewRating(_Model):
    code: Literal["excellent", "competent", "basic", "incompetent"]
    label: Annotated[str, Field(min_length=1, max_length=20)]


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
    # the scale of the body's yearly review of each holder (§11 names none: a platform default
    # in the pack, marked so in its clause); empty: the platform's four ratings
    review_ratings: list[ReviewRating] = []
    review_ratings_clause: Clause | None = None
    # §5.2 sets years for each level and no ladder (SPEC §12.3): by default an applicant may
    # apply for any level the years allow; a pack may require a valid certificate one level
    # below the level applied for
    prior_level_required: bool = False
    prior_level_clause: Clause = "level-standard §5.2; SPEC §12.3"

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
