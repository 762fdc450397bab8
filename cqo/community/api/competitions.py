"""The case competition over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.community import selectors, services
from cqo.community.api.converters import (
    _paged,
    competition_out,
    submission_out,
)
from cqo.community.api.schemas import (
    UUID,
    CompetitionIn,
    CompetitionOut,
    CompetitionPage,
    ScoreIn,
    SearchQuery,
    SubmissionIn,
    SubmissionOut,
    SubmissionPage,
)
from cqo.registry.api.common import actor

router = Router()

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
    terms = services.CompetitionTerms(
        title=body.title,
        region=body.region,
        description=body.description,
        submission_opens=body.submission_opens,
        submission_closes=body.submission_closes,
        judging_opens=body.judging_opens,
        judging_closes=body.judging_closes,
        awards=body.awards,
        criteria=tuple((c.name, c.max_points) for c in body.criteria),
        judges=tuple(body.judges),
    )
    return Status(201, competition_out(services.competition_create(actor=user, terms=terms), user))


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
    case = services.CaseTerms(
        title=body.title,
        method=body.method,
        case_text=body.case_text,
        results=body.results,
        enterprise=body.enterprise,
    )
    return Status(
        201, submission_out(services.submission_create(actor=user, competition=c, case=case))
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
    services.score_submit(actor=user, submission=s, points=body.sheet())
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
