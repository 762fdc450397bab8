"""Enterprises, their clerk accounts and the regulators' reminders (SPEC §3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts import access
from cqo.accounts.models import Role, User
from cqo.audit.services import audit_record, diff, snapshot
from cqo.reference import validators
from cqo.reference.models import Industry, Region
from cqo.registry import notices
from cqo.registry.inputs import EnterpriseDetails, given
from cqo.registry.models import Enterprise, Reminder
from cqo.registry.services._common import (
    ENTERPRISE_FIELDS,
    Data,
    Errors,
    account_check,
    model_errors,
    text,
    year,
)

MAX_EMPLOYEES = 10_000_000

# Enterprises ----------------------------------------------------------------------------------


def _enterprise_audit(actor: User, ent: Enterprise, action: str, **extra: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type="enterprise",
        target_id=ent.uscc,
        target_repr=ent.name,
        **extra,
    )


Given = Callable[[str], bool]


def _apply_enterprise(errors: Errors, ent: Enterprise, data: Data, *, partial: bool) -> None:
    def given(key: str) -> bool:
        return not partial or key in data

    _apply_identity(errors, ent, data, given)
    _apply_place(errors, ent, data, given)
    _apply_particulars(errors, ent, data, given)


def _apply_identity(errors: Errors, ent: Enterprise, data: Data, given: Given) -> None:
    """The USCC (GB 32100, unique), name, website and head count."""
    if given("uscc"):
        uscc = errors.run("uscc", validators.validate_uscc, text(data, "uscc"))
        if uscc:
            clash = Enterprise.objects.filter(uscc=uscc).exclude(pk=ent.pk).exists()
            if clash:
                errors.add("uscc", _("该统一社会信用代码已登记"))
            ent.uscc = uscc
    if given("name"):
        ent.name = text(data, "name")
        if not ent.name:
            errors.add("name", _("单位名称必填"))
    if given("website"):
        ent.website = (
            errors.run("website", validators.validate_website, text(data, "website")) or ""
        )
    if given("employees"):
        value = data.get("employees")
        if value in (None, ""):
            ent.employees = None
        else:
            try:
                ent.employees = int(value)
                # the largest employers have a few million staff; beyond this it is a typo
                if not 0 <= ent.employees <= MAX_EMPLOYEES:
                    raise ValueError
            except (TypeError, ValueError):
                errors.add("employees", _("员工总数应为0至1000万之间的整数"))


def _apply_place(errors: Errors, ent: Enterprise, data: Data, given: Given) -> None:
    """The industry (GB/T 4754 division) and the county-level region (GB/T 2260)."""
    if given("industry"):
        code = text(data, "industry")
        industry = Industry.objects.filter(code=code, level=Industry.Level.DIVISION).first()
        if industry is None:
            errors.add("industry", _("所属行业应为 GB/T 4754-2017 的大类代码（两位数字）"))
        else:
            ent.industry = industry
    if given("region"):
        region = Region.objects.filter(code=text(data, "region")).first()
        if region is None:
            errors.add("region", _("行政区划代码不存在（GB/T 2260）"))
        elif region.level == Region.Level.PROVINCE or (
            region.level == Region.Level.CITY and region.children.exists()
        ):
            errors.add("region", _("请选择到区县一级的行政区划"))
        else:
            ent.region = region


def _apply_particulars(errors: Errors, ent: Enterprise, data: Data, given: Given) -> None:
    """The rest of Annex A's 单位信息 and what the regulator records beside it."""
    for key in (
        "size",
        "nature",
        "main_products",
        "registered_address",
        "responsible_name",
        "responsible_position",
        "quality_award",
        "special_equipment_licence",
        "own_cqo_conditions",
    ):
        if given(key):
            setattr(ent, key, text(data, key))
    for key in ("listed", "above_scale"):
        if given(key):
            setattr(ent, key, bool(data.get(key)))
    if given("responsible_landline"):
        landline = text(data, "responsible_landline")
        ent.responsible_landline = (
            errors.run("responsible_landline", validators.validate_landline, landline) or ""
            if landline
            else ""
        )
    if given("responsible_mobile"):
        mobile = text(data, "responsible_mobile")
        checked = (
            errors.run("responsible_mobile", validators.validate_mobile, mobile) if mobile else ""
        )
        ent.responsible_mobile = checked or ""
    if given("above_scale_year"):
        ent.above_scale_year = year(errors, "above_scale_year", data.get("above_scale_year"))
    if given("quality_award_year"):
        ent.quality_award_year = year(errors, "quality_award_year", data.get("quality_award_year"))
    if ent.quality_award and not ent.quality_award_year:
        errors.add("quality_award_year", _("填写政府质量奖时须填写获奖年度"))
    if given("group_parent"):
        parent_uscc = text(data, "group_parent")
        if not parent_uscc:
            ent.group_parent = None
        else:
            parent = Enterprise.objects.filter(uscc=parent_uscc).first()
            if parent is None or parent.pk == ent.pk:
                errors.add("group_parent", _("所属集团应为已登记的其他企业的统一社会信用代码"))
            else:
                ent.group_parent = parent
    model_errors(errors, ent, exclude=["industry", "region", "responsible_mobile_enc"])


