"""Level certificates (level-standard §9.4): issue with the content frozen and hashed, and reissue;
the number of each from the body's sequence."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.certification import notices, rules, selectors
from cqo.certification.models import (
    Application,
    LevelCertificate,
    NumberSequence,
)
from cqo.certification.services._common import (
    REASON_MIN,
    Errors,
    audit,
    bounded,
    require_staff,
    spec_for,
)
from cqo.lib import clock, crypto, parse
from cqo.policy.models import PackVersion
from cqo.policy.selectors import cite
from cqo.registry.models import Enterprise
from cqo.training.sequences import next_in_sequence

C = LevelCertificate.Status
IN_FORCE = (C.VALID, C.SUSPENDED, C.DISCONTINUED)


def next_number(body_code: str, year: int) -> str:
    last = next_in_sequence(NumberSequence.objects, f"{body_code}-{year}")
    return rules.certificate_number(body_code, year, last)


def certificate_content(
    *,
    number: str,
    app: Application,
    enterprise: Enterprise,
    level: str,
    issued_on: dt.date,
    valid_until: dt.date,
    version: PackVersion,
    reissued_on: dt.date | None = None,
    supersedes: str = "",
) -> dict[str, str]:
    """What the certificate says (§9.4.1.1 a–f), as plain strings, frozen and hashed at issue.
    Nothing personal beyond the name: it is verified publicly."""
    with translation.override(settings.LANGUAGE_CODE):  # the certificate is in Chinese
        body = app.body
        return {
            "number": number,
            "holder": app.person.name,
            "holder_id": str(app.person.public_id),
            "organisation": enterprise.name,
            "level": level,
            "level_label": _("首席质量官能力水平 %(level)s 级") % {"level": level},
            "body": body.name,
            "body_uscc": body.uscc,
            "issued_on": issued_on.isoformat(),
            "valid_until": valid_until.isoformat(),
            "reissued_on": reissued_on.isoformat() if reissued_on else "",
            "supersedes": supersedes,
            "application": str(app.public_id),
            "total": format(app.total, "f") if app.total is not None else "",
            "standard": version.label,
            "basis": "level-standard §9.4.1.1, 附录B",
        }


def _supersede(actor: User, old: LevelCertificate, new_number: str, today: dt.date) -> None:
    before = old.status
    old.status = C.SUPERSEDED
    old.status_changed_on = today
    old.status_reason = _("由证书 %(n)s 替代") % {"n": new_number}
    old.save(update_fields=["status", "status_changed_on", "status_reason"])
    audit(
        actor,
        selectors.CERTIFICATE,
        old,
        "transition",
        {"status": [before, C.SUPERSEDED]},
        note=old.status_reason,
    )


def _certified(actor: User, app: Application, cert: LevelCertificate, *, note: str) -> None:
    app.status = Application.Status.CERTIFIED
    app.save(update_fields=["status", "updated_at"])
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "transition",
        {"status": [Application.Status.GRADED, app.status]},
        note=cert.number,
    )
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "create",
        {
            "number": [None, cert.number],
            "level": [None, cert.level],
            "valid_until": [None, cert.valid_until.isoformat()],
            "content_hash": [None, cert.content_hash],
        },
        note=note,
    )


@transaction.atomic
def certificate_issue(*, actor: User, app: Application) -> LevelCertificate:
    """认定证书 for a graded application (§9.4.1.1). The holder's earlier certificates in force
    are superseded: an upgrade or re-certification replaces them (SPEC §12.3)."""
    app = (
        Application.objects.select_for_update()
        .select_related("body", "person", "enterprise")
        .get(pk=app.pk)
    )
    require_staff(actor, app.body)
    if app.status != Application.Status.GRADED or not app.awarded_level:
        raise ValidationError({"status": _("认定报告签署并评定等级后才能发证")})
    version, _pack, spec = spec_for(app.body)
    today = clock.today()
    number = next_number(app.body.code, today.year)
    until = rules.valid_until(today, spec.validity_years)
    earlier = list(
        LevelCertificate.objects.select_for_update().filter(holder=app.person, status__in=IN_FORCE)
    )
    content = certificate_content(
        number=number,
        app=app,
        enterprise=app.enterprise,
        level=app.awarded_level,
        issued_on=today,
        valid_until=until,
        version=version,
        supersedes="、".join(c.number for c in earlier),
    )
    cert = LevelCertificate.objects.create(
        number=number,
        application=app,
        holder=app.person,
        enterprise=app.enterprise,
        body=app.body,
        level=app.awarded_level,
        issued_on=today,
        valid_until=until,
        pack_version=version,
        content=content,
        content_hash=rules.content_hash(content),
        content_sm2=crypto.content_signature(rules.content_hash(content)),
        issued_by=actor,
    )
    for old in earlier:
        _supersede(actor, old, number, today)
    # the trail cites the standard as users read it (SPEC §12.24)
    _certified(actor, app, cert, note=cite(spec.validity_clause))
    notices.decided(app, certificate_number=cert.number)
    return cert


def _employer(errors: Errors, current: Enterprise, uscc: str) -> Enterprise:
    """The organisation the reissued certificate names: a new employer by its USCC, else the
    same one."""
    uscc = parse.code(uscc)
    if not uscc:
        return current
    found = Enterprise.objects.filter(uscc=uscc).first()
    if found is None:
        errors.add("enterprise", _("该统一社会信用代码的企业未在平台登记"))
        return current
    return found


def _reissued(
    actor: User, cert: LevelCertificate, app: Application, target: Enterprise, today: dt.date
) -> LevelCertificate:
    """The new certificate: the next revision of the number, the same level, date and expiry."""
    original = rules.original_number(cert.number)
    revision = LevelCertificate.objects.filter(
        Q(number=original) | Q(number__startswith=f"{original}-R")
    ).count()
    number = rules.reissue_number(cert.number, revision)
    content = certificate_content(
        number=number,
        app=app,
        enterprise=target,
        level=cert.level,
        issued_on=cert.issued_on,
        valid_until=cert.valid_until,
        version=cert.pack_version,
        reissued_on=today,
        supersedes=cert.number,
    )
    return LevelCertificate.objects.create(
        number=number,
        application=app,
        holder=cert.holder,
        enterprise=target,
        body=cert.body,
        level=cert.level,
        issued_on=cert.issued_on,
        valid_until=cert.valid_until,
        pack_version=cert.pack_version,
        content=content,
        content_hash=rules.content_hash(content),
        content_sm2=crypto.content_signature(rules.content_hash(content)),
        supersedes=cert,
        issued_by=actor,
    )


@transaction.atomic
def certificate_reissue(
    *, actor: User, cert: LevelCertificate, reason: str, enterprise: str = ""
) -> LevelCertificate:
    """A correction, or a change of employer at the holder's request (SPEC §12.16): a new
    certificate with the revision of the same number, the same level, date and expiry, which
    supersedes the old one. The old content stays frozen and verifiable."""
    cert = (
        LevelCertificate.objects.select_for_update(of=("self",))
        .select_related("application", "body", "enterprise")
        .get(pk=cert.pk)
    )
    require_staff(actor, cert.body)
    app, current = cert.application, cert.enterprise
    if app is None or current is None:
        # migrated: a reissue is the body's platform certificate of an application; one printed
        # before the platform is replaced by re-certification (level-standard §9.4.1.3)
        raise ValidationError({"status": _("历史数据迁移的证书不能在平台换发，请申请再认定")})
    if cert.status != C.VALID or cert.valid_until < clock.today():
        raise ValidationError({"status": _("只有有效期内的有效证书可以换发")})
    errors = Errors()
    reason = bounded(
        errors,
        "reason",
        reason,
        minimum=REASON_MIN,
        message=_("请写明换发原因（至少4个字）"),
    )
    target = _employer(errors, current, enterprise)
    errors.raise_if_any()
    today = clock.today()
    new = _reissued(actor, cert, app, target, today)
    number = new.number
    _supersede(actor, cert, number, today)
    audit(
        actor,
        selectors.CERTIFICATE,
        new,
        "create",
        {
            "number": [None, number],
            "supersedes": [None, cert.number],
            "organisation": [current.name, target.name],
            "content_hash": [None, new.content_hash],
        },
        note=reason,
    )
    return new
