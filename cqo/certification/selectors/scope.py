"""Reads of the certification app, always through the scope here (SPEC §1: a certification body
sees the applications sent to it and the certificates it issued; its experts the applications
of their panels; the supervising regulator (§7.3) reads its bodies' records; a CQO their own; an
enterprise clerk those of its organisation; the public one certificate by its number)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cqo.accounts.access import NOTHING, region_q
from cqo.accounts.models import Role
from cqo.audit.models import AuditEntry
from cqo.certification import rules
from cqo.certification.models import (
    Appeal,
    Application,
    BodyMember,
    CertificationBody,
    Expert,
    LevelCertificate,
    PanelMember,
    Recommendation,
    Reminder,
    SupervisionAction,
)
from cqo.lib import clock
from cqo.policy import schema
from cqo.policy.models import PackVersion
from cqo.policy.selectors import certification_pack
from cqo.registry.models import Appointment, Enterprise, Person

if TYPE_CHECKING:
    from cqo.lib.db import Select

APPLICATION = "level_application"
CERTIFICATE = "level_certificate"
BODY = "certification_body"
EXPERT = "certification_expert"
RECOMMENDATION = "level_recommendation"


# Who acts for which body -----------------------------------------------------------------------


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def staff_body(user: Any) -> CertificationBody | None:
    """The body a ``certifier`` login works for as staff."""
    if not _active(user) or user.role != Role.CERTIFIER:
        return None
    cached: CertificationBody | bool | None = getattr(user, "_cert_staff_body", False)
    if cached is not False:
        return cached if isinstance(cached, CertificationBody) else None
    member = BodyMember.objects.filter(user=user, body__active=True).select_related("body").first()
    found = member.body if member else None
    user._cert_staff_body = found
    return found


def expert_of(user: Any) -> Expert | None:
    if not _active(user) or user.role != Role.CERTIFIER:
        return None
    return Expert.objects.filter(user=user, active=True).select_related("body").first()


def is_staff_of(user: Any, body: CertificationBody | None) -> bool:
    """Whether the user acts for ``body``; nobody acts for a migrated certificate's body that
    is not registered on the platform (None)."""
    found = staff_body(user)
    return found is not None and body is not None and found.pk == body.pk


def is_admin(user: Any) -> bool:
    return _active(user) and user.is_platform_admin


def is_supervisor(user: Any) -> bool:  # the §7.3 supervising authority (a regulator)
    return _active(user) and user.role == Role.REGULATOR and user.region_id is not None


def may_read_bodies(user: Any) -> bool:
    """Who opens the 认定主体 pages: the platform admin, a body's staff, a supervising
    regulator; not an expert, who sees the applications of their panels only."""
    return is_admin(user) or staff_body(user) is not None or is_supervisor(user)


# Scope -------------------------------------------------------------------------------------------


def application_q(user: Any, prefix: str = "") -> Q:
    p = f"{prefix}__" if prefix else ""
    if not _active(user):
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.CERTIFIER:
        body = staff_body(user)
        q = Q(**{f"{p}body": body}) if body else NOTHING
        expert = expert_of(user)
        if expert is not None:
            q |= Q(**{f"{p}panel__expert": expert})
        return q
    if user.role == Role.REGULATOR and user.region_id:
        return Q(**{f"{p}body__supervising_region_id": user.region_id})
    if user.role == Role.CQO:
        return Q(**{f"{p}person__user": user})
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        # only applications naming the clerk's enterprise that the enterprise agreed to: one
        # that filed the applicant's appointment or recommended them (level-standard §9.1 b;
        # SPEC §12.21); naming an enterprise is not enough to reach its clerk
        return Q(**{f"{p}enterprise_id": user.enterprise_id}) & agreed_q(p)
    return NOTHING


# an application still on its way (not certified, refused or withdrawn)
OPEN_APPLICATION = (
    Application.Status.DRAFT,
    Application.Status.SUBMITTED,
    Application.Status.RETURNED,
    Application.Status.ACCEPTED,
    Application.Status.ASSESSING,
    Application.Status.GRADED,
)


def agreed_q(p: str = "") -> Q:
    """Applications whose named enterprise agreed to the applicant: it filed an appointment of
    theirs (at any time) or recommended them (even if since withdrawn: it agreed when the
    application was made)."""
    filed = Appointment.objects.filter(
        person=OuterRef(f"{p}person"), enterprise=OuterRef(f"{p}enterprise"), filed_at__isnull=False
    )
    recommended = Recommendation.objects.filter(
        person=OuterRef(f"{p}person"), enterprise=OuterRef(f"{p}enterprise")
    )
    return Q(Exists(filed)) | Q(Exists(recommended))


def enterprise_agrees(person: Person, enterprise: Enterprise) -> bool:
    """Whether ``person`` may name ``enterprise`` on an application now: it has a filed
    appointment of theirs in force, or an open recommendation of them (level-standard §9.1 b;
    SPEC §12.21: a prospective CQO needs the organisation's recommendation)."""
    return (
        Appointment.objects.filter(
            person=person, enterprise=enterprise, status=Appointment.Status.FILED
        ).exists()
        or open_recommendation(person, enterprise) is not None
    )


def open_recommendation(person: Person, enterprise: Enterprise) -> Recommendation | None:
    return Recommendation.objects.filter(
        person=person, enterprise=enterprise, withdrawn_at__isnull=True
    ).first()


def recommendation_list(*, user: Any) -> QuerySet[Recommendation]:
    """A clerk's enterprise's recommendations; a CQO's own; all for the platform admin."""
    qs = Recommendation.objects.select_related("enterprise", "person", "created_by")
    if not _active(user):
        return qs.none()
    if user.is_platform_admin:
        return qs
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return qs.filter(enterprise_id=user.enterprise_id)
    if user.role == Role.CQO:
        return qs.filter(person__user=user)
    return qs.none()


def recommendation_get(*, user: Any, public_id: Any) -> Recommendation:
    found = recommendation_list(user=user).filter(public_id=_uuid(public_id)).first()
    if found is None:
        raise Http404
    return found


def certificate_q(user: Any) -> Q:
    if not _active(user):
        return NOTHING
    if user.is_platform_admin:
        return Q()
    if user.role == Role.CERTIFIER:
        body = staff_body(user)
        return Q(body=body) if body else NOTHING
    if user.role == Role.REGULATOR and user.region_id:
        # a migrated certificate may name no registered body: the regulators of its holder's
        # region (who migrated it) see it, as they see a migrated training certificate
        migrated = Q(application__isnull=True) & region_q(user, "holder__region")
        return Q(body__supervising_region_id=user.region_id) | migrated
    if user.role == Role.CQO:
        return Q(holder__user=user)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return Q(enterprise_id=user.enterprise_id)
    return NOTHING


def _uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def application_list(
    *, user: Any, status: str = "", level: str = "", q: str = "", body: str = ""
) -> QuerySet[Application]:
    qs = Application.objects.filter(application_q(user)).select_related(
        "person", "enterprise", "body"
    )
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level_applied=level)
    if body:
        qs = qs.filter(body__code=body)
    if q:
        qs = qs.filter(Q(person__name__icontains=q) | Q(enterprise__name__icontains=q))
    # the expert filter joins panels: keep one row per application
    return qs.distinct().order_by("-submitted_at", "-created_at", "-pk")