@transaction.atomic
def enterprise_create(*, actor: User, details: EnterpriseDetails) -> Enterprise:
    errors = Errors()
    ent = Enterprise()
    _apply_enterprise(errors, ent, given(details), partial=False)
    errors.raise_if_any()
    if not access.can_create_enterprise(actor, ent.region):
        raise PermissionDenied(_("只能在本辖区内登记企业"))
    ent.save()
    _enterprise_audit(actor, ent, "create", changes=diff({}, snapshot(ent, ENTERPRISE_FIELDS)))
    return ent


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, details: EnterpriseDetails
) -> Enterprise:
    if not access.can_edit_enterprise(actor, enterprise):
        raise PermissionDenied(_("无权修改该企业"))
    ent = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = snapshot(ent, ENTERPRISE_FIELDS)
    errors = Errors()
    _apply_enterprise(errors, ent, given(details), partial=True)
    errors.raise_if_any()
    if ent.region_id != enterprise.region_id and not access.can_create_enterprise(
        actor, ent.region
    ):
        raise ValidationError({"region": _("只能将企业移入本辖区内的行政区划")})
    changes = diff(before, snapshot(ent, ENTERPRISE_FIELDS))
    if changes:
        ent.save()
        _enterprise_audit(actor, ent, "update", changes=changes)
    return ent


@transaction.atomic
def reminder_send(*, actor: User, enterprise: Enterprise, message: str) -> Reminder:
    """指导督促 (shaanxi-2021 §五(三)): a regulator urges an enterprise in scope."""
    if actor.role != Role.REGULATOR or not access.region_contains(actor, enterprise.region):
        raise PermissionDenied(_("只能督促本辖区企业"))
    message = (message or "").strip()
    if len(message) < 4:
        raise ValidationError({"message": _("督促内容至少4个字")})
    reminder = Reminder.objects.create(enterprise=enterprise, sent_by=actor, message=message)
    _enterprise_audit(actor, enterprise, "create", note=f"reminder: {message}")
    notices.filing_reminded(reminder)
    return reminder


@transaction.atomic
def reminder_mark_read(*, actor: User, reminder: Reminder) -> None:
    if actor.role != Role.ENTERPRISE or reminder.enterprise_id != actor.enterprise_id:
        raise PermissionDenied
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
        # that the enterprise read the 督促 is part of the record of guiding and urging it
        # (shaanxi-2021 §五(三)); a second reading changes nothing and is not recorded
        sent = timezone.localtime(reminder.sent_at).strftime("%Y-%m-%d %H:%M")
        _enterprise_audit(
            actor,
            reminder.enterprise,
            "update",
            changes={"reminder_read_at": [None, reminder.read_at.isoformat()]},
            note=f"企业已阅读{sent}的督促通知",
        )


@transaction.atomic
def clerk_create(
    *, actor: User, enterprise: Enterprise, username: str, password: str, display_name: str = ""
) -> User:
    """A regulator (or admin) opens the clerk account that acts for an enterprise in scope."""
    if not (
        actor.is_platform_admin
        or (actor.is_regulator and access.region_contains(actor, enterprise.region))
    ):
        raise PermissionDenied(_("只能为本辖区企业开设经办人账户"))
    errors = Errors()
    username = username.replace("\x00", "").strip()
    user = User(
        username=username,
        role=Role.ENTERPRISE,
        enterprise=enterprise,
        display_name=display_name.replace("\x00", "").strip() or enterprise.name,
    )
    if len(user.display_name) > 100:
        errors.add("display_name", _("经办人姓名不超过100个字"))
    account_check(errors, user, password)
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    _enterprise_audit(actor, enterprise, "create", note=f"clerk account {username}")
    return user
