"""The columns of the certification lists as exported to xlsx (the queue and the certificates)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cqo.certification.models import Application, LevelCertificate


def application_headers() -> list[str]:
    return [
        _("申请人"),
        _("所在组织"),
        _("申报等级"),
        _("状态"),
        _("提交时间"),
        _("认定总分"),
        _("认定等级"),
        _("认定主体"),
    ]


def application_row(a: Application) -> list[object]:
    return [
        a.person.name,
        a.enterprise.name,
        a.level_applied,
        a.get_status_display(),
        a.submitted_at.strftime("%Y-%m-%d") if a.submitted_at else "",
        str(a.total) if a.total is not None else "",
        a.awarded_level,
        a.body.name,
    ]


def certificate_headers() -> list[str]:
    return [
        _("证书编号"),
        _("持证人"),
        _("所在组织"),
        _("认定等级"),
        _("认定日期"),
        _("有效期至"),
        _("状态"),
        _("认定主体"),
    ]


def certificate_row(c: LevelCertificate) -> list[object]:
    return [
        c.number,
        c.holder.name,
        c.organisation_name,
        c.level,
        c.issued_on,
        c.valid_until,
        c.get_status_display(),
        c.body_name,
    ]
