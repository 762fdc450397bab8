"""The demo community builds through the services and resets cleanly."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from cqo.accounts.models import Role
from cqo.certification import services as certification
from cqo.community.demo import build_community_showcase, community_reset
from cqo.community.models import Alliance, CaseCompetition, Event, Membership, Post, Submission
from cqo.hours.models import StudyRecord
from cqo.reference.models import Region
from cqo.registry import services as registry
from cqo.test import PASSWORD, Personas, file_appointment, make_user, new_id_number, person_data
from tests.certification.conftest import body_data

pytestmark = pytest.mark.django_db


def test_it_builds_the_showcase_and_resets(personas: Personas) -> None:
    p = personas
    file_appointment(p)
    newcqo, _person = registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(
                    name="赵玥",
                    id_number=new_id_number(birth=dt.date(1990, 5, 20), gender="F"),
                    mobile="13700295566",
                ),
                "username": "newcqo",
                "password": PASSWORD,
            }
        )
    )
    xian = make_user("xian", Role.REGULATOR, region=Region.objects.get(code="610100"))
    # the certifier as a Shaanxi body's staff: it organises an exchange (level-standard §11)
    body = certification.body_create(actor=p.admin, terms=certification.BodyTerms(**body_data()))
    certification.member_add(actor=p.admin, body=body, username="certifier")
    users = {
        "prov": p.province,
        "xian": xian,
        "cqo": p.cqo,
        "newcqo": newcqo,
        "certifier": p.certifier,
    }
    build_community_showcase(random.Random(1), users)  # noqa: S311  (demo data, not secrets)
    assert Event.objects.get(kind="lecture").created_by == p.certifier
    alliance = Alliance.objects.get(region_id="610000")
    states = sorted(alliance.memberships.values_list("person__name", "state", "role"))
    assert ("李堃", "approved", "officer") in states and ("赵玥", "pending", "member") in states
    forum, salon = Event.objects.get(kind="forum"), Event.objects.get(kind="salon")
    assert forum.registrations.filter(attended=True, study_record__isnull=False).count() == 2
    assert salon.registrations.filter(state="registered").count() == 2
    assert StudyRecord.objects.filter(source_ref__startswith="event:").count() == 2
    assert Post.objects.filter(kind="article").count() == 2
    assert Post.objects.get(kind="question").accepted_answer is not None
    done = CaseCompetition.objects.get(published_at__isnull=False)
    assert list(done.submissions.order_by("rank").values_list("rank", flat=True)) == [1, 2, 3]
    assert Submission.objects.filter(awarded=True).count() == 2
    assert CaseCompetition.objects.filter(published_at__isnull=True).count() == 1
    counts = community_reset()
    assert counts["alliances"] == 1 and counts["peer_accounts"] == 1
    assert not Membership.objects.exists() and not CaseCompetition.objects.exists()
