"""The public case library (SPEC §1 "public … read … the case library"): awarded cases of
published competitions; only the case, its enterprise and the CQO's name."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from cqo.community.models import Submission
from cqo.community.selectors.scope import PublicId, get_by_public_id


def library(*, q: str = "", method: str = "") -> QuerySet[Submission]:
    qs = Submission.objects.filter(
        competition__published_at__isnull=False,
        awarded=True,
        state=Submission.State.SUBMITTED,
    ).select_related("competition", "enterprise", "person")
    if q:
        qs = qs.filter(
            Q(title__contains=q)
            | Q(case_text__contains=q)
            | Q(results__contains=q)
            | Q(enterprise__name__contains=q)
        )
    if method:
        qs = qs.filter(method=method)
    return qs.order_by("-competition__published_at", "rank", "submitted_at", "public_id")


def case_method(raw: str) -> str:
    """The library's method filter from the query string; anything else lists every method."""
    return raw if raw in Submission.Method.values else ""


def library_get(public_id: PublicId) -> Submission:
    sub = get_by_public_id(Submission, public_id, "competition", "enterprise", "person")
    if not library().filter(pk=sub.pk).exists():
        raise Http404
    return sub
