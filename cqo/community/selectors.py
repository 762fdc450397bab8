"""Reading the community inside the viewer's scope (SPEC §1, §9).

An alliance or a case competition belongs to a region (province, city or county). Regulators
of that region or above manage it and see it (cqo.accounts.access.region_q); a CQO sees those
of the regions their enterprises or their registration lie in (the region itself, its city and
its province); a clerk those of their enterprise's regions; a judge the competitions they judge.
Everything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.community.models import (
    Alliance,
    Answer,
    Attachment,
    CaseCompetition,
    Event,
    Judge,
    Membership,
    Post,
    Registration,
    Submission,
)
from cqo.reference.models import Region
from cqo.registry.models import Appointment, Person

NOTHING = Q(pk__in=[])


def _authed(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def person_of(user: Any) -> Person | None:
    if not _authed(user) or user.role != Role.CQO:
        return None
    return Person.objects.filter(user=user).select_related("region").first()


def _chain(region: Region | None) -> set[str]:
    if region is None:
        return set()
    return {c for c in (region.code, region.city_code, region.province_code) if c}


def home_regions(user: Any) -> set[str]:
    """The region codes whose alliances a CQO or clerk sees: each region their enterprises (any
    non-draft appointment) or their registration lie in, with its city and province."""
    if not _authed(user):
        return set()
    codes: set[str] = set()
    if user.role == Role.CQO:
        person = person_of(user)
        if person is None:
            return set()
        codes |= _chain(person.region)
        appts = (
            Appointment.objects.filter(person=person)
            .exclude(status=Appointment.Status.DRAFT)
            .select_related("enterprise__region")
        )
        for appt in appts:
            codes |= _chain(appt.enterprise.region)
    elif user.role == Role.ENTERPRISE and user.enterprise_id is not None:
        codes |= _chain(user.enterprise.region)
    return codes


def can_manage(user: Any, region: Region) -> bool:
    """Regulators of the region or above (and the platform admin) manage its alliance or call."""
    if not _authed(user):
        return False
    if user.is_platform_admin:
        return True
    return user.role == Role.REGULATOR and access.region_contains(user, region)


def alliance_q(user: Any) -> Q:
    if not _authed(user):
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        return access.region_q(user, "region")
    if user.role in (Role.CQO, Role.ENTERPRISE):
        return Q(region_id__in=home_regions(user))
    return NOTHING


def alliance_list(*, user: Any, q: str = "") -> QuerySet[Alliance]:
    qs = Alliance.objects.filter(alliance_q(user)).select_related("region")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(region__name__contains=q))
    return qs.annotate(
        member_count=Count("memberships", filter=Q(memberships__state="approved"), distinct=True)
    ).order_by("region_id", "name", "pk")


def _get(model: Any, public_id: Any, **related: Any) -> Any:
    try:
        return model.objects.select_related(*related.get("sr", ())).get(public_id=public_id)
    except (model.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def alliance_get(*, user: Any, public_id: Any) -> Alliance:
    alliance: Alliance = _get(Alliance, public_id, sr=("region",))
    if not Alliance.objects.filter(alliance_q(user), pk=alliance.pk).exists():
        raise Http404
    return alliance


def membership_of(user: Any, alliance: Alliance) -> Membership | None:
    """The user's open (pending or approved) membership, if any."""
    person = person_of(user)
    if person is None:
        return None
    return (
        Membership.objects.filter(
            alliance=alliance, person=person, state__in=["pending", "approved"]
        )
        .order_by("-pk")
        .first()
    )


def is_member(user: Any, alliance: Alliance) -> bool:
    m = membership_of(user, alliance)
    return m is not None and m.state == Membership.State.APPROVED


def is_officer(user: Any, alliance: Alliance) -> bool:
    m = membership_of(user, alliance)
    return m is not None and m.state == Membership.State.APPROVED and m.role == "officer"


def can_moderate(user: Any, alliance: Alliance) -> bool:
    """The alliance's officers moderate its space; its managing regulators may too."""
    return is_officer(user, alliance) or can_manage(user, alliance.region)


