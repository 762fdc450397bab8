"""The exchange and sharing space: posts, answers, the accepted answer, and moderation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.community import selectors
from cqo.community.models import Alliance, Answer, Post
from cqo.community.services._common import _audit, _clean, _person, _reason, _text
from cqo.lib import bounds
from cqo.lib.errors import Errors


@transaction.atomic
def post_create(*, actor: User, alliance: Alliance, kind: str, title: str, body: str) -> Post:
    """Members share articles and experience and ask questions (shaanxi-2021 §五(三)
    交流分享信息平台; jiangsu-2020 §七 经验分享)."""
    person = _person(actor)
    if not selectors.is_member(actor, alliance):
        raise PermissionDenied(_("只有该联盟的会员可以发布"))
    errors = Errors()
    kind = _clean(kind)
    if kind not in Post.Kind.values:
        errors.add("kind", _("请选择类型"))
    title = _text(errors, title, "title", _("标题"), Post)
    body = _text(errors, body, "body", _("正文"), Post)
    errors.raise_if_any()
    post = Post.objects.create(alliance=alliance, kind=kind, title=title, body=body, author=person)
    _audit(actor, post, "community_post", "create", {"kind": [None, kind], "title": [None, title]})
    return post


@transaction.atomic
def answer_create(*, actor: User, post: Post, body: str) -> Answer:
    person = _person(actor)
    if not selectors.is_member(actor, post.alliance):
        raise PermissionDenied(_("只有该联盟的会员可以回答"))
    if post.kind != Post.Kind.QUESTION:
        raise ValidationError({"post": _("只有问答可以回答")})
    if post.hidden:
        raise ValidationError({"post": _("该问题已被隐藏")})
    body = _clean(body)
    if not body:
        raise ValidationError({"body": _("请填写回答")})
    if message := bounds.too_long(Answer, "body", body):
        raise ValidationError({"body": message})
    answer = Answer.objects.create(post=post, author=person, body=body)
    _audit(actor, answer, "community_answer", "create", {"post": [None, str(post.public_id)]})
    return answer


@transaction.atomic
def answer_accept(*, actor: User, answer: Answer) -> Post:
    """The asker (or an officer) accepts one answer; accepting another replaces it."""
    post = (
        Post.objects.select_for_update()
        .select_related("alliance__region", "author")
        .get(pk=answer.post_id)
    )
    if not (post.author.user_id == actor.pk or selectors.can_moderate(actor, post.alliance)):
        raise PermissionDenied(_("只有提问人或联盟负责人可以采纳回答"))
    if answer.hidden:
        raise ValidationError({"answer": _("已隐藏的回答不能采纳")})
    before = str(post.accepted_answer.public_id) if post.accepted_answer else None
    post.accepted_answer = answer
    post.save(update_fields=["accepted_answer"])
    _audit(
        actor,
        post,
        "community_post",
        "update",
        {"accepted_answer": [before, str(answer.public_id)]},
    )
    return post


@transaction.atomic
def moderate(*, actor: User, target: Post | Answer, hide: bool, reason: str) -> Post | Answer:
    """Officers of the alliance (and its managing regulators) hide or show again a post or an
    answer, with a reason, audited."""
    alliance = target.alliance if isinstance(target, Post) else target.post.alliance
    if not selectors.can_moderate(actor, alliance):
        raise PermissionDenied(_("只有联盟负责人可以管理交流内容"))
    reason = _reason(reason)
    obj: Post | Answer
    if isinstance(target, Post):
        obj = Post.objects.select_for_update().get(pk=target.pk)
    else:
        obj = Answer.objects.select_for_update().get(pk=target.pk)
    if obj.hidden == hide:
        raise ValidationError({"hidden": _("内容已是隐藏状态") if hide else _("内容未被隐藏")})
    obj.hidden = hide
    obj.hidden_reason = reason if hide else ""
    obj.save(update_fields=["hidden", "hidden_reason"])
    if hide and isinstance(obj, Answer):
        Post.objects.filter(accepted_answer=obj).update(accepted_answer=None)
    kind = "community_post" if isinstance(obj, Post) else "community_answer"
    _audit(actor, obj, kind, "transition", {"hidden": [not hide, hide]}, note=reason)
    return obj
