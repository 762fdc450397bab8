"""所在组织的推荐意见 (level-standard §9.1 b): the enterprise itself recommends a registered person
for certification. A prospective CQO (SPEC §12.21) may name on an application only an
enterprise that recommended them, so no enterprise is named, and no clerk shown an application,
without the enterprise's agreement."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.certification import selectors
from cqo.certification.models import Application, Recommendation
from cqo.certification.services._common import REASON_MIN, Errors, audit
from cqo.lib.bounds import too_long
from cqo.reference import validators
from cqo.registry.models import Person
from cqo.registry.selectors import NO_SUCH_PERSON, person_by_identity


def _require_clerk(actor: User) -> int:
    """The clerk's enterprise (its primary key)."""
    if not (actor.is_active and actor.role == Role.ENTERPRISE and actor.enterprise_id):
        raise PermissionDenied(_("只有企业经办人可以代表本单位出具推荐意见"))
    return actor.enterprise_id


def _person(errors: Errors, id_number: str, person_name: str) -> Person | None:
    """By ID number and name, as the clerk finds a person to appoint (keyed-hash lookup)."""
    facts = errors.run("id_number", validators.validate_id_number, id_number.strip()[:18])
    if facts is None:
        return None
    # one answer for an unknown number and a wrong name (registry.selectors.person_by_identity)
    person = person_by_identity(id_number=facts.number, name=person_name)
    if person is None:
        errors.add("id_number", str(NO_SUCH_PERSON))
    return person


@transaction.atomic
def recommendation_create(
    *, actor: User, id_number: str, person_name: str, opinion: str, recommender: str
) -> Recommendation:
    """The clerk recommends a registered person on behalf of the enterprise, with the opinion
    and the name of the head of the organisation who signs it (§9.1 b)."""
    enterprise_id = _require_clerk(actor)
    errors = Errors()
    person = _person(errors, id_number, person_name)
    opinion = opinion.replace("\x00", "").strip()
    recommender = recommender.replace("\x00", "").strip()
    if len(opinion) < REASON_MIN:
        errors.add("opinion", _("请填写推荐意见（至少4个字）"))
    elif message := too_long(Recommendation, "opinion", opinion):
        errors.add("opinion", message)
    if not recommender:
        errors.add("recommender", _("请填写推荐人（单位负责人）"))
    elif message := too_long(Recommendation, "recommender", recommender):
        errors.add("recommender", message)
    errors.raise_if_any()
    assert person is not None  # noqa: S101  (errors raised above otherwise)
    found = Recommendation(
        enterprise_id=enterprise_id,
        person=person,
        opinion=opinion,
        recommender=recommender,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            found.save()
    except IntegrityError as exc:  # an open one exists (or a concurrent twin)
        raise ValidationError(
            {"id_number": _("本单位已推荐%(name)s，尚未撤回") % {"name": person.name}}
        ) from exc
    audit(
        actor,
        selectors.RECOMMENDATION,
        found,
        "create",
        {"person": [None, person.name], "recommender": [None, recommender]},
        note=opinion,
    )
    return found


@transaction.atomic
def recommendation_withdraw(*, actor: User, recommendation: Recommendation) -> Recommendation:
    """The enterprise takes its recommendation back. Not while an application of the person
    naming the enterprise is open: the body is assessing it on the strength of it."""
    enterprise_id = _require_clerk(actor)
    found = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if found.enterprise_id != enterprise_id:
        raise PermissionDenied(_("只能撤回本单位的推荐意见"))
    if found.withdrawn_at is not None:
        raise ValidationError({"recommendation": _("该推荐意见已撤回")})
    if Application.objects.filter(
        person_id=found.person_id,
        enterprise_id=found.enterprise_id,
        status__in=selectors.OPEN_APPLICATION,
    ).exists():
        raise ValidationError(
            {"recommendation": _("该人员以本单位名义提出的认定申请尚未办结，不能撤回推荐意见")}
        )
    found.withdrawn_at = timezone.now()
    found.withdrawn_by = actor
    found.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit(actor, selectors.RECOMMENDATION, found, "transition", {"withdrawn": [False, True]})
    return found
