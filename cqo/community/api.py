"""The community over the API (SPEC §9, §10 "a documented REST API covers everything the web
pages do"): alliances and membership, events, the exchange space, the case competition and
the public case library. Case attachments are uploaded on the page (multipart); the API
lists them."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from cqo.accounts.api import ERRORS, ErrorOut
from cqo.accounts.models import User
from cqo.community import selectors, services
from cqo.community.models import (
    Alliance,
    Answer,
    CaseCompetition,
    Criterion,
    Event,
    Membership,
    Post,
    Registration,
    Submission,
)
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference.apitypes import DecimalText
from cqo.registry.api.common import actor
from cqo.registry.api.schemas import PageQuery
from cqo.registry.models import Enterprise

router = Router(tags=["community"])

UUID = uuid.UUID


Username = Annotated[str, StringConstraints(max_length=max_length(User, "username"))]
CriterionKey = Annotated[str, StringConstraints(pattern=r"^c[0-9]{1,3}$")]


class SearchQuery(PageQuery):
    q: str = Field("", max_length=50)


# Schemas --------------------------------------------------------------------------------------


class AllianceIn(Schema):
    name: str = Field(max_length=max_length(Alliance, "name"))
    kind: str = Field("alliance", pattern=r"^(alliance|home)$")
    region: str = Field(pattern=r"^[0-9]{6}$")
    description: str = Field("", max_length=max_length(Alliance, "description"))


class AllianceOut(Schema):
    id: UUID
    name: str
    kind: str
    region: str
    region_name: str
    description: str


class MembershipOut(Schema):
    id: UUID
    alliance: UUID
    person: str
    enterprise: str
    state: str
    role: str
    officer_title: str


class ApplyIn(Schema):
    statement: str = Field("", max_length=max_length(Membership, "statement"))


class MembershipDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=max_length(Membership, "decision_note"))


class RoleIn(Schema):
    role: str = Field(pattern=r"^(member|officer)$")
    officer_title: str = Field("", max_length=max_length(Membership, "officer_title"))


class EventIn(Schema):
    kind: str = Field(pattern=r"^(salon|forum|site_visit|lecture)$")
    title: str = Field(max_length=max_length(Event, "title"))
    venue: str = Field(max_length=max_length(Event, "venue"))
    starts_at: dates.EventDateTime
    ends_at: dates.EventDateTime
    capacity: int = Field(ge=1, le=100_000)
    counts_hours: bool = False
    hours: Annotated[
        Decimal, Field(ge=0, le=100, max_digits=4, decimal_places=1), DecimalText(4, 1)
    ] = Decimal(0)
    description: str = Field("", max_length=max_length(Event, "description"))


class EventOut(Schema):
    id: UUID
    alliance: UUID
    kind: str
    title: str
    venue: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    registered: int
    counts_hours: bool
    hours: Decimal
    state: str


class RegistrationOut(Schema):
    id: UUID
    event: UUID
    person: str
    state: str
    attended: bool | None
    ledger_index: int | None


class EventAttendanceIn(Schema):
    attended: list[UUID] = Field(max_length=100_000)


class AttendanceOut(Schema):
    attended: int
    absent: int
    hours: int


class ReasonIn(Schema):
    reason: str = Field(max_length=max_length(Post, "hidden_reason"))


class ExchangePostIn(Schema):
    kind: str = Field(pattern=r"^(article|experience|question)$")
    title: str = Field(max_length=max_length(Post, "title"))
    body: str = Field(max_length=max_length(Post, "body"))


class AnswerIn(Schema):
    body: str = Field(max_length=max_length(Answer, "body"))


class AnswerOut(Schema):
    id: UUID
    author: str
    body: str
    hidden: bool
    hidden_reason: str
    accepted: bool


class PostOut(Schema):
    id: UUID
    alliance: UUID
    kind: str
    title: str
    body: str
    author: str
    hidden: bool
    hidden_reason: str
    created_at: dt.datetime
    answers: list[AnswerOut] = []


class ModerateIn(Schema):
    hide: bool
    reason: str = Field(max_length=max_length(Post, "hidden_reason"))


class CriterionIn(Schema):
    name: str = Field(max_length=max_length(Criterion, "name"))
    max_points: int = Field(ge=1, le=100)


class CompetitionIn(Schema):
    title: str = Field(max_length=max_length(CaseCompetition, "title"))
    region: str = Field(pattern=r"^[0-9]{6}$")
    description: str = Field("", max_length=max_length(CaseCompetition, "description"))
    submission_opens: dates.EventDate
    submission_closes: dates.EventDate
    judging_opens: dates.EventDate
    judging_closes: dates.EventDate
    awards: int = Field(3, ge=1, le=100)
    criteria: list[CriterionIn] = Field(max_length=services.MAX_CRITERIA)
    judges: list[Username] = Field(max_length=services.MAX_JUDGES, description="usernames")


class CriterionOut(Schema):
    position: int
    name: str
    max_points: int


class StandingOut(Schema):
    submission: UUID
    score: Decimal
    rank: int
    awarded: bool


class CompetitionOut(Schema):
    id: UUID
    title: str
    region: str
    submission_opens: dt.date
    submission_closes: dt.date
    judging_opens: dt.date
    judging_closes: dt.date
    awards: int
    phase: str
    published_at: dt.datetime | None
    criteria: list[CriterionOut]
    judges: list[str]
    standings: list[StandingOut] = []
    missing: list[str] = []


class SubmissionIn(Schema):
    title: str = Field(max_length=max_length(Submission, "title"))
    method: str = Field(pattern=r"^[a-z_]{1,12}$")
    case_text: str = Field(max_length=max_length(Submission, "case_text"))
    results: str = Field(max_length=max_length(Submission, "results"))
    enterprise: str = Field(
        "",
        max_length=max_length(Enterprise, "uscc"),
        description="USCC; default: your first filed",
    )


class SubmissionOut(Schema):
    id: UUID
    competition: UUID
    title: str
    method: str
    enterprise: str
    person: str
    state: str
    submitted_at: dt.datetime
    score: Decimal | None
    rank: int | None
    awarded: bool
    attachments: list[str]


class ScoreIn(Schema):
    points: dict[CriterionKey, Annotated[Decimal, DecimalText(8, 2)]] = Field(
        max_length=services.MAX_CRITERIA,
        description='per criterion, keyed "c<position>", e.g. {"c1": 18.5}',
    )


class CaseOut(Schema):
    id: UUID
    competition: str
    title: str
    method: str
    enterprise: str
    person: str
    rank: int
    score: Decimal
    case_text: str
    results: str


# Converters -----------------------------------------------------------------------------------


def alliance_out(a: Alliance) -> AllianceOut:
    return AllianceOut(
        id=a.public_id,
        name=a.name,
        kind=a.kind,
        region=a.region_id,
        region_name=a.region.name,
        description=a.description,
    )


def membership_out(m: Membership) -> MembershipOut:
    return MembershipOut(
        id=m.public_id,
        alliance=m.alliance.public_id,
        person=m.person.name,
        enterprise=selectors.enterprise_name(m.person),
        state=m.state,
        role=m.role,
        officer_title=m.officer_title,
    )


def event_out(e: Event) -> EventOut:
    registered = getattr(e, "registered", None)
    if registered is None:
        registered = e.registrations.filter(state="registered").count()
    return EventOut(
        id=e.public_id,
        alliance=e.alliance.public_id,
        kind=e.kind,
        title=e.title,
        venue=e.venue,
        starts_at=e.starts_at,
        ends_at=e.ends_at,
        capacity=e.capacity,
        registered=registered,
        counts_hours=e.counts_hours,
        hours=e.hours,
        state=e.state,
    )


def registration_out(r: Registration) -> RegistrationOut:
    return RegistrationOut(
        id=r.public_id,
        event=r.event.public_id,
        person=r.person.name,
        state=r.state,
        attended=r.attended,
        ledger_index=r.study_record.ledger_index if r.study_record else None,
    )


def answer_out(a: Answer, accepted_id: int | None) -> AnswerOut:
    return AnswerOut(
        id=a.public_id,
        author=a.author.name,
        body=a.body,
        hidden=a.hidden,
        hidden_reason=a.hidden_reason,
        accepted=a.pk == accepted_id,
    )


def post_out(p: Post, answers: list[Answer] | None = None) -> PostOut:
    return PostOut(
        id=p.public_id,
        alliance=p.alliance.public_id,
        kind=p.kind,
        title=p.title,
        body=p.body,
        author=p.author.name,
        hidden=p.hidden,
        hidden_reason=p.hidden_reason,
        created_at=p.created_at,
        answers=[answer_out(a, p.accepted_answer_id) for a in answers or []],
    )


def competition_out(c: CaseCompetition, user: Any) -> CompetitionOut:
    standings: list[StandingOut] = []
    missing: list[str] = []
    if c.published_at is None and selectors.can_manage(user, c.region):
        placed, missing = services.standings(c)
        standings = [
            StandingOut(submission=UUID(p.key), score=p.score, rank=p.rank, awarded=p.awarded)
            for p in placed
        ]
    return CompetitionOut(
        id=c.public_id,
        title=c.title,
        region=c.region_id,
        submission_opens=c.submission_opens,
        submission_closes=c.submission_closes,
        judging_opens=c.judging_opens,
        judging_closes=c.judging_closes,
        awards=c.awards,
        phase=services.competition_phase(c),
        published_at=c.published_at,
        criteria=[
            CriterionOut(position=k.position, name=k.name, max_points=k.max_points)
            for k in c.criteria.order_by("position")
        ],
        judges=[j.user.get_username() for j in c.judges.select_related("user")],
        standings=standings,
        missing=[str(m) for m in missing],
    )


def submission_out(s: Submission) -> SubmissionOut:
    return SubmissionOut(
        id=s.public_id,
        competition=s.competition.public_id,
        title=s.title,
        method=s.method,
        enterprise=s.enterprise.name,
        person=s.person.name,
        state=s.state,
        submitted_at=s.submitted_at,
        score=s.score,
        rank=s.rank,
        awarded=s.awarded,
        attachments=[a.name for a in s.attachments.all()],
    )


def _paged(qs: Any, query: PageQuery, out: Any) -> dict[str, Any]:
    return {
        "count": qs.count(),
        "items": [out(x) for x in qs[query.offset : query.offset + query.limit]],
    }


class AlliancePage(Schema):
    count: int
    items: list[AllianceOut]


class MembershipPage(Schema):
    count: int
    items: list[MembershipOut]


class EventPage(Schema):
    count: int
    items: list[EventOut]


class PostPage(Schema):
    count: int
    items: list[PostOut]


class CompetitionPage(Schema):
    count: int
    items: list[CompetitionOut]


class SubmissionPage(Schema):
    count: int
    items: list[SubmissionOut]


class CasePage(Schema):
    count: int
    items: list[CaseOut]


# Alliances ------------------------------------------------------------------------------------


@router.get("/community/alliances", response={200: AlliancePage, **ERRORS})
def alliances(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Alliances and homes inside the caller's scope."""
    return _paged(selectors.alliance_list(user=actor(request), q=query.q), query, alliance_out)


