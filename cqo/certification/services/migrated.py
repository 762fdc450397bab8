"""Level certificates migrated from a province's archive (认定证书 printed before the platform):
recorded under their original number, dates and status, never as if issued on the platform.

An archive holds thousands of them, so they are checked and written a batch at a time: the
numbers already recorded in one query, the certificates and their audit entries stored
together."""

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
from cqo.certification import rules, selectors
from cqo.certification.models import CertificationBody, LevelCertificate
from cqo.lib import clock, dates, inserts
from cqo.lib.bounds import too_long
from cqo.lib.errors import Errors
from cqo.policy.models import Pack, PackVersion
from cqo.reference.models import Region
from cqo.registry.models import Enterprise, Person

C = LevelCertificate.Status
_STATUSES = frozenset(C.values)  # (``values`` builds its list on every call)


@dataclass(frozen=True, kw_only=True)
class MigratedLevelCertificate:
    """What an archive holds of a certificate (level-standard §9.4.1.1 a–f), its status with
    the day it changed and why, and what the platform links it to: the registered body of the
    printed name, if any (``selectors.bodies_by_name``), and the standard the platform measures
    it by (``selectors.migration_standard``)."""

    number: str
    holder: Person
    level: str  # AAA, AAAA or AAAAA
    body_name: str  # as printed
    body: CertificationBody | None = None
    standard: PackVersion
    organisation: str = ""  # as printed; the archive may not give it
    issued_on: dt.date
    valid_until: dt.date
    status: str = C.VALID
    status_changed_on: dt.date | None = None
    status_reason: str = ""


def _content(terms: MigratedLevelCertificate, *, label: str, origin: str) -> dict[str, str]:
    """What the certificate says as far as the archive tells it (§9.4.1.1: holder, organisation,
    body, date, validity, number). No ID number: it is verified publicly. ``origin`` says on
    every view that the platform did not issue it. ``label`` names the level, ``origin`` the
    provenance, in the platform's language: the certificate is in Chinese."""
    content = {
        "number": terms.number,
        "holder": terms.holder.name,
        "holder_id": str(terms.holder.public_id),
        "organisation": terms.organisation,
        "level": terms.level,
        "level_label": label % {"level": terms.level},
        "body": terms.body_name,
        "issued_on": terms.issued_on.isoformat(),
        "valid_until": terms.valid_until.isoformat(),
        "origin": origin,
    }
    if terms.body is not None:
        content["body_uscc"] = terms.body.uscc
    return content


def _check_number(errors: Errors, number: str) -> None:
    if not rules.legacy_number_valid(number):
        if rules.PLATFORM_PREFIX_RE.match(number):
            errors.add("number", _("编号与本平台颁发证书的编号格式相同，无法区分，请核对"))
        else:
            errors.add("number", _("证书编号应为4–40位字母、数字或连字符"))


def _check_names(errors: Errors, terms: MigratedLevelCertificate) -> None:
    if terms.level not in rules.LEVELS:
        errors.add("level", _("能力水平等级应为 AAA、AAAA 或 AAAAA"))
    if not terms.body_name:
        errors.add("body_name", _("请填写认定机构"))
    elif message := too_long(CertificationBody, "name", terms.body_name):
        errors.add("body_name", message)
    elif terms.body is not None and selectors.body_key(terms.body.name) != selectors.body_key(
        terms.body_name
    ):
        errors.add("body_name", _("认定机构名称与所关联的认定主体不一致"))
    if message := too_long(Enterprise, "name", terms.organisation):
        errors.add("organisation", message)
    slug = terms.body.pack_slug if terms.body else selectors.DEFAULT_STANDARD
    standard = terms.standard.pack
    if standard.kind != Pack.Kind.CERTIFICATION or standard.slug != slug:
        errors.add("standard", _("认定标准与认定主体所用的标准不一致"))


