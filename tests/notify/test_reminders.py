"""The platform's reminders go through the notify app: each study-hour reminder (a holder's
continuing education included) and each re-certification reminder created is also a notice by
e-mail and SMS, once."""

from __future__ import annotations

import datetime as dt

import pytest

from cqo.certification import services as certification
from cqo.hours import services as hours
from cqo.notify.models import OutboxMessage
from cqo.test import Personas
from tests.certification.conftest import World, certified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def test_a_study_hour_reminder_is_also_sent(personas: Personas) -> None:
    p = personas  # 李堃, registered in Shaanxi, short of the year's hours
    made = hours.send_reminders(dt.date(2026, 11, 1))
    assert [r.person for r in made] == [p.person]
    rows = OutboxMessage.objects.filter(recipient=p.cqo, kind="hours.reminder")
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "site", "sms"]
    row = rows.get(channel="email")
    assert row.name == "李堃" and row.what == made[0].message
    assert row.deadline == dt.date(2026, 12, 31) and row.url == "/hours/"
    # the job run again the same day reminds no one again
    assert hours.send_reminders(dt.date(2026, 11, 1)) == []
    assert OutboxMessage.objects.count() == 3
    # the next reminder date is another notice
    hours.send_reminders(dt.date(2026, 12, 1))
    assert OutboxMessage.objects.count() == 6


def test_a_re_certification_reminder_reaches_the_holder_and_the_clerks(world: World) -> None:
    p = world.p
    cert = certified(world)
    made = certification.send_reminders(cert.valid_until - dt.timedelta(days=90))
    assert len(made) == 2
    rows = OutboxMessage.objects.filter(kind="certification.renewal", channel="email")
    by_user = {r.recipient: r for r in rows}
    assert set(by_user) == {p.cqo, p.clerk_a}
    assert by_user[p.cqo].name == "李堃"
    assert by_user[p.cqo].deadline == cert.valid_until
    assert by_user[p.cqo].url == f"/certification/certificates/{cert.number}/"
    assert by_user[p.clerk_a].name == p.enterprise_a.name
    # the next threshold is another notice; the same one is not sent twice
    assert certification.send_reminders(cert.valid_until - dt.timedelta(days=90)) == []
    certification.send_reminders(cert.valid_until - dt.timedelta(days=30))
    assert rows.all().count() == 4


def test_a_holders_continuing_education_shortfall_is_told_in_the_study_hour_reminder(
    world: World,
) -> None:
    # level-standard §9.4.1.2: continuing education within validity is one of the regimes the
    # study-hour reminder measures, so it reaches the holder as that notice (not one of its own)
    p = world.p
    certified(world)
    hours.send_reminders(dt.date(2026, 11, 1))
    mail = OutboxMessage.objects.get(recipient=p.cqo, kind="hours.reminder", channel="email")
    assert "能力水平认定证书有效期内继续教育" in mail.what
    assert "《首席质量官能力水平认定》（征求意见稿） 9.4.1.2" in mail.what
    assert "level-standard" not in mail.what and mail.deadline == dt.date(2026, 12, 31)