def application_get(*, user: Any, public_id: Any) -> Application:
    found = (
        Application.objects.filter(application_q(user), public_id=_uuid(public_id))
        .select_related("person", "enterprise", "body", "pack_version")
        .first()
    )
    if found is None:
        raise Http404
    return found


def panel_of(app: Application) -> list[PanelMember]:
    return list(app.panel.select_related("expert", "expert__user"))


def my_seat(user: Any, app: Application) -> PanelMember | None:
    expert = expert_of(user)
    if expert is None:
        return None
    return app.panel.filter(expert=expert).select_related("expert").first()


def certificate_list(
    *, user: Any, status: str = "", level: str = "", q: str = ""
) -> QuerySet[LevelCertificate]:
    qs = LevelCertificate.objects.filter(certificate_q(user)).select_related(
        "holder", "enterprise", "body"
    )
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(holder__name__icontains=q) | Q(enterprise__name__icontains=q)
        )
    return qs.order_by("-issued_on", "-pk")


def _number(number: str) -> str:
    number = (number or "").strip().upper()
    if not rules.lookup_number_valid(number):
        raise Http404
    return number


def certificate_get(*, user: Any, number: str) -> LevelCertificate:
    found = (
        LevelCertificate.objects.filter(certificate_q(user), number=_number(number))
        .select_related("holder", "enterprise", "body", "application", "supersedes")
        .first()
    )
    if found is None:
        raise Http404
    return found


