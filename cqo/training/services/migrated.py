"""Training certificates migrated from a province's archive (培训合格证 printed before the
platform): recorded under their original number and dates, never as if issued on the platform.

An archive holds tens of thousands of them, so they are checked and written a batch at a time:
the numbers already recorded in one query, the pack governing each region and the actor's scope
over it once per batch, the certificates and their audit entries stored together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import Plain, audit_records
from cqo.lib import clock, dates, inserts
from cqo.lib.bounds import too_long
from cqo.lib.errors import Errors
from cqo.policy.selectors import Governing, held_state
from cqo.reference.models import Region
from cqo.registry.models import Person
from cqo.training import rules, selectors
from cqo.training.models import TrainingCertificate
from cqo.training.services._common import governing


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


def _content(terms: MigratedCertificate, gov: Governing, origin: str) -> dict[str, str]:
    """What the certificate says as far as the archive tells it. No ID number: it is verified
    publicly. ``origin`` says on every view that the platform did not issue it. (Called in the
    platform's language: the certificate is in Chinese.)"""
    content = {
        "number": terms.number,
        "holder": terms.holder.name,
        "holder_id": str(terms.holder.public_id),
        "tier": terms.tier,
        "tier_name": selectors.tier_name(gov, terms.tier),
        "issuer": terms.issuer_name,
        "issued_on": terms.issued_on.isoformat(),
        "origin": origin,
    }
    if terms.valid_until is not None:
        content["valid_until"] = terms.valid_until.isoformat()
    return content


class _Checks:
    """What the checks of one batch ask the database, asked once: the numbers recorded, and for
    each region the pack governing it and whether it lies in the actor's scope."""

    def __init__(self, actor: User, numbers: set[str]) -> None:
        self.actor = actor
        self.admin = actor.is_platform_admin
        self.today = clock.today()
        self.recorded = set(
            TrainingCertificate.objects.filter(number__in=numbers).values_list("number", flat=True)
        )
        self.packs: dict[str, tuple[Governing, frozenset[str]]] = {}  # with its tiers' codes
        self.scope: dict[str, bool] = {}

    def governing(self, region: Region) -> tuple[Governing, frozenset[str]]:
        if region.code not in self.packs:
            gov = governing(region)
            self.packs[region.code] = (
                gov,
                frozenset(t.code for t in selectors.pack_tiers(gov.rules)),
            )
        return self.packs[region.code]

    def in_scope(self, region: Region) -> bool:
        if self.admin:
            return True
        if region.code not in self.scope:
            self.scope[region.code] = access.region_contains(self.actor, region)
        return self.scope[region.code]

    def check(self, errors: Errors, terms: MigratedCertificate) -> Governing | None:
        """The pack governing the holder's region, the problems in ``errors`` (None: the pack
        could not be found, and ``errors`` says why). A number checked here counts as recorded
        for the batch's later certificates."""
        holder = terms.holder
        if not rules.legacy_number_valid(terms.number):
            if rules.NUMBER_RE.fullmatch(terms.number):
                errors.add("number", _("编号与本平台颁发证书的编号格式相同，无法区分，请核对"))
            else:
                errors.add("number", _("证书编号应为4–32位字母、数字或连字符"))
        elif terms.number in self.recorded:
            errors.add("number", _("证书编号已存在"))
        self.recorded.add(terms.number)
        if not terms.issuer_name:
            errors.add("issuer_name", _("请填写颁发机构"))
        elif message := too_long(TrainingCertificate, "issuer_name", terms.issuer_name):
            errors.add("issuer_name", message)
        if message := dates.EVENT.error(terms.issued_on):
            errors.add("issued_on", message)
        elif terms.issued_on > self.today:
            errors.add("issued_on", _("发证日期不能晚于今天"))
        if terms.valid_until is not None:
            if message := dates.TERM.error(terms.valid_until):
                errors.add("valid_until", message)
            elif terms.valid_until < terms.issued_on:
                errors.add("valid_until", _("有效期至不能早于发证日期"))
        if holder.region is None:
            errors.add("holder", _("持证人未登记行政区划，无法确定适用的培训层级"))
            return None
        if not self.in_scope(holder.region):
            errors.add("holder", _("持证人不在您的辖区内"))
            return None
        gov, tiers = self.governing(holder.region)
        if terms.tier and terms.tier not in tiers:
            errors.add("tier", _("%(pack)s未规定该培训层级") % {"pack": gov.label})
        return gov


def migrated_certificate_problems(
    *, actor: User, terms: Sequence[MigratedCertificate]
) -> list[dict[str, list[str]]]:
    """What ``certificates_migrate`` refuses in each certificate of a batch, by field, in its
    words (empty for one it takes); nothing is written. A number a certificate before it in the
    batch gives counts as recorded."""
    with held_state():
        checks = _Checks(actor, {t.number for t in terms})
        found = []
        for one in terms:
            errors = Errors()
            checks.check(errors, one)
            found.append(errors.errors)
        return found


@transaction.atomic
def certificates_migrate(
    *, actor: User, items: Sequence[tuple[MigratedCertificate, str]]
) -> list[TrainingCertificate]:
    """Training certificates from a province's archive, each kept with its original number,
    issuer and dates, and ``origin_note`` (the file and row it came from) on its audit entry:
    ``items`` gives (certificate, origin note), the certificates come back in their order. Each
    holder must be registered already and lie in the actor's scope (a platform admin, or a
    regulator whose subtree holds the holder's region); each tier must be one the pack governing
    that region names. A certificate has no enrolment, course or issuing account, so it is told
    apart from one issued on the platform; the trail records it under the migrating user. One
    certificate refused (``migrated_certificate_problems``) and none is written: its problems
    are raised."""
    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门和系统管理员可以迁移历史培训合格证"))
    if not items:
        return []
    packs: list[Governing] = []
    with held_state():
        checks = _Checks(actor, {terms.number for terms, _note in items})
        for terms, _note in items:
            errors = Errors()
            gov = checks.check(errors, terms)
            if gov is None or errors.errors:  # without a pack, check has reported why
                errors.raise_if_any()
                raise ValidationError({"holder": _("无法确定适用的政策包")})
            packs.append(gov)
    certs: list[TrainingCertificate] = []
    audited: list[tuple[str, str, dict[str, Plain], str]] = []
    with translation.override(settings.LANGUAGE_CODE):  # the certificate is in Chinese
        origin = _("历史数据迁移：原证书由颁发机构在本平台启用前颁发")
        for (terms, note), gov in zip(items, packs, strict=True):
            content = _content(terms, gov, origin)
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
            certs.append(cert)
            changes: dict[str, Plain] = {
                "number": [None, cert.number],
                "holder": [None, terms.holder.name],
                "issued_on": [None, content["issued_on"]],
                "content_hash": [None, cert.content_hash],
            }
            audited.append((str(cert.public_id), str(cert), changes, note))
    try:
        with transaction.atomic():
            _insert(certs)
    except IntegrityError as exc:  # a number saved concurrently
        raise ValidationError({"number": _("证书编号已存在")}) from exc
    audit_records(actor=actor, action="create", target_type=selectors.CERTIFICATE, items=audited)
    return certs


# What a migrated certificate stores; the columns of one issued on the platform (its enrolment,
# course, issuing account and kind, hours, session dates) and of a revocation stay empty (NULL).
_COLUMNS = (
    "public_id", "number", "holder_id", "tier", "issuer_name", "issuer_kind", "issued_on",
    "valid_until", "pack_version_id", "content", "content_hash", "status", "revoke_reason",
    "created_at", "content_sm2",
)  # fmt: skip


def _insert(certs: list[TrainingCertificate]) -> None:
    """Store a batch of certificates, each value prepared once (cqo.lib.inserts)."""
    ops = connection.ops
    meta = TrainingCertificate._meta
    public_id, content = meta.get_field("public_id"), meta.get_field("content")
    now = timezone.now()
    stamp = meta.get_field("created_at").get_db_prep_save(now, connection)
    rows = []
    for cert in certs:
        cert.created_at = now
        rows.append(
            (
                public_id.get_db_prep_save(cert.public_id, connection),
                cert.number,
                cert.holder_id,
                cert.tier,
                cert.issuer_name,
                cert.issuer_kind,
                ops.adapt_datefield_value(cert.issued_on),
                ops.adapt_datefield_value(cert.valid_until),
                cert.pack_version_id,
                content.get_db_prep_save(cert.content, connection),
                cert.content_hash,
                cert.status,
                cert.revoke_reason,
                stamp,
                # an archive's certificate carries no platform SM2 signature: the platform
                # did not issue it (its content hash still verifies)
                cert.content_sm2 or "",
            )
        )
    inserts.insert_returning(certs, _COLUMNS, rows)


def certificate_migrate(
    *, actor: User, terms: MigratedCertificate, origin_note: str
) -> TrainingCertificate:
    """One training certificate from a province's archive (``certificates_migrate``)."""
    [cert] = certificates_migrate(actor=actor, items=[(terms, origin_note)])
    return cert