def _check_dates(errors: Errors, terms: MigratedLevelCertificate, today: dt.date) -> None:
    """The live certificate's dates (§9.4.1.1 d, e): issued on a day that has come, valid after
    it; a status other than valid changed on a day between the issue and today."""
    if message := dates.EVENT.error(terms.issued_on):
        errors.add("issued_on", message)
    elif terms.issued_on > today:
        errors.add("issued_on", _("发证日期不能晚于今天"))
    if message := dates.TERM.error(terms.valid_until):
        errors.add("valid_until", message)
    elif terms.valid_until <= terms.issued_on:
        errors.add("valid_until", _("有效期至应晚于发证日期"))
    changed = terms.status_changed_on
    if terms.status not in _STATUSES:
        errors.add("status", _("证书状态无效"))
    elif terms.status == C.VALID:
        if changed is not None:
            errors.add("status_changed_on", _("证书状态为有效（含已过期）的，不填写状态变更日期"))
        if terms.status_reason:
            errors.add("status_reason", _("证书状态为有效（含已过期）的，不填写状态说明"))
    elif changed is None:
        errors.add("status_changed_on", _("证书状态不是有效的，请填写状态变更日期"))
    elif message := dates.EVENT.error(changed):
        errors.add("status_changed_on", message)
    elif not terms.issued_on <= changed <= today:
        errors.add("status_changed_on", _("状态变更日期应在发证日期和今天之间"))
    if message := too_long(LevelCertificate, "status_reason", terms.status_reason):
        errors.add("status_reason", message)


class _Checks:
    """What the checks of one batch ask the database, asked once: the numbers recorded; and
    whether each region lies in the actor's scope."""

    def __init__(self, actor: User, numbers: set[str]) -> None:
        self.actor = actor
        self.admin = actor.is_platform_admin
        self.today = clock.today()
        self.recorded = set(
            LevelCertificate.objects.filter(number__in=numbers).values_list("number", flat=True)
        )
        self.scope: dict[str | None, bool] = {}

    def in_scope(self, region: Region | None) -> bool:
        if self.admin:
            return True
        key = region.code if region is not None else None
        if key not in self.scope:
            self.scope[key] = access.region_contains(self.actor, region)
        return self.scope[key]

    def check(self, terms: MigratedLevelCertificate) -> dict[str, list[str]]:
        """The problems of one certificate, by field. Its number is refused as recorded only
        when nothing else is wrong (as saving it would find); a number checked here counts as
        recorded for the batch's later certificates."""
        errors = Errors()
        _check_number(errors, terms.number)
        _check_names(errors, terms)
        _check_dates(errors, terms, self.today)
        if not self.in_scope(terms.holder.region):
            errors.add("holder", _("持证人不在您的辖区内"))
        if not errors.errors and terms.number in self.recorded:
            errors.add("number", _("证书编号已存在"))
        self.recorded.add(terms.number)
        return errors.errors


def migrated_level_certificate_problems(
    *, actor: User, terms: Sequence[MigratedLevelCertificate]
) -> list[dict[str, list[str]]]:
    """What ``level_certificates_migrate`` refuses in each certificate of a batch, by field, in
    its words (empty for one it takes); nothing is written. A number a certificate before it in
    the batch gives counts as recorded."""
    checks = _Checks(actor, {t.number for t in terms})
    return [checks.check(one) for one in terms]


