"""Coverage over the API (SPEC §8): ``GET /api/v1/oversight/coverage``."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cqo.accounts.api import ERRORS
from cqo.coverage import selectors
from cqo.lib import clock
from cqo.registry.api.common import actor

router = Router(tags=["coverage"])


class CoverageQuery(Schema):
    region: str = Field("", pattern=r"^([0-9]{6})?$", description="GB/T 2260 code; blank: own")
    group_by: str = Field("region", pattern=r"^(region|section|size|group)$")
    metric: str = Field(
        "above_scale",
        pattern=r"^(all|above_scale|msme|key_industry_msme|quality_award)$",
        description="population of the region/section/size groupings",
    )
    as_of: dt.date | None = Field(None, description="YYYY-MM-DD; default today")


class RowOut(Schema):
    key: str
    label: str
    metric: str
    numerator: int
    denominator: int
    share: float | None
    target: float | None
    target_year: int | None
    path: float | None
    status: str | None
    list_as_of: dt.date | None = Field(
        description="oldest as-of date of the imported lists behind the row; null when every "
        "enterprise was registered by hand"
    )
    hand_registered: int


class NewCqosOut(Schema):
    year: int
    new_cqos: int
    replacements: int
    target: int | None


class CoverageOut(Schema):
    region: str | None
    as_of: dt.date
    group_by: str
    metric: str
    current_list_as_of: dt.date | None
    rows: list[RowOut]
    new_cqos: list[NewCqosOut]


@router.get(
    "/oversight/coverage",
    response={200: CoverageOut, **ERRORS},
    summary="Share of enterprises with a filed, active CQO",
)
def coverage(request: HttpRequest, query: Query[CoverageQuery]) -> CoverageOut:
    user = actor(request)
    if not selectors.can_view(user):
        raise PermissionDenied
    as_of = query.as_of or clock.today()
    if not dt.date(2000, 1, 1) <= as_of <= dt.date(2100, 12, 31):
        from django.core.exceptions import ValidationError

        raise ValidationError({"as_of": "as_of must lie between 2000 and 2100"})
    c = selectors.coverage(user, query.region or None, as_of, query.group_by, query.metric)
    return CoverageOut(
        region=c.region.code if c.region else None,
        as_of=c.as_of,
        group_by=c.group_by,
        metric=c.metric,
        current_list_as_of=c.current_list_as_of,
        rows=[RowOut.model_validate(r, from_attributes=True) for r in c.rows],
        new_cqos=[NewCqosOut.model_validate(n, from_attributes=True) for n in c.new_cqos],
    )
