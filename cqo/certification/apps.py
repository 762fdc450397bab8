from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.db.models import Q

if TYPE_CHECKING:
    from cqo.accounts.models import User
    from cqo.hours.rules import Continuing


class CertificationConfig(AppConfig):
    name = "cqo.certification"
    verbose_name = "能力水平认定"

    def ready(self) -> None:
        from cqo.certification import notices
        from cqo.notify import kinds

        # the notices this app sends (cqo.notify sits below it)
        for kind in notices.KINDS:
            kinds.declare(kind)

        from cqo.accounts import roles
        from cqo.blacklist import hooks
        from cqo.certification import selectors
        from cqo.certification.services import listing_notices_record, review_requests_open
        from cqo.hours import facts as hour_facts
        from cqo.registry import facts

        # filing.min_level names a capability level the person must hold (level-standard)
        facts.CAPABILITY_LEVEL.provide(
            lambda person_id, on: selectors.certified_level(person_id, on) or ""
        )
        # SPEC §12.15: an exit listing asks the body for a review, not an automatic suspension
        hooks.listen_to_exits("certification", review_requests_open)
        # level-standard §11: a warning listing notifies the body and shows on the certificate
        hooks.listen_to_warnings("certification", listing_notices_record)
        # level-standard §9.4.1.2: a holder's continuing education is part of yearly compliance
        hour_facts.CONTINUING.provide(_continuing)
        # the user menu names a body's expert 认定专家, not the body (认定机构)
        roles.provide("certification", _expert_label)


def _expert_label(user: User) -> str | None:
    from django.utils.translation import gettext

    from cqo.accounts.models import Role
    from cqo.certification import selectors

    if user.role != Role.CERTIFIER or selectors.staff_body(user) is not None:
        return None
    return gettext("认定专家") if selectors.expert_of(user) is not None else None


def _continuing(person_ids: Collection[int], on: dt.date) -> dict[int, Continuing]:
    """Holders of a certificate in force at some time in ``on``'s year (up to ``on``), with the
    continuing education their body's certification pack asks for (level-standard §9.4.1.2).
    A migrated certificate counts from its original issue date, whatever day it was migrated;
    for a year before its standard took effect, by the version it was recorded under."""
    from cqo.certification.models import LevelCertificate
    from cqo.certification.selectors.validity import certificate_spec
    from cqo.hours.rules import Continuing

    start = dt.date(on.year, 1, 1)
    certs = (
        LevelCertificate.objects.filter(
            holder_id__in=list(person_ids), issued_on__lte=on, valid_until__gte=start
        )
        .filter(Q(status=LevelCertificate.Status.VALID) | Q(status_changed_on__gte=start))
        .select_related("body", "pack_version__pack")
        .order_by("issued_on", "pk")
    )
    specs: dict[tuple[int | None, int], Continuing] = {}
    out: dict[int, Continuing] = {}
    for cert in certs:
        key = (cert.body_id, cert.pack_version_id)
        if key not in specs:
            spec = certificate_spec(cert, on)[2]
            specs[key] = Continuing(
                spec.continuing_hours, spec.continuing_trainings_organised, spec.continuing_clause
            )
        out[cert.holder_id] = specs[key]
    return out
