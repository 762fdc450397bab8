"""Searching CQOs for the talent pool inside the viewer's scope (SPEC §8)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.reference.models import Industry, Region
from cqo.registry.models import Appointment, Person
from cqo.talent.models import TalentEntry

# what search() annotates on each person
ANNOTATIONS = (
    "pool_state",
    "pool_entry",
    "enterprise_name",
    "enterprise_region",
    "enterprise_industry",
    "certified_training",
)


def person_scope(user: Any) -> Q:
    """Regulators, departments and clerks search the persons they may see; a certification body
    the persons it recommended; the admin everyone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role == Role.CERTIFIER:
        return Q(pk__in=TalentEntry.objects.filter(recommended_by=user).values("person_id"))
    if user.is_platform_admin:
        return Q()
    if user.role == Role.REGULATOR:
        # the same persons as access.person_q, as an EXISTS per person rather than a join of
        # every appointment into an IN list (the search stays fast at a million persons)
        through = Appointment.objects.filter(person=OuterRef("pk")).filter(
            access.region_q(user, "enterprise__region")
        )
        return access.region_q(user, "region") | Q(Exists(through))
    return Q(pk__in=Person.objects.filter(access.person_q(user)).values("pk"))


def search(
    *,
    user: Any,
    q: str = "",
    region: str = "",
    industry: str = "",
    min_years: int | None = None,
    state: str = "",
    training: str = "",
) -> QuerySet[Person]:
    from cqo.training.models import TrainingCertificate

    latest_appt = (
        Appointment.objects.filter(person=OuterRef("pk"))
        .exclude(status=Appointment.Status.DRAFT)
        .order_by("-start_date")
    )
    latest_entry = TalentEntry.objects.filter(person=OuterRef("pk")).order_by("-created_at")
    qs = Person.objects.filter(person_scope(user)).annotate(
        pool_state=Subquery(latest_entry.values("state")[:1]),
        pool_entry=Subquery(latest_entry.values("public_id")[:1]),
        enterprise_name=Subquery(latest_appt.values("enterprise__name")[:1]),
        enterprise_region=Subquery(latest_appt.values("enterprise__region_id")[:1]),
        enterprise_industry=Subquery(latest_appt.values("enterprise__industry_id")[:1]),
        certified_training=Exists(
            TrainingCertificate.objects.filter(holder=OuterRef("pk"), status="valid")
        ),
    )
    if q:
        qs = qs.filter(name__contains=q)
    if region:
        # region codes of the subtree, so each test is an indexed IN on a foreign key rather
        # than a join through the region table for every person
        codes = list(
            Region.objects.filter(
                Q(code=region) | Q(city_code=region) | Q(province_code=region)
            ).values_list("code", flat=True)
        )
        in_region = Appointment.objects.filter(enterprise__region_id__in=codes).values("person_id")
        qs = qs.filter(Q(region_id__in=codes) | Q(pk__in=in_region))
    if industry:
        divisions = list(
            Industry.objects.filter(Q(code=industry) | Q(parent_id=industry)).values_list(
                "code", flat=True
            )
        )
        qs = qs.filter(
            pk__in=Appointment.objects.filter(enterprise__industry_id__in=divisions).values(
                "person_id"
            )
        )
    if min_years is not None:
        qs = qs.filter(quality_years__gte=min_years)
    if state == "none":
        qs = qs.filter(pool_state__isnull=True)
    elif state:
        qs = qs.filter(pool_state=state)
    if training == "yes":
        qs = qs.filter(certified_training=True)
    elif training == "no":
        qs = qs.filter(certified_training=False)
    return qs.order_by("name", "pk")


def entry_get(*, user: Any, public_id: Any) -> TalentEntry:
    try:
        entry = TalentEntry.objects.select_related(
            "person", "province", "recommended_by", "decided_by"
        ).get(public_id=public_id)
    except (TalentEntry.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if not Person.objects.filter(person_scope(user), pk=entry.person_id).exists() and not (
        getattr(user, "is_platform_admin", False)
    ):
        raise Http404
    return entry
