"""Enterprise filters and the conditions a CQO must meet, with their relaxations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
)

from cqo.policy.schema._base import Clause, Text, _Model

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


class TreatmentMin(_Model):
    """The post's treatment (待遇) recorded on the appointment is that of this rank or above
    (jiangsu-2020 §四, shaanxi-2021 §四(一) "企业高层副职（含）以上领导岗位待遇")."""

    kind: Literal["treatment_min"]
    rank: Rank


class AssessedWithProbation(_Model):
    """The appointment records the assessment (测评) result and the end of the probation that
    follows it (hangzhou-spec 聘用与培训·聘用 "通过测评后需进行试用")."""

    kind: Literal["assessed_with_probation"]


class Declaration(_Model):
    """The person named has declared this condition on the appointment (a quality the platform
    cannot measure, e.g. hangzhou-spec 职业素养): met when declared, unmet when not."""

    kind: Literal["declaration"]


class NoDisqualification(_Model):
    """The person has declared that none of the disqualifications ("不得担任首席质量官") applies,
    and no exit listing (退出, the blacklist) in force contradicts it (level-standard §5.1.5;
    SPEC §12.11). Every jurisdiction pack with conditions of its own has one, blocking."""

    kind: Literal["no_disqualification"]


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


class Permission(_Model):
    """A permission, not a floor (e.g. shaanxi-2021 §四(一) "国有企业…可由副总经理或副总裁（含）
    以上兼任"): met when the appointment uses it, not applicable when it does not; never unmet."""

    kind: Literal["permission"]
    of: Test


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
    | TreatmentMin
    | AssessedWithProbation
    | Declaration
    | NoDisqualification
    | Judgement
    | AnyOf
    | AllOf
    | Permission,
    Field(discriminator="kind"),
]
AnyOf.model_rebuild()
AllOf.model_rebuild()
Permission.model_rebuild()

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
