"""REST API of the warning and exit listings (shaanxi-2021 §五(三), jiangsu-2020 §七, SPEC §8,
§12.15): the same scope as the pages (selectors), the same writes (services). Listings and
appeals are addressed by UUID; ``id`` is the public id. A listing's evidence is uploaded with
it (``POST /blacklist/with-evidence``, multipart); appeal attachments on the pages only.

The public notice (``GET /public/blacklist``) needs no token and shows no ID number.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from cqo.accounts.api import ERRORS, ErrorOut
from cqo.accounts.models import Role, User
from cqo.blacklist import rules, selectors, services
from cqo.blacklist.models import Appeal, Listing
from cqo.lib import clock, dates
from cqo.lib.bounds import max_length
from cqo.reference import validators
from cqo.reference.apitypes import Choices, FormOptional
from cqo.reference.selectors import region_label
from cqo.registry import selectors as registry_selectors
from cqo.registry.api.common import actor, page
from cqo.registry.api.schemas import REGION_CODE, AuditOut, PageQuery
from cqo.registry.models import Person

ListingKind = Annotated[Listing.Kind, Choices("ListingKind", Listing.Kind)]
# the one ground of the documents (Listing.Ground), as a literal: the enum's own component name
# "Ground" is certification's supervision ground
ListingGround = Literal["accident"]
ListingAppealStatus = Annotated[Appeal.Status, Choices("ListingAppealStatus", Appeal.Status)]

router = Router(tags=["blacklist"])


# Schemas --------------------------------------------------------------------------------------


class ListingFilters(PageQuery):
    kind: ListingKind | None = None
    state: Listing.State | None = Field(
        None, description="pending (未生效), in_force, ended (已到期), revoked"
    )
    q: str = Field("", max_length=50, description="person's name contains")
    region: str | None = Field(
        None, pattern=REGION_CODE, description="issued in, or person registered in, this subtree"
    )
    person: uuid.UUID | None = Field(None, description="the person's public id")


class ListingIn(Schema):
    """The person by ``person`` (public id), or by ``id_number`` and ``person_name``."""

    person: uuid.UUID | None = Field(None, description="the person's public id")
    id_number: str | None = Field(
        None, max_length=validators.ID_NUMBER_MAX_INPUT, description="居民身份证号"
    )
    person_name: str | None = Field(
        None, max_length=max_length(Person, "name"), description="must match the record"
    )
    kind: ListingKind = Field(description="warning (警示) or exit (退出)")
    # min_length: a multipart form sends an empty required field as no field at all
    reason: str = Field(
        min_length=1,
        max_length=max_length(Listing, "reason"),
        description="列入原因, at least 4 characters",
    )
    accident: str = Field(
        "",
        max_length=max_length(Listing, "accident"),
        description="事故情况, required (at least 4 characters)",
    )
    accident_date: dates.EventDate | None = Field(
        None, description="事故发生日期, required: on or before today and the start date"
    )
    ground: ListingGround = Field(
        "accident",
        description="列入依据: 因责任心不强、履职不到位，造成重大质量安全事故 "
        "(shaanxi-2021 §五(三), jiangsu-2020 §七)",
    )
    authority_name: str = Field(
        "",
        max_length=max_length(Listing, "authority_name"),
        description="发布机关; default: the bureau of the issuing region",
    )
    region: str | None = Field(
        None, pattern=REGION_CODE, description="the issuing region; admin only (regulators: own)"
    )
    start_date: dates.EventDate = Field(description="first day in force; may be in the future")
    end_date: dates.TermDate | None = Field(None, description="last day in force (inclusive)")
    public: bool = Field(False, description="shown on the public notice")


class ListingFormIn(ListingIn):
    """``ListingIn`` as a multipart form: a form has no null, so an optional field is left out
    rather than sent empty."""

    person: Annotated[uuid.UUID | None, FormOptional()] = Field(
        None, description="the person's public id"
    )
    id_number: Annotated[str | None, FormOptional()] = Field(
        None, max_length=validators.ID_NUMBER_MAX_INPUT, description="居民身份证号"
    )
    person_name: Annotated[str | None, FormOptional()] = Field(
        None, max_length=max_length(Person, "name"), description="must match the record"
    )
    accident_date: Annotated[dates.EventDate | None, FormOptional()] = Field(
        None, description="事故发生日期, required: on or before today and the start date"
    )
    region: Annotated[str | None, FormOptional()] = Field(
        None, pattern=REGION_CODE, description="the issuing region; admin only (regulators: own)"
    )
    end_date: Annotated[dates.TermDate | None, FormOptional()] = Field(
        None, description="last day in force (inclusive)"
    )


class ListingAppealOut(Schema):
    id: uuid.UUID
    listing: uuid.UUID
    status: ListingAppealStatus
    grounds: str
    has_attachment: bool
    filed_by: str
    filed_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    decision_note: str


class ListingItem(Schema):
    id: uuid.UUID = Field(description="the listing's public id")
    person: uuid.UUID
    person_name: str
    kind: ListingKind
    state: Listing.State
    reason: str
    authority_name: str
    region: str = Field(description="GB/T 2260 code of the issuing region")
    start_date: dt.date
    end_date: dt.date | None
    public: bool
    revoked_at: dt.datetime | None
    created_at: dt.datetime


class ListingOut(ListingItem):
    ground: ListingGround
    accident: str
    accident_date: dt.date | None = Field(description="null only on listings recorded before")
    region_name: str
    issued_by: str
    has_evidence: bool
    applied_at: dt.datetime | None = Field(description="when an exit's effect was applied")
    ended_filings: list[uuid.UUID] = Field(
        description="filings the exit ended that the caller may open"
    )
    ended_elsewhere: int = Field(description="filings it ended outside the caller's scope")
    revoked_by: str | None
    revoke_reason: str
    appeals: list[ListingAppealOut]
    audit: list[AuditOut]


class ListingPage(Schema):
    count: int
    items: list[ListingItem]


class ListingRevokeIn(Schema):
    reason: str = Field(
        max_length=max_length(Listing, "revoke_reason"), description="at least 4 characters"
    )


class EndDateIn(Schema):
    end_date: dates.TermDate | None = Field(description="null: no end date")
    note: str = Field("", max_length=rules.END_DATE_NOTE_MAX)


class ListingAppealIn(Schema):
    grounds: str = Field(
        max_length=max_length(Appeal, "grounds"), description="at least 10 characters"
    )


class ListingAppealDecisionIn(Schema):
    outcome: Literal["upheld", "granted"] = Field(description="维持 or 撤销列入")
    note: str = Field(
        max_length=max_length(Appeal, "decision_note"), description="decision note, required"
    )


class PublicFilters(PageQuery):
    section: Literal["current", "past"] = Field(
        "current", description="in force, or ended / revoked"
    )
    q: str = Field("", max_length=50, description="name contains")


class PublicItem(Schema):
    id: uuid.UUID
    name: str
    kind: ListingKind
    state: Listing.State
    reason: str
    authority_name: str
    start_date: dt.date
    end_date: dt.date | None


class PublicPage(Schema):
    count: int
    items: list[PublicItem]


# Building responses ---------------------------------------------------------------------------


def _item_values(listing: Listing) -> dict[str, Any]:
    return {
        "id": listing.public_id,
        "person": listing.person.public_id,
        "person_name": listing.person.name,
        "kind": listing.kind,
        "state": listing.state,
        "reason": listing.reason,
        "authority_name": listing.authority_name,
        "region": listing.region_id,
        "start_date": listing.start_date,
        "end_date": listing.end_date,
        "public": listing.public,
        "revoked_at": listing.revoked_at,
        "created_at": listing.created_at,
    }


def _appeal_out(appeal: Appeal) -> ListingAppealOut:
    return ListingAppealOut(
        id=appeal.public_id,
        listing=appeal.listing.public_id,
        status=Appeal.Status(appeal.status),
        grounds=appeal.grounds,
        has_attachment=bool(appeal.attachment),
        filed_by=appeal.filed_by.get_username(),
        filed_at=appeal.filed_at,
        decided_at=appeal.decided_at,
        decided_by=appeal.decided_by.get_username() if appeal.decided_by else None,
        decision_note=appeal.decision_note,
    )


def _listing_out(user: User, listing: Listing) -> ListingOut:
    ended, elsewhere = selectors.ended_appointments(user=user, listing=listing)
    trail = selectors.listing_trail(user=user, listing=listing)
    return ListingOut.model_validate(
        {
            **_item_values(listing),
            "ground": listing.ground,
            "accident": listing.accident,
            "accident_date": listing.accident_date,
            "region_name": region_label(listing.region_id),
            "issued_by": listing.issued_by.get_username(),
            "has_evidence": bool(listing.evidence),
            "applied_at": listing.applied_at,
            "ended_filings": [a.public_id for a in ended],
            "ended_elsewhere": elsewhere,
            "revoked_by": listing.revoked_by.get_username() if listing.revoked_by else None,
            "revoke_reason": listing.revoke_reason,
            "appeals": [_appeal_out(a) for a in selectors.appeal_list(user=user, listing=listing)],
            "audit": [
                AuditOut(
                    at=e.at, actor=e.actor_name, action=e.action, changes=e.changes, note=e.note
                )
                for e in trail
            ],
        }
    )


def _listing(request: HttpRequest, public_id: uuid.UUID) -> tuple[User, Listing]:
    user = actor(request)
    return user, selectors.listing_get(user=user, public_id=public_id)


# Endpoints ------------------------------------------------------------------------------------


@router.get("/blacklist", response={200: ListingPage, **ERRORS})
def listing_list(request: HttpRequest, filters: Query[ListingFilters]) -> dict[str, Any]:
    user = actor(request)
    person = None
    if filters.person is not None:
        person = registry_selectors.person_get(user=user, public_id=filters.person)
    qs = selectors.listing_list(
        user=user,
        kind=filters.kind or "",
        state=filters.state or "",
        q=filters.q.strip(),
        region=filters.region or "",
        person=person,
    )
    count, items = page(qs.order_by("-start_date", "-pk"), filters)
    return {"count": count, "items": [ListingItem.model_validate(_item_values(i)) for i in items]}


def _create(
    request: HttpRequest, payload: ListingIn, evidence: UploadedFile | None
) -> Status[ListingOut]:
    user = actor(request)
    if not (user.is_platform_admin or user.role == Role.REGULATOR):
        raise PermissionDenied
    person = None
    if payload.person is not None:
        person = registry_selectors.person_get(user=user, public_id=payload.person)
    terms = services.ListingTerms(
        kind=payload.kind,
        ground=payload.ground,
        reason=payload.reason,
        accident=payload.accident,
        accident_date=payload.accident_date,
        authority_name=payload.authority_name,
        region=payload.region or "",
        start_date=payload.start_date,
        end_date=payload.end_date,
        public=payload.public,
        evidence=evidence,
        id_number=payload.id_number or "",
        person_name=payload.person_name or "",
    )
    listing = services.listing_create(actor=user, terms=terms, person=person)
    return Status(
        201, _listing_out(user, selectors.listing_get(user=user, public_id=listing.public_id))
    )


@router.post("/blacklist", response={201: ListingOut, **ERRORS})
def listing_create(request: HttpRequest, payload: ListingIn) -> Status[ListingOut]:
    """列入警示或退出名单: a regulator whose scope holds the person, or the admin. A listing
    needs its evidence file (shaanxi-2021 §五(三), jiangsu-2020 §七), which JSON cannot carry:
    this route answers 422 on ``evidence``; issue through ``POST /blacklist/with-evidence``."""
    return _create(request, payload, None)


@router.post("/blacklist/with-evidence", response={201: ListingOut, **ERRORS})
def listing_create_with_evidence(
    request: HttpRequest, payload: Form[ListingFormIn], evidence: File[UploadedFile]
) -> Status[ListingOut]:
    """列入警示或退出名单 as a multipart form: the fields of ``POST /blacklist`` and the
    ``evidence`` file (PDF, JPG or PNG, ≤ 20 MB). An exit in force at once ends the person's
    filed appointments (SPEC §12.15) and asks the certification body for a review."""
    return _create(request, payload, evidence)


@router.get("/blacklist/{public_id}", response={200: ListingOut, **ERRORS})
def listing_detail(request: HttpRequest, public_id: uuid.UUID) -> ListingOut:
    user, listing = _listing(request, public_id)
    return _listing_out(user, listing)


@router.post("/blacklist/{public_id}/revoke", response={200: ListingOut, **ERRORS})
def listing_revoke(
    request: HttpRequest, public_id: uuid.UUID, payload: ListingRevokeIn
) -> ListingOut:
    user, listing = _listing(request, public_id)
    listing = services.listing_revoke(actor=user, listing=listing, reason=payload.reason)
    return _listing_out(user, listing)


@router.post("/blacklist/{public_id}/end-date", response={200: ListingOut, **ERRORS})
def listing_end_date(request: HttpRequest, public_id: uuid.UUID, payload: EndDateIn) -> ListingOut:
    user, listing = _listing(request, public_id)
    listing = services.listing_set_end_date(
        actor=user, listing=listing, end_date=payload.end_date, note=payload.note
    )
    return _listing_out(user, listing)


@router.post("/blacklist/{public_id}/appeals", response={201: ListingAppealOut, **ERRORS})
def appeal_create(
    request: HttpRequest, public_id: uuid.UUID, payload: ListingAppealIn
) -> Status[ListingAppealOut]:
    """申诉: only the listed person, one undecided appeal at a time."""
    user, listing = _listing(request, public_id)
    appeal = services.appeal_create(actor=user, listing=listing, grounds=payload.grounds)
    return Status(201, _appeal_out(appeal))


@router.post("/blacklist/appeals/{appeal_id}/decide", response={200: ListingAppealOut, **ERRORS})
def appeal_decide(
    request: HttpRequest, appeal_id: uuid.UUID, payload: ListingAppealDecisionIn
) -> ListingAppealOut:
    """The issuing level or above: ``upheld`` (维持) or ``granted`` (撤销列入, revokes)."""
    user = actor(request)
    appeal = selectors.appeal_get(user=user, public_id=appeal_id)
    appeal = services.appeal_decide(
        actor=user, appeal=appeal, outcome=payload.outcome, note=payload.note
    )
    return _appeal_out(appeal)


@router.get("/public/blacklist", auth=None, response={200: PublicPage, 422: ErrorOut})
def public_list(request: HttpRequest, filters: Query[PublicFilters]) -> dict[str, Any]:
    """The public notice: published listings in force (``section=current``) or past."""
    qs = selectors.public_list(section=filters.section, q=filters.q.strip(), today=clock.today())
    count, items = page(qs, filters)
    return {
        "count": count,
        "items": [
            PublicItem(
                id=i.public_id,
                name=i.person.name,
                kind=Listing.Kind(i.kind),
                state=Listing.State(i.state),
                reason=i.reason,
                authority_name=i.authority_name,
                start_date=i.start_date,
                end_date=i.end_date,
            )
            for i in items
        ],
    }