@router.post("/community/alliances", response={201: AllianceOut, **ERRORS})
def alliance_create(request: HttpRequest, body: AllianceIn) -> Status[AllianceOut]:
    """A regulator sets up an alliance for its region or one below."""
    a = services.alliance_create(actor=actor(request), data=body.dict())
    return Status(201, alliance_out(a))


@router.get("/community/alliances/{alliance_id}", response={200: AllianceOut, **ERRORS})
def alliance_detail(request: HttpRequest, alliance_id: UUID) -> AllianceOut:
    return alliance_out(selectors.alliance_get(user=actor(request), public_id=alliance_id))


@router.post("/community/alliances/{alliance_id}/join", response={201: MembershipOut, **ERRORS})
def alliance_join(request: HttpRequest, alliance_id: UUID, body: ApplyIn) -> Status[MembershipOut]:
    """A CQO applies to join; the managing regulator decides."""
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    m = services.membership_apply(actor=user, alliance=a, statement=body.statement)
    return Status(201, membership_out(m))


class MemberQuery(SearchQuery):
    state: str = Field("approved", pattern=r"^(approved|pending|rejected|left)$")


@router.get("/community/alliances/{alliance_id}/members", response={200: MembershipPage, **ERRORS})
def alliance_members(
    request: HttpRequest, alliance_id: UUID, query: Query[MemberQuery]
) -> dict[str, Any]:
    """The member directory (members and managers): name, enterprise and office only."""
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    qs = selectors.member_list(user=user, alliance=a, q=query.q, state=query.state)
    return _paged(qs, query, membership_out)


