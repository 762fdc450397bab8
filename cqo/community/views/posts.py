"""Exchange-space pages: the alliance's posts, writing one, a post with its answers, and
answering, accepting and moderating."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqo.accounts.types import AuthedHttpRequest
from cqo.audit.selectors import audit_trail
from cqo.community import forms, selectors, services
from cqo.community.models import Answer, Post
from cqo.community.views import exports
from cqo.community.views._common import _act, _form_page, _q, _wants_xlsx
from cqo.lib.forms import apply_errors
from cqo.registry.views._common import page_of


@login_required
def post_list(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    kind = selectors.post_kind(request.GET.get("kind", ""))
    qs = selectors.post_list(user=request.user, alliance=alliance, q=_q(request), kind=kind)
    if _wants_xlsx(request):
        return exports.posts(request, qs)
    return render(
        request,
        "community/posts.html",
        {
            "a": alliance,
            "page": page_of(request, qs),
            "q": _q(request),
            "kind": kind,
            "kinds": Post.Kind.choices,
            "can_post": selectors.is_member(request.user, alliance),
        },
    )


@login_required
def post_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    alliance = selectors.alliance_get(user=request.user, public_id=public_id)
    if not selectors.is_member(request.user, alliance):
        raise PermissionDenied
    form = forms.PostForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            post = services.post_create(
                actor=request.user,
                alliance=alliance,
                kind=cd["kind"],
                title=cd["title"],
                body=cd["body"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布"))
            return redirect("community:post_detail", public_id=post.public_id)
    return _form_page(request, form, _("发布交流分享"), alliance)


@login_required
def post_detail(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    post = selectors.post_get(user=request.user, public_id=public_id)
    moderator = selectors.can_moderate(request.user, post.alliance)
    return render(
        request,
        "community/post_detail.html",
        {
            "p": post,
            "answers": selectors.answers(user=request.user, post=post),
            "moderator": moderator,
            "can_answer": selectors.can_answer(request.user, post),
            "can_accept": moderator or post.author.user_id == request.user.pk,
            "answer_form": forms.AnswerForm(),
            "trail": audit_trail(target_type="community_post", target_id=str(post.public_id))
            if moderator
            else None,
        },
    )


@login_required
@require_POST
def answer_create(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    post = selectors.post_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.answer_create(
            actor=request.user, post=post, body=request.POST.get("body", "")
        ),
        _("已回答"),
    )
    return redirect("community:post_detail", public_id=post.public_id)


@login_required
@require_POST
def answer_accept(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    answer = selectors.answer_get(user=request.user, public_id=public_id)
    _act(
        request,
        lambda: services.answer_accept(actor=request.user, answer=answer),
        _("已采纳该回答"),
    )
    return redirect("community:post_detail", public_id=answer.post.public_id)


@login_required
@require_POST
def moderate(request: AuthedHttpRequest, kind: str, public_id: str) -> HttpResponse:
    target: Post | Answer
    if kind == "post":
        target = post = selectors.post_get(user=request.user, public_id=public_id)
    else:
        target = selectors.answer_get(user=request.user, public_id=public_id)
        post = target.post
    _act(
        request,
        lambda: services.moderate(
            actor=request.user,
            target=target,
            hide=request.POST.get("action") == "hide",
            reason=request.POST.get("reason", ""),
        ),
        _("已更新显示状态"),
    )
    return redirect("community:post_detail", public_id=post.public_id)
