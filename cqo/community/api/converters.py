"""Model rows to the API's answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cqo.accounts.models import User
from cqo.community import selectors
from cqo.community.api.schemas import (
    UUID,
    AllianceOut,
    AnswerOut,
    CaseOut,
    CompetitionOut,
    CriterionOut,
    EventOut,
    MembershipOut,
    PostOut,
    RegistrationOut,
    StandingOut,
    SubmissionOut,
)
from cqo.community.models import (
    Alliance,
    Answer,
    CaseCompetition,
    Event,
    Membership,
    Post,
    Registration,
    Submission,
)
from cqo.registry.api.schemas import PageQuery

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


def competition_out(c: CaseCompetition, user: User) -> CompetitionOut:
    placed, missing = selectors.provisional_standings(user, c)
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
        phase=selectors.competition_phase(c),
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
