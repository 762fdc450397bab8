"""Training certificates migrated from a province's archive (培训合格证 printed before the
platform): recorded under their original number and dates, never as if issued on the platform."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.lib import clock, dates
from cqo.lib.bounds import too_long
from cqo.lib.errors import Errors
from cqo.policy.selectors import Governing
from cqo.registry.models import Person
from cqo.training import rules, selectors
from cqo.training.models import TrainingCertificate
from cqo.training.services._common import audit, governing


@dataclass(frozen=True, kw_only=True)
class MigratedCertificate:
    """What an archive holds of a certificate. ``tier`` is a tier code of the pack governing
    the holder's region ("" for a course outside its tiers, "其他")."""

    number: str
    holder: Person
    tier: str
    issuer_name: str
    issued_on: dt.date
    valid_until: dt.date | None = None


def _content(terms: MigratedCertificate, gov: Governing) -> dict[str, str]:
    """What the certificate says as far as the archive tells it. No ID number: it is verified
    publicly. ``origin`` says on every view that the platform did not issue it."""
    with translation.override(settings.LANGUAGE_CODE):
        content = {
            "number": terms.number,
            "holder": terms.holder.name,
            "holder_id": str(terms.holder.public_id),
            "tier": terms.tier,
            "tier_name": selectors.tier_name(gov, terms.tier),
            "issuer": terms.issuer_name,
            "issued_on": terms.issued_on.isoformat(),
            "origin": _("历史数据迁移：原证书由颁发机构在本平台启用前颁发"),
        }
        if terms.valid_until is not None:
            content["valid_until"] = terms.valid_until.isoformat()
        return content


def _check(errors: Errors, actor: User, terms: MigratedCertificate) -> Governing | None:
    holder = terms.holder
    if not rules.legacy_number_valid(terms.number):
        if rules.NUMBER_RE.fullmatch(terms.number):
            errors.add("number", _("编号与本平台颁发证书的编号格式相同，无法区分，请核对"))
        else:
            errors.add("number", _("证书编号应为4–32位字母、数字或连字符"))
    elif TrainingCertificate.objects.filter(number=terms.number).exists():
        errors.add("number", _("证书编号已存在"))
    if not terms.issuer_name:
        errors.add("issuer_name", _("请填写颁发机构"))
    elif message := too_long(TrainingCertificate, "issuer_name", terms.issuer_name):
        errors.add("issuer_name", message)
    if message := dates.EVENT.error(terms.issued_on):
        errors.add("issued_on", message)
    elif terms.issued_on > clock.today():
        errors.add("issued_on", _("发证日期不能晚于今天"))
    if terms.valid_until is not None:
        if message := dates.TERM.error(terms.valid_until):
            errors.add("valid_until", message)
        elif terms.valid_until < terms.issued_on:
            errors.add("valid_until", _("有效期至不能早于发证日期"))
    if holder.region is None:
        errors.add("holder", _("持证人未登记行政区划，无法确定适用的培训层级"))
        return None
    if not actor.is_platform_admin and not access.region_contains(actor, holder.region):
        errors.add("holder", _("持证人不在您的辖区内"))
        return None
    gov = governing(holder.region)
    if terms.tier and terms.tier not in {t.code for t in selectors.pack_tiers(gov.rules)}:
        errors.add("tier", _("%(pack)s未规定该培训层级") % {"pack": gov.label})
    return gov


@transaction.atomic
def certificate_migrate(
    *, actor: User, terms: MigratedCertificate, origin_note: str
) -> TrainingCertificate:
    """A training certificate from a province's archive, kept with its original number, issuer
    and dates. The holder must be registered already and lie in the actor's scope (a platform
    admin, or a regulator whose subtree holds the holder's region); the tier must be one the pack
    governing that region names. It has no enrolment, course or issuing account, so it is told
    apart from one issued on the platform; the trail records it under the migrating user with
    ``origin_note`` (the file and row it came from)."""
    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门和平台管理员可以迁移历史培训合格证"))
    errors = Errors()
    gov = _check(errors, actor, terms)
    if gov is None or errors.errors:  # without a pack, _check has reported why
        errors.raise_if_any()
        raise ValidationError({"holder": _("无法确定适用的政策包")})
    content = _content(terms, gov)
    cert = TrainingCertificate(
        number=terms.number,
        holder=terms.holder,
        tier=terms.tier,
        issuer_name=terms.issuer_name,
        issued_on=terms.issued_on,
        valid_until=terms.valid_until,
        pack_version=gov.version,
        content=content,
        content_hash=rules.content_hash(content),
    )
    try:
        with transaction.atomic():
            cert.save()
    except IntegrityError as exc:  # the same number saved concurrently
        raise ValidationError({"number": _("证书编号已存在")}) from exc
    audit(
        actor,
        selectors.CERTIFICATE,
        cert,
        "create",
        {
            "number": [None, cert.number],
            "holder": [None, terms.holder.name],
            "issued_on": [None, content["issued_on"]],
            "content_hash": [None, cert.content_hash],
        },
        note=origin_note,
    )
    return cert
