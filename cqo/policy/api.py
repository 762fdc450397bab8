"""Policy packs over the API: list them, read a version, see which rules govern a region,
evaluate a described person against a pack (the same verdict the filing reviewer sees), and,
for the platform admin, install a new version."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from cqo.accounts.api import ERRORS
from cqo.accounts.types import actor
from cqo.lib import bounds, clock
from cqo.lib.bounds import max_length
from cqo.policy import rules, schema, selectors, services
from cqo.policy.models import Pack, PackVersion
from cqo.reference.models import Industry, Region

router = Router(tags=["policy"])

REGION_CODE = r"^[0-9]{6}$"
# a pack's id and version as the pack format allows them (cqo/policy/schema/pack.py Meta)
PackId = Annotated[str, Field(pattern=schema.PACK_ID_PATTERN, examples=["shaanxi-2021"])]
PackVersionName = Annotated[str, Field(pattern=schema.VERSION_PATTERN, examples=["1"])]


class VersionItem(Schema):
    version: str
    effective_from: dt.date
    name: str
    source: str
    regions: list[str]
    sha256: str
    created_at: dt.datetime


class PackOut(Schema):
    id: str = Field(description="the pack's identifier, e.g. shaanxi-2021")
    name: str
    kind: Literal["jurisdiction", "certification"]
    national_default: bool
    current_version: str | None = Field(description="the version in force today")
    versions: list[VersionItem]


class VersionOut(VersionItem):
    pack: str
    content: dict[str, Any] = Field(description="the validated pack as data")


class GoverningOut(Schema):
    region: str
    on: dt.date
    national_default: bool
    versions: list[str] = Field(description="pack@version merged, most specific first")
    label: str
    rules: dict[str, Any]


class EligibilityQualificationIn(Schema):
    kind: Literal["professional_title", "vocational", "management", "cqo_training"]
    level: Literal["none", "junior", "intermediate", "associate_senior", "senior"] = "none"


class EligibilityPersonIn(Schema):
    education: Literal["high_school", "junior_college", "bachelor", "master", "doctor"]
    title_level: Literal["none", "junior", "intermediate", "associate_senior", "senior"] = "none"
    qualifications: list[EligibilityQualificationIn] = Field(default_factory=list, max_length=50)
    quality_years: int = Field(ge=0, le=60)
    training_certificate: bool = False
    capability_level: Literal["", "AAA", "AAAA", "AAAAA"] = ""
    declarations: list[Annotated[str, Field(max_length=41)]] = Field(
        default_factory=list,
        max_length=50,
        description="codes of the pack's conditions the person declared (declaration, "
        "no_disqualification), e.g. disqualifications",
    )
    exit_listed: bool = Field(False, description="an exit listing (退出) is in force")


class EligibilityEnterpriseIn(Schema):
    size: Literal["micro", "small", "medium", "large"]
    above_scale: bool = False
    nature: Literal["", "state", "private", "mixed", "foreign", "joint_venture"] = ""
    listed: bool = False
    group: bool = False
    industry: str | None = Field(
        None,
        max_length=max_length(Industry, "code"),
        description="GB/T 4754-2017 division code, e.g. 34",
    )
    # what the enterprise and the filing would hold (registry: a NOTE each)
    own_conditions: str = Field("", max_length=bounds.NOTE)


class EligibilityPostIn(Schema):
    rank: Literal["other", "department_head", "senior_deputy", "senior_head", "top_manager"]
    concurrent_role: Literal[
        "",
        "management_representative",
        "quality_authorised_person",
        "quality_safety_director",
    ] = ""
    appointing_authority: Literal["general_manager", "top_management", "superior"] = (
        "general_manager"
    )
    reports_to_top: bool = True
    justification: str = Field("", max_length=bounds.NOTE)
    treatment: Literal[
        "", "other", "department_head", "senior_deputy", "senior_head", "top_manager"
    ] = Field("", description="the post's treatment (待遇), as the rank it equals")
    assessment_result: str = Field("", max_length=200, description="测评结果")
    probation_end: dt.date | None = Field(None, description="试用期截止")


class EligibilityIn(Schema):
    person: EligibilityPersonIn
    enterprise: EligibilityEnterpriseIn
    post: EligibilityPostIn
    version: str | None = Field(
        None,
        max_length=max_length(PackVersion, "version"),
        description="default: the version in force on `on`",
    )
    on: dt.date | None = Field(None, description="default: today")


class ResultOut(Schema):
    code: str
    label: str
    group: str
    clause: str
    severity: Literal["advisory", "justify", "blocking"]
    status: Literal["met", "unmet", "relaxed", "judgement", "not_applicable"]
    expected: str
    actual: str
    relaxation: str
    note: str


class PackEligibilityOut(Schema):
    pack: str
    version: str
    versions: list[str]
    label: str
    national_default: bool
    can_proceed: bool = Field(
        description="nothing blocking, and a justification given where one is needed"
    )
    blocking: list[str]
    needs_justification: list[str]
    summary: dict[str, int]
    results: list[ResultOut]


class InstallIn(Schema):
    text: str = Field(max_length=services.PACK_TEXT_MAX, description="the pack file (TOML)")


class InstallOut(Schema):
    created: bool
    pack: str
    version: str


def _version_item(v: PackVersion) -> dict[str, Any]:
    return {
        "version": v.version,
        "effective_from": v.effective_from,
        "name": v.name,
        "source": v.source,
        "regions": [r.region_id for r in v.regions.all()],
        "sha256": v.sha256,
        "created_at": v.created_at,
    }


def _pack_out(pack: Pack) -> PackOut:
    today = clock.today()
    versions = sorted(pack.versions.all(), key=lambda v: v.effective_from, reverse=True)
    current = next((v for v in versions if v.effective_from <= today), None)
    return PackOut(
        id=pack.slug,
        name=pack.name,
        kind=pack.kind,  # type: ignore[arg-type]
        national_default=pack.national_default,
        current_version=current.version if current else None,
        versions=[VersionItem(**_version_item(v)) for v in versions],
    )


def _pack(pack_id: str) -> Pack:
    pack = selectors.pack_list().filter(slug=pack_id[:50]).first()
    if pack is None:
        raise Http404
    return pack


def _version(pack: Pack, version: str | None, on: dt.date) -> PackVersion:
    qs = pack.versions.select_related("pack")
    found = (
        qs.filter(version=version[:32]).first()
        if version
        else qs.filter(effective_from__lte=on).order_by("-effective_from").first()
    )
    if found is None and not version:
        # before the pack's first version: 422 naming the day it starts
        earliest = min((v.effective_from for v in qs), default=None)
        raise selectors.NoPackInForce(on=on, earliest=earliest)
    if found is None:
        raise ValidationError({"version": f"pack {pack.slug} has no version {version}"})
    return found


@router.get("/policy/packs", response=list[PackOut], auth=None, summary="Policy packs")
def list_packs(request: HttpRequest) -> list[PackOut]:
    return [_pack_out(p) for p in selectors.pack_list()]


@router.get(
    "/policy/packs/{pack_id}", response={200: PackOut, **ERRORS}, auth=None, summary="One pack"
)
def get_pack(request: HttpRequest, pack_id: PackId) -> PackOut:
    return _pack_out(_pack(pack_id))


@router.get(
    "/policy/packs/{pack_id}/versions/{version}",
    response={200: VersionOut, **ERRORS},
    auth=None,
    summary="One version's rules, each value with its clause",
)
def get_version(request: HttpRequest, pack_id: PackId, version: PackVersionName) -> VersionOut:
    found = _pack(pack_id).versions.filter(version=version[:32]).first()
    if found is None:
        raise Http404
    return VersionOut(**_version_item(found), pack=found.pack.slug, content=found.content)


class GoverningQuery(Schema):
    region: str = Field(pattern=REGION_CODE, description="GB/T 2260 code")
    on: dt.date | None = None


@router.get(
    "/policy/governing",
    response={200: GoverningOut, **ERRORS},
    auth=None,
    summary="The rules governing a region (most specific pack, inheriting from broader ones)",
)
def governing(request: HttpRequest, query: Query[GoverningQuery]) -> GoverningOut:
    region = Region.objects.filter(code=query.region).first()
    if region is None:  # well-formed but no such GB/T 2260 code
        raise Http404
    on = query.on or clock.today()
    gov = selectors.governing_for_region(region, on)
    return GoverningOut(
        region=region.code,
        on=on,
        national_default=gov.is_default,
        versions=[f"{v.pack.slug}@{v.version}" for v in gov.versions],
        label=gov.label,
        rules=gov.rules.model_dump(mode="json"),
    )


def facts_from(body: EligibilityIn) -> rules.Facts:
    industry = None
    if body.enterprise.industry:
        industry = Industry.objects.filter(
            code=body.enterprise.industry[:4], level=Industry.Level.DIVISION
        ).first()
        if industry is None:
            raise ValidationError(
                {"enterprise.industry": f"unknown GB/T 4754 division {body.enterprise.industry}"}
            )
    quals = tuple(rules.QualificationFact(q.kind, q.level) for q in body.person.qualifications)
    p, e, post = body.person, body.enterprise, body.post
    return rules.Facts(
        person=rules.PersonFacts(
            education=p.education,
            title_level="" if p.title_level == "none" else p.title_level,
            qualifications=quals,
            quality_years=p.quality_years,
            training_certificate=p.training_certificate
            or any(q.kind == "cqo_training" for q in quals),
            capability_level=p.capability_level,
            declarations=frozenset(p.declarations),
            exit_listed=p.exit_listed,
        ),
        enterprise=rules.EnterpriseFacts(
            size=e.size,
            above_scale=e.above_scale,
            nature=e.nature,
            listed=e.listed,
            group=e.group,
            industry_division=industry.code if industry else "",
            industry_section=industry.section_code if industry else "",
            own_conditions=e.own_conditions,
        ),
        post=rules.PostFacts(
            rank=post.rank,
            concurrent_role=post.concurrent_role,
            appointing_authority=post.appointing_authority,
            reports_to_top=post.reports_to_top,
            justification=post.justification,
            treatment=post.treatment,
            assessment_result=post.assessment_result,
            probation_end=post.probation_end.isoformat() if post.probation_end else "",
        ),
    )


@router.post(
    "/policy/packs/{pack_id}/eligibility",
    response={200: PackEligibilityOut, **ERRORS},
    auth=None,
    summary="Evaluate a described person, enterprise and post against a pack",
)
def eligibility(request: HttpRequest, pack_id: PackId, body: EligibilityIn) -> PackEligibilityOut:
    on = body.on or clock.today()
    version = _version(_pack(pack_id), body.version, on)
    gov = selectors.governing_for_version(version, on)
    verdict = rules.verdict(gov.rules, facts_from(body))
    return PackEligibilityOut(
        pack=version.pack.slug,
        version=version.version,
        versions=[f"{v.pack.slug}@{v.version}" for v in gov.versions],
        label=gov.label,
        national_default=gov.is_default,
        can_proceed=verdict.can_proceed(body.post.justification),
        blocking=[r.code for r in verdict.blocking],
        needs_justification=[r.code for r in verdict.needing_justification],
        summary=verdict.summary(),
        results=[ResultOut(**r.as_dict()) for r in verdict.results],  # type: ignore[arg-type]
    )


@router.post(
    "/policy/packs",
    response={201: InstallOut, 200: InstallOut, **ERRORS},
    summary="Install a pack version (platform admin)",
)
def install(request: HttpRequest, body: InstallIn) -> Status[InstallOut]:
    user = actor(request)
    installed = services.pack_install(text=body.text, actor=user)
    out = InstallOut(
        created=installed.created,
        pack=installed.version.pack.slug,
        version=installed.version.version,
    )
    return Status(201 if installed.created else 200, out)