@transaction.atomic
def level_certificates_migrate(
    *, actor: User, items: Sequence[tuple[MigratedLevelCertificate, str]]
) -> list[LevelCertificate]:
    """Level certificates from a province's archive, each kept with its original number, dates
    and status, and ``origin_note`` (the file and row it came from) on its audit entry:
    ``items`` gives (certificate, origin note), the certificates come back in their order. Each
    holder must be registered already and lie in the actor's scope (a platform admin, or a
    regulator whose subtree holds the holder's region). A certificate has no application and no
    issuing account, so it is told apart from one issued on the platform; it is linked to a
    registered body of the printed name, whose staff then supervise it (level-standard §11).
    The trail records it under the migrating user. One certificate refused
    (``migrated_level_certificate_problems``) and none is written: its problems are raised."""
    if not (actor.is_platform_admin or actor.role == Role.REGULATOR):
        raise PermissionDenied(_("只有市场监管部门和系统管理员可以迁移历史能力水平证书"))
    if not items:
        return []
    checks = _Checks(actor, {terms.number for terms, _note in items})
    for terms, _note in items:
        if problems := checks.check(terms):
            raise ValidationError(problems)
    certs: list[LevelCertificate] = []
    audited: list[tuple[str, str, dict[str, Plain], str]] = []
    with translation.override(settings.LANGUAGE_CODE):  # the certificate is in Chinese
        label = _("首席质量官能力水平 %(level)s 级")
        origin = _("历史数据迁移：原证书由认定机构在本平台启用前颁发")
        for terms, note in items:
            content = _content(terms, label=label, origin=origin)
            changed = terms.status_changed_on if terms.status != C.VALID else None
            cert = LevelCertificate(
                number=terms.number,
                holder=terms.holder,
                body=terms.body,
                level=terms.level,
                issued_on=terms.issued_on,
                valid_until=terms.valid_until,
                pack_version=terms.standard,
                content=content,
                content_hash=rules.content_hash(content),
                status=terms.status,
                status_changed_on=changed,
                status_reason=terms.status_reason,
            )
            certs.append(cert)
            changes: dict[str, Plain] = {
                "number": [None, cert.number],
                "holder": [None, terms.holder.name],
                "level": [None, cert.level],
                "body": [None, terms.body_name],
                "issued_on": [None, content["issued_on"]],
                "valid_until": [None, content["valid_until"]],
                "status": [None, cert.status],
                "content_hash": [None, cert.content_hash],
            }
            audited.append((str(cert.public_id), str(cert), changes, note))
    try:
        with transaction.atomic():
            _insert(certs)
    except IntegrityError as exc:
        # the unique number is the one constraint not checked above: another migration raced
        numbers = [c.number for c in certs]
        if LevelCertificate.objects.filter(number__in=numbers).exists():
            raise ValidationError({"number": _("证书编号已存在")}) from exc
        raise
    audit_records(actor=actor, action="create", target_type=selectors.CERTIFICATE, items=audited)
    return certs


# What a migrated certificate stores; the columns of one issued on the platform (its application,
# enterprise and issuing account) and of a replacement stay empty (NULL).
_COLUMNS = (
    "public_id", "number", "holder_id", "body_id", "level", "issued_on", "valid_until",
    "pack_version_id", "content", "content_hash", "status", "status_changed_on", "status_reason",
    "created_at", "content_sm2",
)  # fmt: skip


def _insert(certs: list[LevelCertificate]) -> None:
    """Store a batch of certificates, each value prepared once (cqo.lib.inserts)."""
    ops = connection.ops
    meta = LevelCertificate._meta
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
                cert.body_id,
                cert.level,
                ops.adapt_datefield_value(cert.issued_on),
                ops.adapt_datefield_value(cert.valid_until),
                cert.pack_version_id,
                content.get_db_prep_save(cert.content, connection),
                cert.content_hash,
                cert.status,
                ops.adapt_datefield_value(cert.status_changed_on),
                cert.status_reason,
                stamp,
                # an archive's certificate carries no platform SM2 signature: the platform
                # did not issue it (its content hash still verifies)
                cert.content_sm2 or "",
            )
        )
    inserts.insert_returning(certs, _COLUMNS, rows)


def level_certificate_migrate(
    *, actor: User, terms: MigratedLevelCertificate, origin_note: str
) -> LevelCertificate:
    """One level certificate from a province's archive (``level_certificates_migrate``)."""
    [cert] = level_certificates_migrate(actor=actor, items=[(terms, origin_note)])
    return cert
