"""The pack itself: its metadata and sections, parsing and validating its TOML, and merging a
specific pack over a broader one (SPEC §12.19)."""

from __future__ import annotations

import tomllib
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cqo.lib import dates
from cqo.policy.schema._base import Clause, PackError, Text, _Model
from cqo.policy.schema.conditions import Condition, Relaxation
from cqo.policy.schema.sections import (
    AnyTarget,
    Authorisation,
    Baseline,
    Certification,
    Department,
    Evaluation,
    Filing,
    ItemList,
    KeyIndustries,
    NewCqos,
    QualityEconomics,
    SelfAssessmentForm,
    Training,
    WorkReview,
)
from cqo.reference import enums

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
    # how pages and printed documents cite the document (SPEC §12.24): its number, or its title
    # in 《》 where it has none; empty: the pack's name
    cite_as: str = Field(default="", max_length=60)
    note: str = ""
    # Earlier versions of the same pack this one corrects (the same document read again, not a
    # new document): on a database that holds one of them, this version takes effect on the day
    # it is installed there; on a fresh database, from ``effective_from``.
    revises: list[Annotated[str, Field(pattern=VERSION_PATTERN)]] = []

    @field_validator("regions")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if len(code) != 6 or not code.isdigit():
                raise ValueError(f"{code!r} is not a six-digit GB/T 2260 code")
        if len(set(value)) != len(value):
            raise ValueError("a region is listed twice")
        return value


class ReferenceForms(_Model):
    """Where a region's documents print no CQO evaluation form, CQO-system self-assessment or
    quality-economics guidance, the pack whose section its enterprises use for reference; which
    one is a platform default, not from the documents, and the pages say it is a reference."""

    evaluation: str | None = Field(default=None, pattern=PACK_ID_PATTERN)
    self_assessment: str | None = Field(default=None, pattern=PACK_ID_PATTERN)
    quality_economics: str | None = Field(default=None, pattern=PACK_ID_PATTERN)
    clause: Clause


class Pack(_Model):
    pack: Meta
    conditions: list[Condition] = []
    relaxations: list[Relaxation] = []
    duties: ItemList | None = None
    powers: ItemList | None = None
    norms: ItemList | None = None
    abilities: ItemList | None = None
    assessment: ItemList | None = None
    authorisation: Authorisation | None = None
    training: Training | None = None
    departments: list[Department] = []
    targets: list[AnyTarget] = []
    baseline: Baseline | None = None
    new_cqos: NewCqos | None = None
    work_review: WorkReview | None = None
    key_industries: KeyIndustries | None = None
    filing: Filing | None = None
    evaluation: Evaluation | None = None
    self_assessment: SelfAssessmentForm | None = None
    quality_economics: QualityEconomics | None = None
    reference_forms: ReferenceForms | None = None
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
    def _tiers_known(self) -> Pack:
        # a training-tiers target names tiers of the pack's own [training] (when it has one;
        # a pack without it inherits the tiers of a broader pack)
        if self.training is None:
            return self
        known = {t.code for t in self.training.tiers}
        for t in self.targets:
            unknown = [c for c in getattr(t, "tiers", []) if c not in known]
            if t.kind == "training_tiers" and unknown:
                raise ValueError(f"targets: training tiers not in [training]: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _consistent(self) -> Pack:
        if self.pack.kind == "jurisdiction":
            if not self.pack.regions and not self.pack.national_default:
                raise ValueError("pack.regions: a jurisdiction pack needs at least one region")
        elif self.pack.regions or self.pack.national_default:
            raise ValueError("pack.regions: a certification pack governs no region")
        if self.pack.national_default and self.pack.regions:
            raise ValueError("pack.regions: the national default lists no region")
        # SPEC §12.11: the level-standard §5.1.5 disqualifications block every filing, so a
        # jurisdiction pack that states its own conditions (which replace the broader pack's)
        # states this one too
        if (
            self.pack.kind == "jurisdiction"
            and self.conditions
            and not any(
                c.test.kind == "no_disqualification" and c.severity == "blocking"
                for c in self.conditions
            )
        ):
            raise ValueError(
                "conditions: a jurisdiction pack's conditions include a blocking "
                "no_disqualification condition (level-standard §5.1.5; SPEC §12.11)"
            )
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
    # [[targets]] kinds
    "coverage",
    "rollout",
    "training_tiers",
    "treatment_min",
    "assessed_with_probation",
    "declaration",
    "no_disqualification",
    "permission",
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
    "treatment_min": enums.PositionRank,
}
