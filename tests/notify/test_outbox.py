"""Recording notices: once per recipient, kind, subject and channel; opt-outs, legal notices;
handing new rows to a worker after the commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from cqo.audit.models import AuditEntry
from cqo.notify import kinds, services
from cqo.notify.kinds import Channel, NoticeKind
from cqo.notify.models import OutboxMessage
from cqo.test import Personas
from tests.notify.conftest import HOURS, RETURNED, context

pytestmark = pytest.mark.django_db

S = OutboxMessage.Status


def send(p: Personas, kind: str = HOURS, subject: str = "2026:11-01") -> list[OutboxMessage]:
    return services.notice_send(
        recipient=p.cqo, kind=kind, subject=subject, context=context(), url="/hours/"
    )


def test_it_records_one_row_per_channel(personas: Personas) -> None:
    rows = send(personas)
    assert sorted(r.channel for r in rows) == ["email", "site", "sms"]
    site = next(r for r in rows if r.channel == Channel.SITE)
    # in the platform it is delivered as it is recorded; e-mail and SMS wait for a worker
    assert site.status == S.SENT and site.sent_at is not None
    assert {r.status for r in rows if r.channel != Channel.SITE} == {S.QUEUED}
    assert AuditEntry.objects.filter(target_type="outboxmessage", action="create").count() == 1


def test_it_records_the_same_notice_only_once(personas: Personas) -> None:
    assert len(send(personas)) == 3
    assert send(personas) == []
    assert OutboxMessage.objects.count() == 3
    # another subject is another notice
    assert len(send(personas, subject="2026:12-01")) == 3


def test_a_second_send_hands_nothing_more_to_the_workers(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as first:
        send(personas)
    with django_capture_on_commit_callbacks() as second:
        send(personas)
    # one hand-over of both rows (e-mail and SMS) after the commit; none the second time
    assert len(first) == 1 and len(first[0].args[0]) == 2 and second == []


def test_it_delivers_after_the_commit(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send(personas)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [personas.cqo.email]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {S.SENT}
    sms = OutboxMessage.objects.get(channel=Channel.SMS)
    # the mobile filed on the person's registration, masked on screen
    assert sms.address_shown == "138****8000"


def test_an_opted_out_kind_stays_in_the_platform(personas: Personas) -> None:
    p = personas
    services.optout_set(actor=p.cqo, user=p.cqo, kind=HOURS, opted_out=True)
    assert [r.channel for r in send(p)] == ["site"]
    services.optout_set(actor=p.cqo, user=p.cqo, kind=HOURS, opted_out=False)
    assert sorted(r.channel for r in send(p, subject="again")) == ["email", "site", "sms"]


def test_it_refuses_to_opt_out_of_a_legal_notice(personas: Personas) -> None:
    p = personas
    assert kinds.get(RETURNED).may_opt_out is False
    with pytest.raises(ValidationError) as exc:
        services.optout_set(actor=p.cqo, user=p.cqo, kind=RETURNED, opted_out=True)
    assert "不能退订" in str(exc.value.message_dict["kind"])


def test_a_legal_notice_reaches_even_who_opted_out_of_everything_else(
    personas: Personas,
) -> None:
    p = personas
    for kind in kinds.all_kinds():
        if kind.may_opt_out:
            services.optout_set(actor=p.cqo, user=p.cqo, kind=kind.code, opted_out=True)
    assert len(send(p, kind=RETURNED, subject="appointment-1")) == 3


def test_it_refuses_to_change_another_persons_opt_outs(personas: Personas) -> None:
    p = personas
    with pytest.raises(PermissionDenied):
        services.optout_set(actor=p.clerk_a, user=p.cqo, kind=HOURS, opted_out=True)
    services.optout_set(actor=p.admin, user=p.cqo, kind=HOURS, opted_out=True)


def test_it_sends_nothing_to_an_inactive_account(personas: Personas) -> None:
    personas.cqo.is_active = False
    personas.cqo.save(update_fields=["is_active"])
    assert send(personas) == []


def test_it_refuses_an_undeclared_kind(personas: Personas) -> None:
    with pytest.raises(LookupError):
        send(personas, kind="nope.nothing")


def test_a_kind_with_sms_needs_a_template() -> None:
    with pytest.raises(ValueError, match="SMS without a template"):
        NoticeKind(code="x.y", label="x")
    NoticeKind(code="x.y", label="x", channels=frozenset({"site", "email"}))


def test_it_keeps_the_mobile_encrypted_and_masked(personas: Personas) -> None:
    p = personas
    details = services.contact_set(
        actor=p.cqo, user=p.cqo, email="li@example.cn", mobile="139 0000 1234"
    )
    details.refresh_from_db()
    assert details.mobile == "13900001234"
    assert "13900001234" not in details.mobile_enc
    assert details.mobile_masked == "139****1234"
    rows = send(p)
    assert {r.channel for r in rows} >= {"sms"}


def test_it_refuses_a_malformed_address(personas: Personas) -> None:
    p = personas
    with pytest.raises(ValidationError) as exc:
        services.contact_set(actor=p.cqo, user=p.cqo, email="not-an-address", mobile="12345")
    assert set(exc.value.message_dict) == {"email", "mobile"}
