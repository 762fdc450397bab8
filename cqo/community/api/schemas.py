"""The community API's wire format: what a client sends (validated here: lengths, patterns,
ranges, dates) and what it gets back."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from cqo.accounts.models import User
from cqo.community import services
from cqo.community.models import (
    Alliance,
    Answer,
    CaseCompetition,
    Criterion,
    Event,
    Membership,
    Post,
    Submission,
)
from cqo.lib import dates
from cqo.lib.bounds import max_length
from cqo.reference.apitypes import DecimalText
from cqo.registry.api.schemas import PageQuery
from cqo.registry.models import Enterprise

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
        # only keys of that pattern: documented, not left open beside patternProperties
        json_schema_extra={"additionalProperties": False},
    )

    def sheet(self) -> services.ScoreSheet:
        """(criterion position, points); a key not written "c<position>" names no criterion."""
        return tuple(
            (int(key[1:]), value) for key, value in self.points.items() if key == f"c{int(key[1:])}"
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


class MemberQuery(SearchQuery):
    state: str = Field("approved", pattern=r"^(approved|pending|rejected|left)$")


class PostQuery(SearchQuery):
    kind: str = Field("", pattern=r"^(article|experience|question)?$")


class LibraryQuery(SearchQuery):
    method: str = Field("", pattern=r"^[a-z_]{0,12}$")
