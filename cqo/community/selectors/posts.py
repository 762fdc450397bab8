"""Reading an alliance's exchange space: hidden posts and answers are for the moderators and
their authors only."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cqo.accounts.models import User
from cqo.community.models import Alliance, Answer, Post
from cqo.community.selectors.alliances import (
    alliance_get,
    can_moderate,
    can_read_space,
    is_member,
)
from cqo.community.selectors.scope import PublicId, get_by_public_id, person_of


def post_list(*, user: User, alliance: Alliance, q: str = "", kind: str = "") -> QuerySet[Post]:
    if not can_read_space(user, alliance):
        raise Http404
    qs = alliance.posts.select_related("author")
    if not can_moderate(user, alliance):
        person = person_of(user)
        qs = qs.filter(Q(hidden=False) | Q(author=person))
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(body__contains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        answer_count=Count("answers", filter=Q(answers__hidden=False), distinct=True)
    ).order_by("-created_at", "-pk")


def post_kind(raw: str) -> str:
    """The list's kind filter from the query string; anything else lists every kind."""
    return raw if raw in Post.Kind.values else ""


def post_get(*, user: User, public_id: PublicId) -> Post:
    post = get_by_public_id(Post, public_id, "alliance__region", "author", "accepted_answer")
    alliance = alliance_get(user=user, public_id=post.alliance.public_id)
    if not can_read_space(user, alliance):
        raise Http404
    if post.hidden and not (can_moderate(user, alliance) or post.author.user_id == user.pk):
        raise Http404
    return post


def can_answer(user: User, post: Post) -> bool:
    return post.kind == Post.Kind.QUESTION and not post.hidden and is_member(user, post.alliance)


def answers(*, user: User, post: Post) -> QuerySet[Answer]:
    qs = post.answers.select_related("author")
    if not can_moderate(user, post.alliance):
        person = person_of(user)
        qs = qs.filter(Q(hidden=False) | Q(author=person))
    return qs.order_by("created_at", "pk")


def answer_get(*, user: User, public_id: PublicId) -> Answer:
    answer = get_by_public_id(Answer, public_id, "post__alliance__region", "author")
    post_get(user=user, public_id=answer.post.public_id)
    if answer.hidden and not (
        can_moderate(user, answer.post.alliance) or answer.author.user_id == user.pk
    ):
        raise Http404
    return answer