def appeal_found(public_id: uuid.UUID) -> Appeal:
    """An appeal by its public id, for the caller to check the scope of its application or
    certificate (it is visible only through them)."""
    found = (
        Appeal.objects.filter(public_id=public_id)
        .select_related("application", "action__certificate")
        .first()
    )
    if found is None:
        raise Http404
    return found


def action_found(public_id: uuid.UUID) -> SupervisionAction:
    """A supervision decision by its public id; its certificate's scope is the caller's check."""
    found = (
        SupervisionAction.objects.filter(public_id=public_id).select_related("certificate").first()
    )
    if found is None:
        raise Http404
    return found


def appeals_against_actions(cert: LevelCertificate) -> QuerySet[Appeal]:
    return Appeal.objects.filter(action__certificate=cert).select_related("action")


def member_found(body: CertificationBody, member_id: int) -> BodyMember:
    found = BodyMember.objects.filter(body=body, pk=member_id).first()
    if found is None:
        raise Http404
    return found


def public_certificate(number: str) -> LevelCertificate:
    """Public verification: no scope, only the exact number. One query: the certificate with
    the number of the one that superseded it (``successor_number``; ``supersedes`` is one-to-one,
    so there is at most one), nothing joined that the answer does not show. Written as SQL and
    prepared once per connection (cqo/lib/db.py): the busiest public lookup, and building the
    same statement with the ORM, or planning it, on every request costs more than running it."""
    from cqo.lib.db import select

    statement = select("certification.public_certificate", _public_select)
    row = statement.fetch_one([_number(number)])
    if row is None:
        raise Http404
    names = [f.attname for f in statement.fields]
    found = LevelCertificate.from_db(connection.alias, names, row[:-1])
    found.successor_number = row[-1]  # type: ignore[attr-defined]
    return found


def _public_select() -> Select:
    from cqo.lib.db import Select, columns

    qn = connection.ops.quote_name
    table = qn(LevelCertificate._meta.db_table)
    fields = list(LevelCertificate._meta.concrete_fields)
    sql = (
        f"SELECT {columns('c', fields)},"  # noqa: S608 (model names)
        f" (SELECT s.number FROM {table} s WHERE s.supersedes_id = c.id)"
        f" FROM {table} c WHERE c.number = %s"
    )
    return Select.build(sql, fields)


def successor_number(cert: LevelCertificate) -> str | None:
    """The number of the certificate that superseded ``cert`` (reissue), if any."""
    if hasattr(cert, "successor_number"):
        return cert.successor_number  # type: ignore[no-any-return]
    return LevelCertificate.objects.filter(supersedes=cert).values_list("number", flat=True).first()


def body_list(*, user: Any) -> QuerySet[CertificationBody]:
    if is_admin(user):
        return CertificationBody.objects.all()
    body = staff_body(user)
    if body is not None:
        return CertificationBody.objects.filter(pk=body.pk)
    expert = expert_of(user)
    if expert is not None:
        return CertificationBody.objects.filter(pk=expert.body_id)
    if is_supervisor(user):
        return CertificationBody.objects.filter(supervising_region_id=user.region_id)
    return CertificationBody.objects.none()


def body_get(*, user: Any, public_id: Any) -> CertificationBody:
    found = body_list(user=user).filter(public_id=_uuid(public_id)).first()
    if found is None:
        raise Http404
    return found


