"""The community's lists as xlsx (every export audited by cqo.registry's xlsx_response)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.community import selectors
from cqo.community.models import (
    Alliance,
    CaseCompetition,
    Event,
    Membership,
    Post,
    Registration,
    Submission,
)
from cqo.registry.views._common import xlsx_response


def alliances(request: HttpRequest, qs: QuerySet[Alliance]) -> HttpResponse:
    headers = [_("名称"), _("类型"), _("行政区划"), _("会员数"), _("创建时间")]
    rows = (
        (
            a.name,
            a.get_kind_display(),
            a.region.name,
            a.member_count,  # type: ignore[attr-defined]
            f"{a.created_at:%Y-%m-%d}",
        )
        for a in qs
    )
    return xlsx_response(request, "alliances", headers, rows, "community_alliance")


def members(request: HttpRequest, qs: QuerySet[Membership]) -> HttpResponse:
    headers = [_("姓名"), _("企业"), _("身份"), _("职务"), _("状态"), _("申请时间")]
    rows = (
        (
            m.person.name,
            selectors.enterprise_name(m.person),
            m.get_role_display(),
            m.officer_title,
            m.get_state_display(),
            f"{timezone.localtime(m.applied_at):%Y-%m-%d}",
        )
        for m in qs
    )
    return xlsx_response(request, "alliance-members", headers, rows, "community_membership")


def events(request: HttpRequest, qs: QuerySet[Event]) -> HttpResponse:
    headers = [
        _("活动名称"),
        _("活动形式"),
        _("联盟"),
        _("活动开始时间"),
        _("地点"),
        _("名额"),
        _("已报名"),
        _("学时"),
        _("状态"),
    ]
    rows = (
        (
            e.title,
            e.get_kind_display(),
            e.alliance.name,
            f"{timezone.localtime(e.starts_at):%Y-%m-%d %H:%M}",
            e.venue,
            e.capacity,
            e.registered,  # type: ignore[attr-defined]
            str(e.hours) if e.counts_hours else "",
            e.get_state_display(),
        )
        for e in qs
    )
    return xlsx_response(request, "alliance-events", headers, rows, "community_event")


def registrations(request: HttpRequest, regs: QuerySet[Registration]) -> HttpResponse:
    headers = [_("姓名"), _("企业"), _("报名时间"), _("状态"), _("出席"), _("学时存证序号")]
    rows = (
        (
            r.person.name,
            selectors.enterprise_name(r.person),
            f"{timezone.localtime(r.registered_at):%Y-%m-%d %H:%M}",
            r.get_state_display(),
            "" if r.attended is None else r.attended,
            r.study_record.ledger_index if r.study_record else "",
        )
        for r in regs
    )
    return xlsx_response(request, "event-registrations", headers, rows, "community_registration")


def posts(request: HttpRequest, qs: QuerySet[Post]) -> HttpResponse:
    headers = [_("标题"), _("类型"), _("作者"), _("发布时间"), _("回答数"), _("已隐藏")]
    rows = (
        (
            p.title,
            p.get_kind_display(),
            p.author.name,
            f"{timezone.localtime(p.created_at):%Y-%m-%d %H:%M}",
            p.answer_count,  # type: ignore[attr-defined]
            p.hidden,
        )
        for p in qs
    )
    return xlsx_response(request, "alliance-posts", headers, rows, "community_post")


def competitions(request: HttpRequest, qs: QuerySet[CaseCompetition]) -> HttpResponse:
    headers = [
        _("评比名称"),
        _("行政区划"),
        _("申报开始"),
        _("申报截止"),
        _("评审开始"),
        _("评审截止"),
        _("参评案例"),
        _("结果发布时间"),
    ]
    rows = (
        (
            c.title,
            c.region.name,
            c.submission_opens,
            c.submission_closes,
            c.judging_opens,
            c.judging_closes,
            c.entries,  # type: ignore[attr-defined]
            f"{timezone.localtime(c.published_at):%Y-%m-%d}" if c.published_at else "",
        )
        for c in qs
    )
    return xlsx_response(request, "case-competitions", headers, rows, "community_competition")


def ranking(request: HttpRequest, subs: QuerySet[Submission]) -> HttpResponse:
    headers = [
        _("名次"),
        _("案例名称"),
        _("企业"),
        _("首席质量官"),
        _("改进方法"),
        _("得分"),
        _("入选"),
        _("申报时间"),
    ]
    rows = (
        (
            s.rank or "",
            s.title,
            s.enterprise.name,
            s.person.name,
            s.get_method_display(),
            str(s.score) if s.score is not None else "",
            s.awarded if s.rank else "",
            f"{timezone.localtime(s.submitted_at):%Y-%m-%d %H:%M}",
        )
        for s in subs
    )
    return xlsx_response(request, "case-ranking", headers, rows, "community_submission")