@router.post(
    "/community/memberships/{membership_id}/decide", response={200: MembershipOut, **ERRORS}
)
def membership_decide(
    request: HttpRequest, membership_id: UUID, body: MembershipDecisionIn
) -> MembershipOut:
    user = actor(request)
    m = selectors.membership_get(user=user, public_id=membership_id)
    return membership_out(
        services.membership_decide(actor=user, membership=m, approve=body.approve, note=body.note)
    )


@router.post("/community/memberships/{membership_id}/role", response={200: MembershipOut, **ERRORS})
def membership_role(request: HttpRequest, membership_id: UUID, body: RoleIn) -> MembershipOut:
    user = actor(request)
    m = selectors.membership_get(user=user, public_id=membership_id)
    return membership_out(
        services.membership_set_role(
            actor=user, membership=m, role=body.role, officer_title=body.officer_title
        )
    )


@router.post(
    "/community/memberships/{membership_id}/leave", response={200: MembershipOut, **ERRORS}
)
def membership_leave(request: HttpRequest, membership_id: UUID) -> MembershipOut:
    user = actor(request)
    m = selectors.membership_get(user=user, public_id=membership_id)
    return membership_out(services.membership_leave(actor=user, membership=m))


# Events ---------------------------------------------------------------------------------------


@router.get("/community/events", response={200: EventPage, **ERRORS})
def events(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    return _paged(selectors.event_list(user=actor(request), q=query.q), query, event_out)


@router.post("/community/alliances/{alliance_id}/events", response={201: EventOut, **ERRORS})
def event_create(request: HttpRequest, alliance_id: UUID, body: EventIn) -> Status[EventOut]:
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    return Status(201, event_out(services.event_create(actor=user, alliance=a, data=body.dict())))


@router.get("/community/events/{event_id}", response={200: EventOut, **ERRORS})
def event_detail(request: HttpRequest, event_id: UUID) -> EventOut:
    return event_out(selectors.event_get(user=actor(request), public_id=event_id))


@router.post("/community/events/{event_id}/register", response={201: RegistrationOut, **ERRORS})
def event_register(request: HttpRequest, event_id: UUID) -> Status[RegistrationOut]:
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    return Status(201, registration_out(services.registration_create(actor=user, event=e)))


@router.post(
    "/community/registrations/{registration_id}/cancel", response={200: RegistrationOut, **ERRORS}
)
def registration_cancel(request: HttpRequest, registration_id: UUID) -> RegistrationOut:
    user = actor(request)
    r = selectors.registration_get(user=user, public_id=registration_id)
    return registration_out(services.registration_cancel(actor=user, registration=r))


@router.get(
    "/community/events/{event_id}/registrations", response={200: list[RegistrationOut], **ERRORS}
)
def event_registrations(request: HttpRequest, event_id: UUID) -> list[RegistrationOut]:
    """The organiser's list; a CQO gets their own registration only."""
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    if selectors.can_manage(user, e.alliance.region):
        return [registration_out(r) for r in selectors.registrations(e)]
    mine = selectors.registration_of(user, e)
    return [registration_out(mine)] if mine else []


@router.post("/community/events/{event_id}/attendance", response={200: AttendanceOut, **ERRORS})
def event_attendance(
    request: HttpRequest, event_id: UUID, body: EventAttendanceIn
) -> AttendanceOut:
    """Mark who attended (the rest are absent); counts as 学时 when the event says so."""
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    counts = services.attendance_record(
        actor=user, event=e, attended=[str(x) for x in body.attended]
    )
    return AttendanceOut(**counts)


@router.post("/community/events/{event_id}/cancel", response={200: EventOut, **ERRORS})
def event_cancel(request: HttpRequest, event_id: UUID, body: ReasonIn) -> EventOut:
    user = actor(request)
    e = selectors.event_get(user=user, public_id=event_id)
    return event_out(services.event_cancel(actor=user, event=e, reason=body.reason))


# Exchange space -------------------------------------------------------------------------------


class PostQuery(SearchQuery):
    kind: str = Field("", pattern=r"^(article|experience|question)?$")


@router.get("/community/alliances/{alliance_id}/posts", response={200: PostPage, **ERRORS})
def posts(request: HttpRequest, alliance_id: UUID, query: Query[PostQuery]) -> dict[str, Any]:
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    qs = selectors.post_list(user=user, alliance=a, q=query.q, kind=query.kind)
    return _paged(qs, query, post_out)


@router.post("/community/alliances/{alliance_id}/posts", response={201: PostOut, **ERRORS})
def post_create(request: HttpRequest, alliance_id: UUID, body: ExchangePostIn) -> Status[PostOut]:
    user = actor(request)
    a = selectors.alliance_get(user=user, public_id=alliance_id)
    return Status(201, post_out(services.post_create(actor=user, alliance=a, data=body.dict())))


@router.get("/community/posts/{post_id}", response={200: PostOut, **ERRORS})
def post_detail(request: HttpRequest, post_id: UUID) -> PostOut:
    user = actor(request)
    p = selectors.post_get(user=user, public_id=post_id)
    return post_out(p, list(selectors.answers(user=user, post=p)))


@router.post("/community/posts/{post_id}/answers", response={201: AnswerOut, **ERRORS})
def answer_create(request: HttpRequest, post_id: UUID, body: AnswerIn) -> Status[AnswerOut]:
    user = actor(request)
    p = selectors.post_get(user=user, public_id=post_id)
    return Status(201, answer_out(services.answer_create(actor=user, post=p, body=body.body), None))


@router.post("/community/answers/{answer_id}/accept", response={200: PostOut, **ERRORS})
def answer_accept(request: HttpRequest, answer_id: UUID) -> PostOut:
    user = actor(request)
    a = selectors.answer_get(user=user, public_id=answer_id)
    p = services.answer_accept(actor=user, answer=a)
    return post_out(p, list(selectors.answers(user=user, post=p)))


@router.post("/community/posts/{post_id}/moderate", response={200: PostOut, **ERRORS})
def post_moderate(request: HttpRequest, post_id: UUID, body: ModerateIn) -> PostOut:
    user = actor(request)
    p = selectors.post_get(user=user, public_id=post_id)
    services.moderate(actor=user, target=p, hide=body.hide, reason=body.reason)
    p.refresh_from_db()
    return post_out(p)


@router.post("/community/answers/{answer_id}/moderate", response={200: AnswerOut, **ERRORS})
def answer_moderate(request: HttpRequest, answer_id: UUID, body: ModerateIn) -> AnswerOut:
    user = actor(request)
    a = selectors.answer_get(user=user, public_id=answer_id)
    services.moderate(actor=user, target=a, hide=body.hide, reason=body.reason)
    a.refresh_from_db()
    return answer_out(a, a.post.accepted_answer_id)


# Case competition -----------------------------------------------------------------------------


@router.get("/community/competitions", response={200: CompetitionPage, **ERRORS})
def competitions(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    user = actor(request)
    qs = selectors.competition_list(user=user, q=query.q)
    return _paged(qs, query, lambda c: competition_out(c, user))


@router.post("/community/competitions", response={201: CompetitionOut, **ERRORS})
def competition_create(request: HttpRequest, body: CompetitionIn) -> Status[CompetitionOut]:
    """Open a call: windows, criteria (name, max points) and judges (usernames)."""
    user = actor(request)
    data = body.dict()
    data["criteria"] = [c.dict() for c in body.criteria]
    return Status(201, competition_out(services.competition_create(actor=user, data=data), user))


@router.get("/community/competitions/{competition_id}", response={200: CompetitionOut, **ERRORS})
def competition_detail(request: HttpRequest, competition_id: UUID) -> CompetitionOut:
    """With the provisional standings and what is missing, for the organiser."""
    user = actor(request)
    return competition_out(selectors.competition_get(user=user, public_id=competition_id), user)


@router.get(
    "/community/competitions/{competition_id}/submissions",
    response={200: SubmissionPage, **ERRORS},
)
def submissions(
    request: HttpRequest, competition_id: UUID, query: Query[SearchQuery]
) -> dict[str, Any]:
    """Organisers and judges see every case, a CQO their own; ranked once published."""
    user = actor(request)
    c = selectors.competition_get(user=user, public_id=competition_id)
    return _paged(
        selectors.submission_list(user=user, competition=c, q=query.q), query, submission_out
    )


@router.post(
    "/community/competitions/{competition_id}/submissions",
    response={201: SubmissionOut, **ERRORS},
)
def submission_create(
    request: HttpRequest, competition_id: UUID, body: SubmissionIn
) -> Status[SubmissionOut]:
    user = actor(request)
    c = selectors.competition_get(user=user, public_id=competition_id)
    return Status(
        201, submission_out(services.submission_create(actor=user, competition=c, data=body.dict()))
    )


@router.get("/community/submissions/{submission_id}", response={200: SubmissionOut, **ERRORS})
def submission_detail(request: HttpRequest, submission_id: UUID) -> SubmissionOut:
    return submission_out(selectors.submission_get(user=actor(request), public_id=submission_id))


@router.post(
    "/community/submissions/{submission_id}/scores", response={200: SubmissionOut, **ERRORS}
)
def submission_score(request: HttpRequest, submission_id: UUID, body: ScoreIn) -> SubmissionOut:
    """A judge's sheet for one case: every criterion, 0 … its maximum."""
    user = actor(request)
    s = selectors.submission_get(user=user, public_id=submission_id)
    services.score_submit(actor=user, submission=s, points=body.points)
    return submission_out(s)


@router.post(
    "/community/submissions/{submission_id}/withdraw", response={200: SubmissionOut, **ERRORS}
)
def submission_withdraw(request: HttpRequest, submission_id: UUID) -> SubmissionOut:
    user = actor(request)
    s = selectors.submission_get(user=user, public_id=submission_id)
    return submission_out(services.submission_withdraw(actor=user, submission=s))


@router.post(
    "/community/competitions/{competition_id}/publish", response={200: CompetitionOut, **ERRORS}
)
def competition_publish(request: HttpRequest, competition_id: UUID) -> CompetitionOut:
    user = actor(request)
    c = selectors.competition_get(user=user, public_id=competition_id)
    return competition_out(services.results_publish(actor=user, competition=c), user)


# The public case library ----------------------------------------------------------------------


class LibraryQuery(SearchQuery):
    method: str = Field("", pattern=r"^[a-z_]{0,12}$")


def case_out(s: Submission) -> CaseOut:
    return CaseOut(
        id=s.public_id,
        competition=s.competition.title,
        title=s.title,
        method=s.method,
        enterprise=s.enterprise.name,
        person=s.person.name,
        rank=s.rank or 0,
        score=s.score or Decimal(0),
        case_text=s.case_text,
        results=s.results,
    )


@router.get("/public/cases", auth=None, response={200: CasePage, 422: ErrorOut})
def public_cases(request: HttpRequest, query: Query[LibraryQuery]) -> dict[str, Any]:
    """The case library, no login: awarded cases of published competitions."""
    return _paged(selectors.library(q=query.q, method=query.method), query, case_out)


@router.get(
    "/public/cases/{case_id}", auth=None, response={200: CaseOut, 404: ErrorOut, 422: ErrorOut}
)
def public_case(request: HttpRequest, case_id: UUID) -> CaseOut:
    return case_out(selectors.library_get(case_id))
