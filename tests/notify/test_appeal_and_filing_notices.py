"""A decision on an appeal against a warning or exit listing reaches the appellant by every
channel (a legal notice); a regulator's 督促 to file the CQO reaches the enterprise's clerks, by
e-mail and SMS only for those who did not opt out of it. Each event is one notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cqo.accounts.models import Role
from cqo.blacklist import notices as blacklist_notices
from cqo.blacklist import services as blacklist
from cqo.blacklist.models import Listing
from cqo.notify import kinds
from cqo.notify import services as notify
from cqo.notify.models import OutboxMessage
from cqo.registry import notices as registry_notices
from cqo.registry import services as registry
from cqo.test import Personas, appointment_data, file_appointment, make_user
from tests.blacklist.conftest import listing_data
from tests.notify.conftest import channels

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]

APPEAL = "blacklist.appeal_decided"
REMINDER = "registry.filing_reminder"
GROUNDS = "事故系设备供应商原因所致，本人已按规定履职"


def _listed(p: Personas, kind: str = "warning") -> Listing:
    terms = blacklist.ListingTerms(**listing_data(kind=kind, effects_confirmed=True))
    return blacklist.listing_create(actor=p.county_a, terms=terms, person=p.person)


# Appeals against a listing ----------------------------------------------------------------------


def test_an_appeal_decision_reaches_the_appellant_who_opted_out_of_everything(
    personas: Personas,
) -> None:
    p = personas
    file_appointment(p)  # 李堃, filed CQO of enterprise A: its clerk is told of the listing
    listing = _listed(p)
    for kind in kinds.all_kinds():
        if kind.may_opt_out:
            notify.optout_set(actor=p.cqo, user=p.cqo, kind=kind.code, opted_out=True)
    with pytest.raises(ValidationError):
        notify.optout_set(actor=p.cqo, user=p.cqo, kind=APPEAL, opted_out=True)
    appeal = blacklist.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    assert not OutboxMessage.objects.filter(kind=APPEAL).exists()  # filed: nothing decided
    decided = blacklist.appeal_decide(
        actor=p.county_a, appeal=appeal, outcome="upheld", note="调查报告认定负有管理责任"
    )
    assert channels(recipient=p.cqo, kind=APPEAL) == ["email", "site", "sms"]
    # the appeal is between the person and the regulators: the clerk is not told
    assert not OutboxMessage.objects.filter(kind=APPEAL).exclude(recipient=p.cqo).exists()
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=APPEAL, channel="email")
    assert mail.name == "李堃" and listing.authority_name in mail.what
    assert "警示名单" in mail.what and "维持" in mail.what and "负有管理责任" in mail.what
    assert "继续有效" in mail.action and mail.url == f"/blacklist/{listing.public_id}/"
    # the same decision recorded again is no notice; a new appeal's decision is another
    blacklist_notices.appeal_decided(decided)
    assert OutboxMessage.objects.filter(kind=APPEAL).count() == 3
    again = blacklist.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS + "，补充证据")
    blacklist.appeal_decide(actor=p.city, appeal=again, outcome="granted", note="申诉理由成立")
    granted = OutboxMessage.objects.filter(kind=APPEAL, channel="email").latest("pk")
    assert "撤销列入" in granted.what and "已撤销" in granted.action
    assert OutboxMessage.objects.filter(kind=APPEAL).count() == 6


def test_an_appeal_ended_by_revoking_the_listing_reaches_the_appellant(
    personas: Personas,
) -> None:
    p = personas
    listing = _listed(p, kind="exit")
    blacklist.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    blacklist.listing_revoke(actor=p.county_a, listing=listing, reason="事故责任认定有误")
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=APPEAL, channel="email")
    assert "退出名单" in mail.what and "已终结" in mail.what and "名单已撤销" in mail.what


# A regulator's 督促 to file ---------------------------------------------------------------------


def test_a_filing_reminder_reaches_the_clerks_who_did_not_opt_out(personas: Personas) -> None:
    p = personas
    colleague = make_user("clerk_a2", Role.ENTERPRISE, enterprise=p.enterprise_a)
    notify.optout_set(actor=p.clerk_a, user=p.clerk_a, kind=REMINDER, opted_out=True)
    reminder = registry.reminder_send(
        actor=p.county_a,
        enterprise=p.enterprise_a,
        message="贵单位尚未备案首席质量官，请尽快办理。",
    )
    assert channels(recipient=colleague, kind=REMINDER) == ["email", "site", "sms"]
    # opted out: the page shows it, no e-mail or SMS
    assert channels(recipient=p.clerk_a, kind=REMINDER) == ["site"]
    assert not OutboxMessage.objects.filter(recipient=p.clerk_b).exists()
    mail = OutboxMessage.objects.get(recipient=colleague, kind=REMINDER, channel="email")
    assert mail.name == p.enterprise_a.name and str(p.county_a) in mail.what
    assert "贵单位尚未备案首席质量官，请尽快办理。" in mail.what
    # no document sets a filing period: the platform's default, and the text says so
    assert "30日内备案" in mail.action and "平台默认，非文件规定" in mail.action
    assert "SPEC" not in mail.action and mail.deadline is None and mail.url == "/"
    # the same 督促 recorded again is no notice; another 督促 is
    registry_notices.filing_reminded(reminder)
    assert OutboxMessage.objects.filter(kind=REMINDER).count() == 4
    registry.reminder_send(actor=p.county_a, enterprise=p.enterprise_a, message="请于本月内备案。")
    assert OutboxMessage.objects.filter(kind=REMINDER).count() == 8


def test_a_filing_reminder_names_the_appointment_to_file_and_its_due_date(
    personas: Personas,
) -> None:
    p = personas
    registry.appointment_create(
        actor=p.clerk_a,
        terms=registry.AppointmentTerms(
            **appointment_data(p.person, start_date=dt.date(2026, 6, 1))
        ),
    )
    registry.reminder_send(actor=p.county_a, enterprise=p.enterprise_a, message="请尽快提交备案。")
    mail = OutboxMessage.objects.get(recipient=p.clerk_a, kind=REMINDER, channel="email")
    assert p.person.name in mail.action and mail.deadline == dt.date(2026, 7, 1)


def test_a_filing_reminder_past_the_due_date_says_it_is_late(personas: Personas) -> None:
    p = personas
    registry.appointment_create(
        actor=p.clerk_a, terms=registry.AppointmentTerms(**appointment_data(p.person))
    )  # started 2026-01-01: 30 days long past
    registry.reminder_send(actor=p.county_a, enterprise=p.enterprise_a, message="请尽快提交备案。")
    mail = OutboxMessage.objects.get(recipient=p.clerk_a, kind=REMINDER, channel="email")
    assert "已超过" in mail.action and p.person.name in mail.action and mail.deadline is None