def can_read_space(user: Any, alliance: Alliance) -> bool:
    """The exchange space is for members; the managing regulators read it too."""
    return is_member(user, alliance) or can_manage(user, alliance.region)


def member_list(*, user: Any, alliance: Alliance, q: str = "", state: str = "approved") -> Any:
    """The member directory: members and managers only; name and enterprise, nothing else."""
    if not (can_read_space(user, alliance)):
        raise Http404
    qs = Membership.objects.filter(alliance=alliance).select_related("person", "decided_by")
    if state and (state == "approved" or can_manage(user, alliance.region)):
        qs = qs.filter(state=state)
    elif not can_manage(user, alliance.region):
        qs = qs.filter(state="approved")
    if q:
        qs = qs.filter(person__name__contains=q)
    return qs.order_by("-role", "person__name", "pk")


def enterprise_name(person: Person) -> str:
    """The enterprise of the person's latest filed (else submitted) appointment."""
    appt = (
        Appointment.objects.filter(person=person)
        .exclude(status=Appointment.Status.DRAFT)
        .select_related("enterprise")
        .order_by("-start_date", "-pk")
        .first()
    )
    return appt.enterprise.name if appt else ""


def membership_get(*, user: Any, public_id: Any) -> Membership:
    m: Membership = _get(Membership, public_id, sr=("alliance__region", "person"))
    alliance_get(user=user, public_id=m.alliance.public_id)
    mine = m.person.user_id == getattr(user, "pk", None)
    if not (mine or can_manage(user, m.alliance.region) or is_member(user, m.alliance)):
        raise Http404
    return m


def my_community(user: Any) -> dict[str, Any] | None:
    """A CQO's own memberships, upcoming enrolments and cases (the index page's panel)."""
    person = person_of(user)
    if person is None:
        return None
    from django.utils import timezone

    return {
        "memberships": Membership.objects.filter(person=person)
        .exclude(state__in=["left"])
        .select_related("alliance")
        .order_by("-applied_at")[:20],
        "registrations": Registration.objects.filter(
            person=person, state="registered", event__ends_at__gte=timezone.now()
        )
        .select_related("event")
        .order_by("event__starts_at")[:20],
        "submissions": Submission.objects.filter(person=person)
        .select_related("competition")
        .order_by("-submitted_at")[:20],
    }


# Events ---------------------------------------------------------------------------------------


def event_list(*, user: Any, alliance: Alliance | None = None, q: str = "") -> QuerySet[Event]:
    qs = Event.objects.filter(alliance__in=Alliance.objects.filter(alliance_q(user)))
    if alliance is not None:
        qs = qs.filter(alliance=alliance)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(venue__contains=q))
    return (
        qs.select_related("alliance")
        .annotate(
            registered=Count(
                "registrations", filter=Q(registrations__state="registered"), distinct=True
            )
        )
        .order_by("-starts_at", "pk")
    )


def event_get(*, user: Any, public_id: Any) -> Event:
    event: Event = _get(Event, public_id, sr=("alliance__region",))
    alliance_get(user=user, public_id=event.alliance.public_id)
    return event


def registrations(event: Event) -> QuerySet[Registration]:
    return event.registrations.select_related("person", "study_record").order_by(
        "registered_at", "pk"
    )


def registration_of(user: Any, event: Event) -> Registration | None:
    person = person_of(user)
    if person is None:
        return None
    return event.registrations.filter(person=person).first()


def registration_get(*, user: Any, public_id: Any) -> Registration:
    reg: Registration = _get(Registration, public_id, sr=("event__alliance__region", "person"))
    event_get(user=user, public_id=reg.event.public_id)
    if not (
        reg.person.user_id == getattr(user, "pk", None)
        or can_manage(user, reg.event.alliance.region)
    ):
        raise Http404
    return reg


# Exchange space -------------------------------------------------------------------------------


def post_list(*, user: Any, alliance: Alliance, q: str = "", kind: str = "") -> QuerySet[Post]:
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


