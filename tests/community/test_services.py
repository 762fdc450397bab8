"""The community's services: membership, events with hours through cqo.hours, the exchange
space with moderation, and the case competition from call to published results with ties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from cqo.accounts.models import Role
from cqo.audit.models import AuditEntry
from cqo.community import forms, selectors, services
from cqo.community.models import CaseCompetition, Membership, Submission
from cqo.hours.models import StudyRecord
from cqo.test import make_user
from tests.community.conftest import TODAY, World, moment

pytestmark = pytest.mark.django_db


def keys(exc: Any) -> set[str]:
    return set(exc.value.message_dict)


# Alliances and membership ---------------------------------------------------------------------


def test_it_scopes_alliances_to_the_region_tree(world: World) -> None:
    p, a = world.p, world.alliance
    for user in (p.province, p.city, p.cqo, p.clerk_a, p.admin):
        assert selectors.alliance_get(user=user, public_id=a.public_id) == a
    for user in (p.county_a, p.county_b, p.clerk_b, world.other_user, p.trainer):
        with pytest.raises(Http404):
            selectors.alliance_get(user=user, public_id=a.public_id)
    with pytest.raises(PermissionDenied):  # a county cannot set one up for its city
        services.alliance_create(actor=p.county_a, name="联盟", region="610100")
    with pytest.raises(ValidationError) as exc:
        services.alliance_create(actor=p.city, name="", region="999999", kind="x")
    assert keys(exc) == {"name", "region", "kind"}
    with pytest.raises(ValidationError) as exc:
        services.alliance_create(actor=p.city, name="西安市首席质量官联盟", region="610100")
    assert keys(exc) == {"name"}


def test_it_takes_applications_that_the_regulator_decides(world: World) -> None:
    p, a = world.p, world.alliance
    with pytest.raises(PermissionDenied):  # the Baoji CQO does not see a Xi'an alliance
        services.membership_apply(actor=world.other_user, alliance=a)
    with pytest.raises(ValidationError):  # already a member
        services.membership_apply(actor=p.cqo, alliance=a)
    mine = selectors.membership_of(p.cqo, a)
    assert mine is not None and (mine.state, mine.role) == ("approved", "officer")
    # a second CQO registered in Yanta applies; a county regulator cannot decide for the city
    newcomer = make_user("cqo2", Role.CQO)
    from cqo.registry.models import Person

    Person.objects.filter(pk=world.other.pk).update(user=None)
    world.other.user = newcomer
    world.other.region_id = "610113"
    world.other.save(update_fields=["user", "region"])
    m = services.membership_apply(actor=newcomer, alliance=a, statement="希望交流")
    with pytest.raises(PermissionDenied):
        services.membership_decide(actor=p.county_a, membership=m, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.membership_decide(actor=p.city, membership=m, approve=False, note="")
    assert keys(exc) == {"note"}
    services.membership_decide(actor=p.province, membership=m, approve=True)
    with pytest.raises(ValidationError):
        services.membership_decide(actor=p.city, membership=m, approve=True)
    directory = selectors.member_list(user=newcomer, alliance=a)
    assert [x.person.name for x in directory] == ["李堃", "王磊"]  # officers first
    with pytest.raises(ValidationError) as exc:
        services.membership_set_role(actor=p.city, membership=m, role="officer")
    assert keys(exc) == {"officer_title"}
    services.membership_leave(actor=newcomer, membership=m)
    m.refresh_from_db()
    assert m.state == Membership.State.LEFT
    assert AuditEntry.objects.filter(target_id=str(m.public_id)).count() == 3


# Events ---------------------------------------------------------------------------------------


def event_data(**extra: Any) -> services.EventTerms:
    data = {
        "kind": "forum",
        "title": "质量提升论坛",
        "venue": "西安市雁塔区科技路1号",
        "starts_at": moment(TODAY + dt.timedelta(days=5)),
        "ends_at": moment(TODAY + dt.timedelta(days=5), 17),
        "capacity": 1,
        "counts_hours": True,
        "hours": Decimal("4"),
    }
    data.update(extra)
    return services.EventTerms(**data)


def test_it_validates_events(world: World) -> None:
    p, a = world.p, world.alliance
    with pytest.raises(PermissionDenied):
        services.event_create(actor=p.county_a, alliance=a, terms=event_data())
    with pytest.raises(ValidationError) as exc:
        services.event_create(
            actor=p.city,
            alliance=a,
            terms=event_data(
                kind="party",
                title="",
                capacity=0,
                hours=Decimal("0"),
                ends_at=moment(TODAY),
                venue="",
            ),
        )
    assert keys(exc) == {"kind", "title", "capacity", "hours", "ends_at", "venue"}


def test_it_registers_members_up_to_capacity_and_counts_attendance_as_hours(
    world: World, at: Any
) -> None:
    p, a = world.p, world.alliance
    event = services.event_create(actor=p.city, alliance=a, terms=event_data())
    with pytest.raises(PermissionDenied):  # not a member
        services.registration_create(actor=world.other_user, event=event)
    reg = services.registration_create(actor=p.cqo, event=event)
    with pytest.raises(ValidationError):
        services.registration_create(actor=p.cqo, event=event)
    services.registration_cancel(actor=p.cqo, registration=reg)
    reg = services.registration_create(actor=p.cqo, event=event)  # back in, same row
    # capacity 1: a second member is refused
    world.other.region_id = "610113"
    world.other.save(update_fields=["region"])
    m = services.membership_apply(actor=world.other_user, alliance=a)
    services.membership_decide(actor=p.city, membership=m, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.registration_create(actor=world.other_user, event=event)
    assert "名额已满" in str(exc.value)
    with pytest.raises(ValidationError):  # too early to mark attendance
        services.attendance_record(actor=p.city, event=event, attended=[str(reg.public_id)])
    at(TODAY + dt.timedelta(days=6))
    with pytest.raises(ValidationError):  # registration closed once started
        services.registration_cancel(actor=p.cqo, registration=reg)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=p.city, event=event, attended=["not-a-registration"])
    assert keys(exc) == {"attendance"}
    counts = services.attendance_record(actor=p.city, event=event, attended=[str(reg.public_id)])
    assert counts == {"attended": 1, "absent": 0, "hours": 1}
    record = StudyRecord.objects.get(person=p.person)
    assert (record.kind, record.hours, record.source) == (
        "academic_exchange",
        Decimal("4.0"),
        "activity",
    )
    assert record.source_ref == f"event:{event.public_id}:{p.person.public_id}"
    assert record.ledger_index is not None and record.evidence.name.endswith(".txt")
    assert record.occurred_on == TODAY + dt.timedelta(days=5)
    # marking again writes nothing new; unmarking a logged attendee is refused
    assert (
        services.attendance_record(actor=p.city, event=event, attended=[str(reg.public_id)])[
            "hours"
        ]
        == 0
    )
    assert StudyRecord.objects.filter(person=p.person).count() == 1
    with pytest.raises(ValidationError):
        services.attendance_record(actor=p.city, event=event, attended=[])


def test_a_lecture_counts_as_a_lecture_and_a_salon_without_hours_writes_none(
    world: World, at: Any
) -> None:
    p, a = world.p, world.alliance
    lecture = services.event_create(actor=p.city, alliance=a, terms=event_data(kind="lecture"))
    salon = services.event_create(
        actor=p.city,
        alliance=a,
        terms=event_data(kind="salon", counts_hours=False, hours=Decimal(0)),
    )
    r1 = services.registration_create(actor=p.cqo, event=lecture)
    r2 = services.registration_create(actor=p.cqo, event=salon)
    at(TODAY + dt.timedelta(days=6))
    services.attendance_record(actor=p.city, event=lecture, attended=[str(r1.public_id)])
    services.attendance_record(actor=p.city, event=salon, attended=[str(r2.public_id)])
    assert list(StudyRecord.objects.values_list("kind", flat=True)) == ["lecture"]
    with pytest.raises(ValidationError):  # attended events cannot be cancelled
        services.event_cancel(actor=p.city, event=lecture, reason="下雨")


# Exchange space -------------------------------------------------------------------------------


def test_members_share_and_officers_moderate(world: World) -> None:
    p, a = world.p, world.alliance
    with pytest.raises(PermissionDenied):
        services.post_create(actor=world.other_user, alliance=a, kind="", title="", body="")
    with pytest.raises(ValidationError) as exc:
        services.post_create(actor=p.cqo, alliance=a, kind="x", title="", body="")
    assert keys(exc) == {"kind", "title", "body"}
    q = services.post_create(
        actor=p.cqo,
        alliance=a,
        kind="question",
        title="如何推行QC小组？",
        body="请教",
    )
    ans = services.answer_create(actor=p.cqo, post=q, body="从现场问题入手")
    services.answer_accept(actor=p.cqo, answer=ans)
    q.refresh_from_db()
    assert q.accepted_answer == ans
    article = services.post_create(
        actor=p.cqo, alliance=a, kind="article", title="文章", body="正文"
    )
    with pytest.raises(ValidationError):  # only questions take answers
        services.answer_create(actor=p.cqo, post=article, body="x")
    with pytest.raises(PermissionDenied):  # a county regulator does not manage a city alliance
        services.moderate(actor=p.county_a, target=article, hide=True, reason="不当内容")
    with pytest.raises(ValidationError) as exc:
        services.moderate(actor=p.cqo, target=article, hide=True, reason="")
    assert keys(exc) == {"reason"}
    services.moderate(actor=p.cqo, target=ans, hide=True, reason="含广告")
    q.refresh_from_db()
    assert q.accepted_answer is None  # a hidden answer is no longer the accepted one
    services.moderate(actor=p.city, target=article, hide=True, reason="含广告")
    assert article not in selectors.post_list(user=world.p.cqo, alliance=a).filter(hidden=False)
    with pytest.raises(ValidationError):
        services.moderate(actor=p.city, target=article, hide=True, reason="再次隐藏")
    services.moderate(actor=p.city, target=article, hide=False, reason="已整改")
    assert AuditEntry.objects.filter(target_type="community_post", action="transition").count() == 2


def test_hidden_posts_are_404_to_other_members(world: World) -> None:
    p, a = world.p, world.alliance
    world.other.region_id = "610113"
    world.other.save(update_fields=["region"])
    m = services.membership_apply(actor=world.other_user, alliance=a)
    services.membership_decide(actor=p.city, membership=m, approve=True)
    post = services.post_create(
        actor=world.other_user,
        alliance=a,
        kind="experience",
        title="经验",
        body="x",
    )
    services.moderate(actor=p.cqo, target=post, hide=True, reason="重复发布")
    assert selectors.post_get(user=world.other_user, public_id=post.public_id) == post  # author
    assert selectors.post_get(user=p.cqo, public_id=post.public_id) == post  # officer
    mine = selectors.membership_of(p.cqo, a)
    assert mine is not None
    services.membership_set_role(actor=p.city, membership=mine, role="member")
    with pytest.raises(Http404):
        selectors.post_get(user=p.cqo, public_id=post.public_id)
    with pytest.raises(Http404):
        selectors.post_get(
            user=p.clerk_a, public_id=post.public_id
        )  # sees the alliance, not the space


# Case competition -----------------------------------------------------------------------------


def call_data(**extra: Any) -> services.CompetitionTerms:
    data = {
        "title": "2026年质量改进经典案例评比",
        "region": "610000",
        "submission_opens": TODAY,
        "submission_closes": TODAY + dt.timedelta(days=10),
        "judging_opens": TODAY + dt.timedelta(days=11),
        "judging_closes": TODAY + dt.timedelta(days=20),
        "awards": 2,
        "criteria": "问题识别：20\n方法运用：30\n改进成效：50",
        "judges": "prov city cqo_b",
    }
    data.update(extra)
    return services.CompetitionTerms(
        **{
            **data,
            "criteria": forms.criteria_pairs(data["criteria"]),
            "judges": forms.judge_names(data["judges"]),
        }
    )


def case(n: int) -> services.CaseTerms:
    return services.CaseTerms(
        title=f"案例{n}",
        method="six_sigma",
        case_text="背景与过程",
        results="不良率下降",
    )


def test_it_validates_the_call(world: World) -> None:
    p = world.p
    with pytest.raises(PermissionDenied):
        services.competition_create(actor=p.city, terms=call_data())  # the province's region
    with pytest.raises(ValidationError) as exc:
        services.competition_create(
            actor=p.province,
            terms=call_data(
                title="",
                judging_opens=TODAY + dt.timedelta(days=10),
                criteria="问题识别：0\n无分值",
                judges="trainer nobody",
                awards=0,
            ),
        )
    assert keys(exc) == {"title", "judging_opens", "criteria", "judges", "awards"}


def test_a_call_runs_from_submissions_to_published_ranking_with_ties(world: World, at: Any) -> None:
    p = world.p
    comp = services.competition_create(actor=p.province, terms=call_data())
    assert [c.max_points for c in comp.criteria.all()] == [20, 30, 50]
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.7 test", content_type="application/pdf")
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.submission_create(actor=p.cqo, competition=comp, case=case(1), files=[exe])
    assert keys(exc) == {"attachments"}
    s1 = services.submission_create(actor=p.cqo, competition=comp, case=case(1), files=[pdf])
    assert s1.attachments.get().size == len(b"%PDF-1.7 test")
    s2 = services.submission_create(actor=p.cqo, competition=comp, case=case(2))
    s3 = services.submission_create(actor=world.other_user, competition=comp, case=case(3))
    s4 = services.submission_create(actor=p.cqo, competition=comp, case=case(4))
    services.submission_withdraw(actor=p.cqo, submission=s4)
    with pytest.raises(ValidationError):  # not yet judging
        services.score_submit(
            actor=p.province, submission=s1, points=forms.score_sheet({"c1": 1, "c2": 1, "c3": 1})
        )
    at(TODAY + dt.timedelta(days=11))
    with pytest.raises(ValidationError):  # the submission window has closed
        services.submission_create(actor=p.cqo, competition=comp, case=case(5))
    with pytest.raises(PermissionDenied):  # not a judge
        services.score_submit(actor=p.county_a, submission=s1, points=forms.score_sheet({}))
    with pytest.raises(PermissionDenied):  # the peer judge's own case
        services.score_submit(actor=world.other_user, submission=s3, points=forms.score_sheet({}))
    with pytest.raises(ValidationError) as exc:
        services.score_submit(
            actor=p.province,
            submission=s1,
            points=forms.score_sheet({"c1": "21", "c2": "x", "c3": "10.55"}),
        )
    assert keys(exc) == {"c1", "c2", "c3"}
    with pytest.raises(ValidationError) as exc:
        services.results_publish(actor=p.province, competition=comp)
    assert keys(exc) == {"scores"}
    sheets = {
        # s1 and s2 tie on the mean (prov 90 + city 80 + cqo_b 85 = 85; 84 + 86 + 85 = 85)
        (p.province, s1): (20, 30, 40),
        (p.city, s1): (15, 25, 40),
        (world.other_user, s1): (15, 30, 40),
        (p.province, s2): (14, 30, 40),
        (p.city, s2): (16, 30, 40),
        (world.other_user, s2): (15, 30, 40),
        # s3 is judged by prov and city only (the peer judge is its author): (95 + 60) / 2 = 77.5
        (p.province, s3): (20, 30, 45),
        (p.city, s3): (10, 20, 30),
    }
    for (judge, sub), (a, b, c) in sheets.items():
        services.score_submit(
            actor=judge, submission=sub, points=forms.score_sheet({"c1": a, "c2": b, "c3": c})
        )
    with pytest.raises(PermissionDenied):
        services.results_publish(actor=p.city, competition=comp)
    services.results_publish(actor=p.province, competition=comp)
    ranked = list(Submission.objects.filter(state="submitted").order_by("rank", "submitted_at"))
    assert [(s.title, s.rank, s.score, s.awarded) for s in ranked] == [
        ("案例1", 1, Decimal("85.00"), True),  # tied: submitted first
        ("案例2", 1, Decimal("85.00"), True),
        ("案例3", 3, Decimal("77.50"), False),
    ]
    assert list(selectors.library()) == [s1, s2]
    assert list(selectors.library(q="案例2")) == [s2]
    assert list(selectors.library(method="lean")) == []
    with pytest.raises(ValidationError):
        services.results_publish(actor=p.province, competition=comp)
    with pytest.raises(ValidationError):  # scores are frozen once published
        services.score_submit(
            actor=p.province, submission=s1, points=forms.score_sheet({"c1": 1, "c2": 1, "c3": 1})
        )
    comp.refresh_from_db()
    assert comp.published_at is not None and selectors.competition_phase(comp) == "published"


def test_judges_see_the_competition_and_cqos_only_their_own_cases(world: World) -> None:
    p = world.p
    comp = services.competition_create(
        actor=p.province, terms=call_data(region="610300", judges="prov")
    )
    # a Baoji call: the Yanta CQO cannot see it, the Baoji CQO can
    with pytest.raises(Http404):
        selectors.competition_get(user=p.cqo, public_id=comp.public_id)
    assert CaseCompetition.objects.filter(selectors.competition_q(world.other_user)).count() == 1
    sub = services.submission_create(actor=world.other_user, competition=comp, case=case(1))
    with pytest.raises(Http404):
        selectors.submission_get(user=p.county_b, public_id=sub.public_id)
    assert selectors.submission_get(user=p.province, public_id=sub.public_id) == sub
