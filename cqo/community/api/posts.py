"""The exchange space over the API."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from cqo.accounts.api import ERRORS
from cqo.community import selectors, services
from cqo.community.api.converters import (
    _paged,
    answer_out,
    post_out,
)
from cqo.community.api.schemas import (
    UUID,
    AnswerIn,
    AnswerOut,
    ExchangePostIn,
    ModerateIn,
    PostOut,
    PostPage,
    PostQuery,
)
from cqo.registry.api.common import actor

router = Router()

# Exchange space -------------------------------------------------------------------------------


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
    p = services.post_create(
        actor=user, alliance=a, kind=body.kind, title=body.title, body=body.body
    )
    return Status(201, post_out(p))


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
