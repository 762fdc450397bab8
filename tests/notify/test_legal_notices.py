"""The legal notices reach their people by every channel, whatever they opted out of: a filing
returned (the enterprise's clerks, with the reason), a warning or exit listing (the person and
the clerks of the enterprises that appointed them), a certification decision (the applicant)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cqo.blacklist import services as blacklist
from cqo.blacklist.models import Listing
from cqo.certification.models import Application
from cqo.notify import services as notify
from cqo.notify.models import OutboxMessage
from cqo.registry import services as registry
from cqo.test import Personas, appointment_data, declare, file_appointment
from tests.blacklist.conftest import listing_data
from tests.certification.conftest import FULL, World, certified, graded
from tests.notify.conftest import channels

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def test_a_returned_filing_reaches_the_clerks_with_its_reason(personas: Personas) -> None:
    p = personas
    appt = registry.appointment_create(
        actor=p.clerk_a, terms=registry.AppointmentTerms(**appointment_data(p.person))
    )
    declare(appt)
    registry.filing_submit(actor=p.clerk_a, appointment=appt)
    # a clerk who opted out of every notice he may still gets a legal one
    with pytest.raises(ValidationError):
        notify.optout_set(
            actor=p.clerk_a, user=p.clerk_a, kind="registry.filing_returned", opted_out=True
        )
    registry.filing_return(actor=p.county_a, appointment=appt, reason="请补充聘任授权证书扫描件")
    kind = "registry.filing_returned"
    assert channels(recipient=p.clerk_a, kind=kind) == ["email", "site", "sms"]
    mail = OutboxMessage.objects.get(recipient=p.clerk_a, kind=kind, channel="email")
    assert "请补充聘任授权证书扫描件" in mail.what and p.person.name in mail.what
    assert mail.url == f"/filings/{appt.public_id}/" and mail.deadline is None
    assert not OutboxMessage.objects.filter(kind=kind).exclude(recipient=p.clerk_a).exists()
    # corrected, submitted and returned again: a notice of its own
    registry.filing_submit(actor=p.clerk_a, appointment=appt)
    registry.filing_return(actor=p.county_a, appointment=appt, reason="聘期截止日期填写有误")
    assert OutboxMessage.objects.filter(kind=kind, channel="email").count() == 2


@pytest.mark.parametrize(("kind", "code"), [("warning", "warning"), ("exit", "exit")])
def test_a_listing_reaches_the_person_and_the_enterprises_that_appointed_them(
    personas: Personas, kind: str, code: str
) -> None:
    p = personas
    file_appointment(p)  # 李堃, filed CQO of enterprise A
    terms = blacklist.ListingTerms(**listing_data(kind=kind, effects_confirmed=True))
    listing = blacklist.listing_create(actor=p.county_a, terms=terms, person=p.person)
    notice = f"blacklist.{code}_listing"
    assert channels(recipient=p.cqo, kind=notice) == ["email", "site", "sms"]
    assert channels(recipient=p.clerk_a, kind=notice) == ["email", "site", "sms"]
    assert not OutboxMessage.objects.filter(recipient=p.clerk_b).exists()
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=notice, channel="email")
    assert listing.reason in mail.what and mail.url == f"/blacklist/{listing.public_id}/"
    assert ("聘任随之终止" in mail.what) == (kind == "exit")
    assert Listing.objects.count() == 1


def test_a_certification_decision_reaches_the_applicant(world: World) -> None:
    p = world.p
    cert = certified(world)
    mail = OutboxMessage.objects.get(
        recipient=p.cqo, kind="certification.decision", channel="email"
    )
    assert cert.number in mail.what and cert.level in mail.what
    assert mail.url == f"/certification/applications/{cert.application.public_id}/"


def test_a_refusal_reaches_the_applicant_too(world: World) -> None:
    app = graded(world, scores={**FULL, "8.2": "49.9"})
    assert app.status == Application.Status.NOT_CERTIFIED
    mail = OutboxMessage.objects.get(
        recipient=world.p.cqo, kind="certification.decision", channel="email"
    )
    assert "不予认定" in mail.what and "申诉" in mail.action


def test_a_filed_appointment_reaches_the_clerks_and_the_cqo_with_its_number(
    personas: Personas,
) -> None:
    p = personas
    appt = file_appointment(p)
    kind = "registry.filing_filed"
    assert channels(recipient=p.clerk_a, kind=kind) == ["email", "site", "sms"]
    assert channels(recipient=p.cqo, kind=kind) == ["email", "site", "sms"]
    assert not OutboxMessage.objects.filter(kind=kind, recipient=p.clerk_b).exists()
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind=kind, channel="email")
    assert appt.filing_number in mail.what and p.person.name in mail.what
    assert mail.url == f"/filings/{appt.public_id}/"


def test_a_returned_application_reaches_the_applicant_with_what_to_complete(
    world: World,
) -> None:
    from cqo.certification import services as certification
    from tests.certification.conftest import submitted

    app = submitted(world)
    certification.review_return(
        actor=world.p.certifier, app=app, items="请补充近三年质量工作业绩证明"
    )
    kind = "certification.returned"
    assert channels(recipient=world.p.cqo, kind=kind) == ["email", "site", "sms"]
    mail = OutboxMessage.objects.get(recipient=world.p.cqo, kind=kind, channel="email")
    assert "请补充近三年质量工作业绩证明" in mail.what
    assert mail.url == f"/certification/applications/{app.public_id}/"
