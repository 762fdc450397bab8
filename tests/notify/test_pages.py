"""The administrators' outbox (status filter, paging, resend) and a person's own notices."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from cqo.notify import delivery, sending, services
from cqo.notify.kinds import Channel
from cqo.notify.models import OutboxMessage
from cqo.test import PASSWORD, Personas
from tests.notify.conftest import HOURS, context

pytestmark = pytest.mark.django_db

S = OutboxMessage.Status


def login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def failed_email(p: Personas, monkeypatch: pytest.MonkeyPatch) -> OutboxMessage:
    rows = services.notice_send(
        recipient=p.cqo, kind=HOURS, subject="s", context=context(), url="/hours/"
    )
    row = next(r for r in rows if r.channel == Channel.EMAIL)

    def refuse(message: OutboxMessage, address: Any) -> None:
        raise delivery.DeliveryError("收件地址被拒收（退信）", permanent=True)

    monkeypatch.setattr(delivery, "deliver", refuse)
    sending.message_deliver(message_id=row.pk)
    monkeypatch.undo()
    row.refresh_from_db()
    return row


def test_an_administrator_sees_the_outbox(personas: Personas, monkeypatch: Any) -> None:
    failed_email(personas, monkeypatch)
    page = login(personas.admin).get("/notices/outbox/").content.decode()
    assert "通知发件箱" in page and "学时提醒" in page and "李堃" in page
    assert "收件地址被拒收（退信）" in page and "邮箱投递失败" in page
    # never the login name, an enum value or the row's id
    assert "likun@example.cn" in page and ">cqo<" not in page and ">failed<" not in page


def test_the_outbox_filters_by_status(personas: Personas, monkeypatch: Any) -> None:
    failed_email(personas, monkeypatch)
    client = login(personas.admin)
    failed = client.get("/notices/outbox/", {"status": "failed"})
    assert [m.channel for m in failed.context["page"]] == ["email"]
    queued = client.get("/notices/outbox/", {"status": "queued"})
    assert [m.channel for m in queued.context["page"]] == ["sms"]
    # an unknown status shows everything
    everything = client.get("/notices/outbox/", {"status": "<script>"})
    assert everything.context["page"].paginator.count == 3


def test_the_outbox_pages(personas: Personas) -> None:
    for i in range(30):
        services.notice_send(
            recipient=personas.cqo,
            kind=HOURS,
            subject=f"s{i}",
            context=context(),
        )
    client = login(personas.admin)
    first = client.get("/notices/outbox/")
    assert first.context["page"].paginator.num_pages == 4
    assert len(client.get("/notices/outbox/", {"page": "4"}).context["page"]) == 15


@pytest.mark.parametrize("who", ["cqo", "clerk_a", "province", "certifier"])
def test_only_administrators_see_the_outbox(personas: Personas, who: str) -> None:
    client = login(getattr(personas, who))
    assert client.get("/notices/outbox/").status_code == 403


def test_the_outbox_needs_a_login(personas: Personas) -> None:
    response = Client().get("/notices/outbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_administrator_resends_a_failed_notice(
    personas: Personas, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    row = failed_email(personas, monkeypatch)
    client = login(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/notices/outbox/{row.public_id}/resend/", {"next": "/notices/outbox/?status=failed"}
        )
    assert response.status_code == 302 and response["Location"] == "/notices/outbox/?status=failed"
    row.refresh_from_db()
    assert row.status == S.SENT and row.resends == 1 and row.attempts == 1


def test_a_queued_notice_cannot_be_resent(personas: Personas) -> None:
    rows = services.notice_send(recipient=personas.cqo, kind=HOURS, subject="s", context=context())
    row = next(r for r in rows if r.channel == Channel.SMS)
    response = login(personas.admin).post(
        f"/notices/outbox/{row.public_id}/resend/",
        {"next": "https://elsewhere.example/"},
        follow=True,
    )
    assert "只能重发已发送或发送失败" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/notices/outbox/"
    row.refresh_from_db()
    assert row.status == S.QUEUED and row.resends == 0


def test_resending_is_for_administrators_only(personas: Personas, monkeypatch: Any) -> None:
    row = failed_email(personas, monkeypatch)
    assert login(personas.cqo).post(f"/notices/outbox/{row.public_id}/resend/").status_code == 403
    assert Client().post(f"/notices/outbox/{row.public_id}/resend/").status_code == 302
    assert login(personas.admin).get(f"/notices/outbox/{row.public_id}/resend/").status_code == 405
    row.refresh_from_db()
    assert row.status == S.FAILED


def test_a_resend_needs_the_csrf_token(personas: Personas, monkeypatch: Any) -> None:
    row = failed_email(personas, monkeypatch)
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    assert client.post(f"/notices/outbox/{row.public_id}/resend/").status_code == 403


def test_the_person_sees_their_notices_and_a_bounced_address(
    personas: Personas, monkeypatch: Any
) -> None:
    failed_email(personas, monkeypatch)
    page = login(personas.cqo).get("/notices/").content.decode()
    assert "发往您电子邮箱的通知未能送达：收件地址被拒收（退信）" in page
    assert "学时提醒" in page and "继续教育学时尚未达标" in page
    # another person sees none of it
    other = login(personas.clerk_a).get("/notices/").content.decode()
    assert "继续教育学时尚未达标" not in other and "未能送达" not in other


def test_the_persons_page_needs_a_login() -> None:
    assert Client().get("/notices/").status_code == 302


def test_the_person_sets_where_notices_go(personas: Personas) -> None:
    client = login(personas.cqo)
    page = client.get("/notices/").content.decode()
    # the filed mobile, masked; the account's e-mail
    assert 'placeholder="138****8000"' in page and "likun@example.cn" in page
    response = client.post(
        "/notices/", {"action": "contact", "email": "li.kun@example.cn", "mobile": "13912345678"}
    )
    assert response.status_code == 302
    page = client.get("/notices/").content.decode()
    assert 'placeholder="139****5678"' in page and "13912345678" not in page
    # blank keeps the mobile
    client.post("/notices/", {"action": "contact", "email": "li.kun@example.cn", "mobile": ""})
    assert personas.cqo.contact_details.mobile == "13912345678"


def test_a_malformed_address_is_shown_beside_its_field(personas: Personas) -> None:
    response = login(personas.cqo).post(
        "/notices/", {"action": "contact", "email": "li.kun@example.cn", "mobile": "1234"}
    )
    assert response.status_code == 200
    assert "手机号码应为以1开头的11位数字" in response.content.decode()


def test_the_person_opts_out_of_reminders_but_not_legal_notices(personas: Personas) -> None:
    client = login(personas.cqo)
    page = client.get("/notices/").content.decode()
    assert "依法送达的通知，不能退订" in page
    # every box cleared, the legal ones included: only the reminders are opted out of
    response = client.post("/notices/", {"action": "optouts"})
    assert response.status_code == 302
    opted = set(personas.cqo.notice_opt_outs.values_list("kind", flat=True))
    assert opted == {"hours.reminder", "certification.renewal", "registry.filing_reminder"}
    # ticked again
    client.post("/notices/", {"action": "optouts", "hours.reminder": "on"})
    opted = set(personas.cqo.notice_opt_outs.values_list("kind", flat=True))
    assert opted == {"certification.renewal", "registry.filing_reminder"}
