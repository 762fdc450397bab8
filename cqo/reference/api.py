"""Reference lookups for API clients' forms: GB/T 2260 regions and GB/T 4754-2017 industries."""

from __future__ import annotations

from typing import Annotated

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cqo.reference.apitypes import Choices, RegionCode, error_responses
from cqo.reference.models import Industry, Region
from cqo.reference.selectors import region_children, region_label

RegionLevel = Annotated[Region.Level, Choices("RegionLevel", Region.Level)]
IndustryLevel = Annotated[Industry.Level, Choices("IndustryLevel", Industry.Level)]

router = Router(tags=["reference"])


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    level: RegionLevel
    parent: str | None

    @staticmethod
    def resolve_full_name(obj: Region) -> str:
        return region_label(obj.code)

    @staticmethod
    def resolve_parent(obj: Region) -> str | None:
        return obj.parent_id


class IndustryOut(Schema):
    code: str
    name: str
    level: IndustryLevel
    parent: str | None

    @staticmethod
    def resolve_parent(obj: Industry) -> str | None:
        return obj.parent_id


class RegionFilters(Schema):
    parent: RegionCode | None = Field(
        None, description="GB/T 2260 code; without it, the provinces (an unknown code is a 404)"
    )


class IndustryFilters(Schema):
    level: IndustryLevel | None = None
    parent: str | None = Field(
        None, pattern=r"^[A-T]$", description="a section (门类) letter: its divisions"
    )


@router.get("/regions", response=list[RegionOut], openapi_extra=error_responses(404, 422))
def region_list(request: HttpRequest, filters: Query[RegionFilters]) -> QuerySet[Region]:
    if filters.parent and not Region.objects.filter(code=filters.parent).exists():
        raise Http404
    return region_children(filters.parent)


@router.get("/industries", response=list[IndustryOut], openapi_extra=error_responses(422))
def industry_list(request: HttpRequest, filters: Query[IndustryFilters]) -> QuerySet[Industry]:
    qs = Industry.objects.all()
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.parent:
        qs = qs.filter(parent_id=filters.parent)
    return qs