def open_bodies() -> QuerySet[CertificationBody]:
    """The bodies a CQO may apply to."""
    return CertificationBody.objects.filter(active=True).order_by("name")


# the standard of a body registered without choosing one, and of a migrated certificate whose
# body is not registered on the platform
DEFAULT_STANDARD: str = CertificationBody._meta.get_field("pack_slug").default


def standard(
    body: CertificationBody | None, on: dt.date | None = None
) -> tuple[PackVersion, schema.Pack]:
    """The certification pack version the body uses (SPEC §12.19) and its rules; with no
    registered body (a migrated certificate's), the default standard's."""
    from cqo.lib import clock
    from cqo.policy.selectors import governing_for_version

    version = certification_pack(body.pack_slug if body else DEFAULT_STANDARD, on)
    day = on or clock.today()
    return version, governing_for_version(version, day).rules


def spec_of(rules_: schema.Pack) -> schema.Certification:
    if rules_.certification is None:  # pragma: no cover (a certification pack has it)
        raise LookupError("the pack has no [certification] section")
    return rules_.certification


def spec_for(
    body: CertificationBody | None, on: dt.date | None = None
) -> tuple[PackVersion, schema.Pack, schema.Certification]:
    version, pack = standard(body, on or clock.today())
    return version, pack, spec_of(pack)


def reminders_for(user: Any) -> QuerySet[Reminder]:
    """A holder's own reminders; a clerk's for its enterprise."""
    if not _active(user):
        return Reminder.objects.none()
    if user.role == Role.CQO:
        return Reminder.objects.filter(
            certificate__holder__user=user, recipient=Reminder.Recipient.HOLDER
        ).select_related("certificate")
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return Reminder.objects.filter(
            certificate__enterprise_id=user.enterprise_id,
            recipient=Reminder.Recipient.ENTERPRISE,
        ).select_related("certificate", "certificate__holder")
    return Reminder.objects.none()


def own_person(user: Any) -> Person | None:
    if not _active(user):
        return None
    return Person.objects.filter(user=user).first()


def trail(target_type: str, public_id: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(public_id))


# For other apps -------------------------------------------------------------------------------


def certified_level(person: Person | int, on: dt.date) -> str | None:
    """The level of the person's certificate in force on ``on`` (the highest if several), or
    None. In force: issued on or before the day, not past its validity, and on that day neither
    superseded, suspended, discontinued, withdrawn nor void (a status change dated after the
    day did not yet apply). Read by the filing engine for ``filing.min_level``."""
    person_id = person if isinstance(person, int) else person.pk
    rows = LevelCertificate.objects.filter(
        holder_id=person_id, issued_on__lte=on, valid_until__gte=on
    ).filter(Q(status=LevelCertificate.Status.VALID) | Q(status_changed_on__gt=on))
    levels = [lv for lv in rows.values_list("level", flat=True) if lv in rules.LEVELS]
    return max(levels, key=rules.LEVELS.index) if levels else None


def uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return _uuid(value)
    except Http404:
        return None


def sheet_scores(seat: PanelMember) -> dict[str, Decimal]:
    return {c: Decimal(v) for c, v in (seat.scores or {}).items()}


def panel_preview(app: Application, panel: list[PanelMember]) -> dict[str, Any] | None:
    """What signing the report would record, for the panel leader to read first (§9.3.3;
    SPEC §12.5, §12.3): the experts' mean per cell, the first-level subtotals against their
    表 B.1 minimums, the total, the grade and the level awarded. None until every sheet is in."""
    if not panel or not all(s.submitted_at for s in panel):
        return None
    _version, _pack, spec = spec_for(app.body)
    means = rules.panel_scores(sheet_scores(s) for s in panel)
    grading = rules.grade(spec, means)
    return {
        "total": grading.total,
        "primaries": [(p, grading.subtotals.get(p.code), p.minimum) for p in rules.primaries(spec)],
        "unmet": grading.unmet,
        "grade": grading.grade or "",
        "awarded": rules.lowest(grading.grade, app.level_applied) or "",
    }
