"""Enterprises, addressed by USCC (SPEC §3), and the clerk accounts that act for them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from cqo.accounts.api import ERRORS
from cqo.reference.apitypes import Uscc
from cqo.reference.selectors import region_label
from cqo.registry import inputs, selectors, services
from cqo.registry.api.common import actor, build, or_none, page
from cqo.registry.api.schemas import (
    AccountOut,
    ClerkIn,
    EnterpriseFields,
    EnterpriseFilters,
    EnterpriseIn,
    EnterpriseItem,
    EnterpriseOut,
    EnterprisePage,
)
from cqo.registry.models import Enterprise

router = Router()


class CqoStatusOut(Schema):
    """Whether the enterprise has a filed, active CQO — the prerequisite for quality awards and
    quality, standardisation and IP incentives (shaanxi-2021 §六(三), jiangsu-2020 §八)."""

    uscc: str
    name: str
    on: dt.date
    has_active_cqo: bool
    cqo_name: str | None
    post: str | None
    filing_number: str | None
    filed_at: dt.datetime | None
    start_date: dt.date | None
    term_end: dt.date | None
    basis: str = "shaanxi-2021 §六(三); jiangsu-2020 §八; SPEC §12.8"


def _cqo_status(ent: Enterprise) -> str:
    one = selectors.with_cqo_status(Enterprise.objects.filter(pk=ent.pk))
    # cqo_status is an annotation the stubs cannot see
    return one.values_list("cqo_status", flat=True).get()  # type: ignore[misc]


def enterprise_item(ent: Enterprise) -> EnterpriseItem:
    """``ent`` must come annotated by ``selectors.with_cqo_status``."""
    return build(
        EnterpriseItem,
        ent,
        region=ent.region_id,
        region_name=region_label(ent.region_id),
        industry=ent.industry_id,
        cqo_status=ent.cqo_status,  # type: ignore[attr-defined]
    )


def _enterprise_out(ent: Enterprise) -> EnterpriseOut:
    industry = ent.industry
    return build(
        EnterpriseOut,
        ent,
        region=ent.region_id,
        region_name=region_label(ent.region_id),
        industry=industry.code,
        industry_name=industry.name,
        industry_section=industry.section_code,
        nature=or_none(ent.nature),
        quality_award=or_none(ent.quality_award),
        group_parent=ent.group_parent.uscc if ent.group_parent else None,
        cqo_status=_cqo_status(ent),
    )


@router.get("/enterprises", response={200: EnterprisePage, **ERRORS})
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseFilters]) -> dict[str, Any]:
    qs = selectors.enterprise_list(
        user=actor(request),
        q=filters.q,
        region=filters.region or "",
        industry=filters.industry or "",
        size=filters.size or "",
        cqo_status=filters.cqo_status or "",
    )
    count, items = page(qs.order_by("name", "uscc"), filters)
    return {"count": count, "items": [enterprise_item(e) for e in items]}


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS})
def enterprise_create(request: HttpRequest, payload: EnterpriseIn) -> Status[EnterpriseOut]:
    details = inputs.of(services.EnterpriseDetails, payload.model_dump(mode="json"))
    ent = services.enterprise_create(actor=actor(request), details=details)
    return Status(201, _enterprise_out(ent))


@router.get("/enterprises/{uscc}", response={200: EnterpriseOut, **ERRORS})
def enterprise_detail(request: HttpRequest, uscc: Uscc) -> EnterpriseOut:
    return _enterprise_out(selectors.enterprise_get(user=actor(request), uscc=uscc))


@router.patch("/enterprises/{uscc}", response={200: EnterpriseOut, **ERRORS})
def enterprise_update(request: HttpRequest, uscc: Uscc, payload: EnterpriseFields) -> EnterpriseOut:
    user = actor(request)
    ent = selectors.enterprise_get(user=user, uscc=uscc)
    details = inputs.of(
        services.EnterpriseDetails, payload.model_dump(mode="json", exclude_unset=True)
    )
    return _enterprise_out(services.enterprise_update(actor=user, enterprise=ent, details=details))


@router.post("/enterprises/{uscc}/clerks", response={201: AccountOut, **ERRORS})
def enterprise_clerk(request: HttpRequest, uscc: Uscc, payload: ClerkIn) -> Status[AccountOut]:
    """Open the account of a clerk who acts for the enterprise (a regulator in scope, or the
    platform admin, may)."""
    user = actor(request)
    ent = selectors.enterprise_get(user=user, uscc=uscc)
    clerk = services.clerk_create(
        actor=user,
        enterprise=ent,
        username=payload.username,
        password=payload.password,
        display_name=payload.display_name,
    )
    return Status(201, AccountOut(username=clerk.username))


@router.get(
    "/enterprises/{uscc}/cqo-status",
    response={200: CqoStatusOut, **ERRORS},
    summary="Has the enterprise a filed, active CQO (incentive prerequisite)?",
)
def enterprise_cqo_status(
    request: HttpRequest, uscc: Uscc, on: dt.date | None = None
) -> CqoStatusOut:
    from cqo.lib import clock

    ent = selectors.enterprise_get(user=actor(request), uscc=uscc)
    day = on or clock.today()
    appt = selectors.active_appointment(ent, day)
    return CqoStatusOut(
        uscc=ent.uscc,
        name=ent.name,
        on=day,
        has_active_cqo=appt is not None,
        cqo_name=appt.person.name if appt else None,
        post=appt.post if appt else None,
        filing_number=appt.filing_number if appt else None,
        filed_at=appt.filed_at if appt else None,
        start_date=appt.start_date if appt else None,
        term_end=appt.term_end if appt else None,
    )