def post_get(*, user: Any, public_id: Any) -> Post:
    post: Post = _get(Post, public_id, sr=("alliance__region", "author", "accepted_answer"))
    alliance = alliance_get(user=user, public_id=post.alliance.public_id)
    if not can_read_space(user, alliance):
        raise Http404
    if post.hidden and not (
        can_moderate(user, alliance) or post.author.user_id == getattr(user, "pk", None)
    ):
        raise Http404
    return post


def answers(*, user: Any, post: Post) -> QuerySet[Answer]:
    qs = post.answers.select_related("author")
    if not can_moderate(user, post.alliance):
        person = person_of(user)
        qs = qs.filter(Q(hidden=False) | Q(author=person))
    return qs.order_by("created_at", "pk")


def answer_get(*, user: Any, public_id: Any) -> Answer:
    answer: Answer = _get(Answer, public_id, sr=("post__alliance__region", "author"))
    post_get(user=user, public_id=answer.post.public_id)
    if answer.hidden and not (
        can_moderate(user, answer.post.alliance)
        or answer.author.user_id == getattr(user, "pk", None)
    ):
        raise Http404
    return answer


# Case competition -----------------------------------------------------------------------------


def competition_q(user: Any) -> Q:
    if not _authed(user):
        return NOTHING
    if user.is_platform_admin:
        return Q()
    judged = Q(pk__in=Judge.objects.filter(user=user).values("competition_id"))
    if user.role == Role.REGULATOR:
        return access.region_q(user, "region") | judged
    if user.role in (Role.CQO, Role.ENTERPRISE):
        return Q(region_id__in=home_regions(user)) | judged
    return judged


def competition_list(*, user: Any, q: str = "") -> QuerySet[CaseCompetition]:
    qs = CaseCompetition.objects.filter(competition_q(user)).select_related("region")
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(region__name__contains=q))
    return qs.annotate(
        entries=Count("submissions", filter=Q(submissions__state="submitted"), distinct=True)
    ).order_by("-submission_opens", "-pk")


def competition_get(*, user: Any, public_id: Any) -> CaseCompetition:
    comp: CaseCompetition = _get(CaseCompetition, public_id, sr=("region",))
    if not CaseCompetition.objects.filter(competition_q(user), pk=comp.pk).exists():
        raise Http404
    return comp


def judge_of(user: Any, competition: CaseCompetition) -> Judge | None:
    if not _authed(user):
        return None
    return Judge.objects.filter(competition=competition, user=user).first()


def sees_all_cases(user: Any, competition: CaseCompetition) -> bool:
    return can_manage(user, competition.region) or judge_of(user, competition) is not None


def submission_list(
    *, user: Any, competition: CaseCompetition, q: str = ""
) -> QuerySet[Submission]:
    qs = competition.submissions.select_related("person", "enterprise")
    if not sees_all_cases(user, competition):
        qs = qs.filter(person=person_of(user)) if person_of(user) else qs.none()
    else:
        qs = qs.filter(state=Submission.State.SUBMITTED)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(enterprise__name__contains=q))
    if competition.published_at is not None:
        return qs.order_by("rank", "submitted_at", "public_id")
    return qs.order_by("submitted_at", "pk")


def submission_get(*, user: Any, public_id: Any) -> Submission:
    sub: Submission = _get(
        Submission, public_id, sr=("competition__region", "person", "enterprise")
    )
    competition_get(user=user, public_id=sub.competition.public_id)
    mine = sub.person.user_id == getattr(user, "pk", None)
    if not (mine or sees_all_cases(user, sub.competition)):
        raise Http404
    return sub


def attachment_get(*, user: Any, public_id: Any) -> Attachment:
    att: Attachment = _get(Attachment, public_id, sr=("submission",))
    submission_get(user=user, public_id=att.submission.public_id)
    return att


# The public case library (SPEC §1 "public … read … the case library"): awarded cases of
# published competitions; only the case, its enterprise and the CQO's name.


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


def library_get(public_id: Any) -> Submission:
    sub: Submission = _get(Submission, public_id, sr=("competition", "enterprise", "person"))
    if not library().filter(pk=sub.pk).exists():
        raise Http404
    return sub
