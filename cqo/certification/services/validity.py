"""Within validity (level-standard §9.4.1.2–§9.4.1.3, §11): continuing education, the body's
yearly review, the talent pool, reminders before expiry."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record
from cqo.certification import hooks, notices, rules, selectors
from cqo.certification.models import (
    Application,
    LevelCertificate,
    Reminder,
    YearlyReview,
)
from cqo.certification.selectors import continuing_status
from cqo.certification.services._common import (
    REASON_MIN,
    Errors,
    audit,
    bounded,
    require_staff,
    spec_for,
)
from cqo.certification.services.certificates import C
from cqo.lib import clock, parse
from cqo.lib.bounds import max_length
from cqo.notify.kinds import Notice, NoticeContext
from cqo.notify.services import notices_send
from cqo.policy.selectors import cite

# Within validity -------------------------------------------------------------------------------


@transaction.atomic
def yearly_review(
    *, actor: User, cert: LevelCertificate, year: int | None, summary: str, rating: str
) -> YearlyReview:
    """§11 认定主体每年应对首席质量官的履职情况、工作成效进行总结和评价."""
    cert = (
        LevelCertificate.objects.select_for_update(of=("self",))
        .select_related("body", "holder")
        .get(pk=cert.pk)
    )
    require_staff(actor, cert.body)
    errors = Errors()
    year = year or 0
    if not cert.issued_on.year <= year <= min(clock.today(), cert.valid_until).year:
        errors.add("year", _("年度应在证书有效期内且不晚于今年"))
    summary = bounded(
        errors,
        "summary",
        summary,
        minimum=REASON_MIN,
        maximum=max_length(YearlyReview, "summary"),
        message=_("请填写履职情况和工作成效（至少4个字）"),
    )
    rating = parse.text(rating)
    # the scale is the body's standard's (a platform default: §11 names none)
    ratings, _clause = selectors.review_ratings(cert.body)
    if rating not in dict(ratings):
        errors.add("rating", _("请选择评价"))
    errors.raise_if_any()
    if YearlyReview.objects.filter(certificate=cert, year=year).exists():
        raise ValidationError({"year": _("该年度已评价")})
    review = YearlyReview.objects.create(
        certificate=cert,
        year=year,
        summary=summary,
        rating=rating,
        continuing=continuing_status(cert, year),
        reviewed_by=actor,
    )
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "update",
        {f"review:{year}": [None, rating]},
        note=summary,
    )
    return review


def talent_recommend(*, actor: User, cert: LevelCertificate, reason: str) -> object:
    """§11 认定主体可推荐符合认定资格的首席质量官入选…人才库 (the talent pool does the write,
    cqo.certification.hooks)."""
    require_staff(actor, cert.body)
    if cert.status != C.VALID or cert.valid_until < clock.today():
        raise ValidationError({"reason": _("只能推荐持有效认定证书的首席质量官")})
    return hooks.recommend_to_talent_pool(actor=actor, person=cert.holder, reason=reason)


# Reminders (§9.4.1.3) --------------------------------------------------------------------------


@transaction.atomic
def send_reminders(day: dt.date) -> list[Reminder]:
    """Before expiry the holder and the enterprise are reminded to apply for re-certification,
    once per threshold of the pack's reminder_days (90, 30, 7); safe to run any number of times a
    day. A holder who already has an open application is not reminded."""
    from cqo.certification.models import CertificationBody

    created: list[Reminder] = []
    pending: list[Notice] = []
    horizon = day + dt.timedelta(days=366)
    # a migrated certificate whose body is not registered: by the default standard's thresholds
    bodies: list[CertificationBody | None] = [*CertificationBody.objects.all(), None]
    for body in bodies:
        _v, _p, spec = spec_for(body, day)
        certs = LevelCertificate.objects.filter(
            body=body, status=C.VALID, valid_until__gte=day, valid_until__lte=horizon
        ).select_related("holder", "enterprise")
        for cert in certs:
            days = rules.reminder_due(cert.valid_until, day, spec.reminder_days)
            if days is None:
                continue
            if Application.objects.filter(
                person=cert.holder,
                status__in=["submitted", "returned", "accepted", "assessing", "graded"],
            ).exists():
                continue
            message = _(
                "首席质量官能力水平认定证书 %(n)s（%(name)s，%(level)s）将于 %(until)s 到期，"
                "请在到期前申请再认定（%(clause)s）。"
            ) % {
                "n": cert.number,
                "name": cert.holder.name,
                "level": cert.level,
                "until": cert.valid_until.isoformat(),
                "clause": cite(spec.reminder_clause),  # as users read it
            }
            for recipient in Reminder.Recipient.values:
                if recipient == Reminder.Recipient.ENTERPRISE and cert.enterprise_id is None:
                    continue  # a migrated certificate names no registered organisation
                reminder, made = Reminder.objects.get_or_create(
                    certificate=cert,
                    recipient=recipient,
                    days_before=days,
                    defaults={"message": message, "sent_on": day},
                )
                if made:
                    created.append(reminder)
                    pending += _reminder_notices(reminder, cert)
    notices_send(notices=pending)
    if created:
        audit_record(
            actor=None,
            action="create",
            target_type="level_reminders",
            target_id=day.isoformat(),
            target_repr=_("再认定提醒"),
            changes={"count": [None, len(created)]},
        )
    return created


def _reminder_notices(reminder: Reminder, cert: LevelCertificate) -> list[Notice]:
    """The notices by which the reminder also goes by e-mail and SMS (cqo.notify), once: to the
    holder, or to the enterprise's clerks; the run records them all together."""
    pairs: list[tuple[User, str]] = []
    if reminder.recipient == Reminder.Recipient.HOLDER:
        holder = cert.holder
        if holder.user is not None:
            pairs.append((holder.user, holder.name))
    elif cert.enterprise is not None:
        clerks = User.objects.filter(
            enterprise=cert.enterprise, role=Role.ENTERPRISE, is_active=True
        )
        pairs += [(clerk, clerk.display_name or cert.enterprise.name) for clerk in clerks]
    return [
        Notice(
            recipient=user,
            kind=notices.RENEWAL_REMINDER,
            subject=f"{cert.number}:{reminder.recipient}:{reminder.days_before}",
            context=NoticeContext(
                name=name,
                what=reminder.message,
                action=_("请在证书到期前登录平台申请再认定。"),
                deadline=cert.valid_until,
            ),
            url=reverse("certification:certificate_detail", args=[cert.number]),
        )
        for user, name in pairs
    ]
