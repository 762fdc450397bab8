"""Every community page: success, invalid input, out of scope (404) and no login."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cqo.accounts.models import User
from cqo.community import forms, services
from cqo.community.models import (
    Alliance,
    CaseCompetition,
    Event,
    Membership,
    Post,
    Submission,
)
from cqo.hours.models import StudyRecord
from cqo.test import PASSWORD
from tests.community.conftest import TODAY, World, moment
from tests.lib.test_uploads import png_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def login(client: Client, user: User | str) -> Client:
    client.logout()
    name = user if isinstance(user, str) else user.username
    assert client.login(username=name, password=PASSWORD)
    return client


@pytest.fixture
def full(world: World, at: Any) -> dict[str, Any]:
    """An alliance with an event, a question with an answer, and a call with a case."""
    p, a = world.p, world.alliance
    event = services.event_create(
        actor=p.city,
        alliance=a,
        terms=services.EventTerms(
            kind="salon",
            title="质量沙龙",
            venue="雁塔区",
            starts_at=moment(TODAY + dt.timedelta(days=3)),
            ends_at=moment(TODAY + dt.timedelta(days=3), 17),
            capacity=20,
            counts_hours=True,
            hours=Decimal("2"),
        ),
    )
    post = services.post_create(
        actor=p.cqo, alliance=a, kind="question", title="请教SPC", body="怎么起步"
    )
    answer = services.answer_create(actor=p.cqo, post=post, body="先做控制图")
    comp = services.competition_create(
        actor=p.city,
        terms=services.CompetitionTerms(
            title="西安市案例评比",
            region="610100",
            submission_opens=TODAY,
            submission_closes=TODAY + dt.timedelta(days=5),
            judging_opens=TODAY + dt.timedelta(days=6),
            judging_closes=TODAY + dt.timedelta(days=9),
            awards=1,
            criteria=forms.criteria_pairs("成效：50\n方法：50"),
            judges=forms.judge_names("city"),
        ),
    )
    sub = services.submission_create(
        actor=p.cqo,
        competition=comp,
        case=services.CaseTerms(title="案例A", method="lean", case_text="过程", results="成效"),
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")],
    )
    return {"event": event, "post": post, "answer": answer, "comp": comp, "sub": sub}


def urls(world: World, full: dict[str, Any]) -> list[str]:
    a = world.alliance.public_id
    return [
        "/community/",
        f"/community/alliances/{a}/",
        f"/community/alliances/{a}/members/",
        f"/community/alliances/{a}/posts/",
        "/community/events/",
        f"/community/events/{full['event'].public_id}/",
        f"/community/posts/{full['post'].public_id}/",
        "/community/competitions/",
        f"/community/competitions/{full['comp'].public_id}/",
        f"/community/submissions/{full['sub'].public_id}/",
        f"/community/attachments/{full['sub'].attachments.get().public_id}/",
    ]


def test_every_page_answers_in_scope_and_asks_for_login(
    world: World, full: dict[str, Any], client: Client
) -> None:
    for user in (world.p.city, world.p.cqo):
        login(client, user)
        for url in urls(world, full):
            assert client.get(url).status_code == 200, (user, url)
    client.logout()
    for url in urls(world, full):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_out_of_scope_objects_are_404(world: World, full: dict[str, Any], client: Client) -> None:
    login(client, world.p.county_b)
    lists = {"/community/", "/community/events/", "/community/competitions/"}
    for url in urls(world, full):
        expected = 200 if url in lists else 404
        assert client.get(url).status_code == expected, url
    assert "西安市首席质量官联盟" not in client.get("/community/").content.decode()
    assert client.get("/community/alliances/not-a-uuid/").status_code == 404
    for post in (
        f"/community/alliances/{world.alliance.public_id}/join/",
        f"/community/events/{full['event'].public_id}/register/",
        f"/community/competitions/{full['comp'].public_id}/publish/",
        f"/community/posts/{full['post'].public_id}/moderate/",
    ):
        assert client.post(post, {"reason": "测试"}).status_code == 404, post


def test_lists_search_and_export(world: World, full: dict[str, Any], client: Client) -> None:
    login(client, world.p.city)
    a = world.alliance.public_id
    assert "西安市首席质量官联盟" in client.get("/community/", {"q": "西安"}).content.decode()
    assert "西安市首席质量官联盟" not in client.get("/community/", {"q": "宝鸡"}).content.decode()
    login(client, world.p.cqo)
    mine = client.get("/community/").content.decode()
    assert 'id="mine"' in mine and "秘书长" in mine and "案例A" in mine
    login(client, world.p.city)
    for url in (
        "/community/",
        f"/community/alliances/{a}/members/",
        f"/community/alliances/{a}/posts/",
        "/community/events/",
        f"/community/events/{full['event'].public_id}/",
        "/community/competitions/",
        f"/community/competitions/{full['comp'].public_id}/",
    ):
        response = client.get(url, {"export": "xlsx"})
        assert response["Content-Type"] == XLSX, url
    assert "李堃" in client.get(f"/community/alliances/{a}/members/", {"q": "李"}).content.decode()
    assert (
        "请教SPC"
        not in client.get(f"/community/alliances/{a}/posts/", {"kind": "article"}).content.decode()
    )


def test_a_regulator_creates_an_alliance_and_an_event(world: World, client: Client) -> None:
    login(client, world.p.city)
    bad = client.post(
        "/community/alliances/new/", {"name": "", "kind": "alliance", "region": "610302"}
    )
    assert bad.status_code == 200 and "error-name" in bad.content.decode()
    denied = client.post(
        "/community/alliances/new/", {"name": "宝鸡联盟", "kind": "home", "region": "610302"}
    )
    assert denied.status_code == 403  # Baoji is not under Xi'an
    made = client.post(
        "/community/alliances/new/", {"name": "雁塔之家", "kind": "home", "region": "610113"}
    )
    home = Alliance.objects.get(name="雁塔之家")
    assert made["Location"] == f"/community/alliances/{home.public_id}/"
    url = f"/community/alliances/{home.public_id}/events/new/"
    bad = client.post(
        url,
        {
            "kind": "salon",
            "title": "沙龙",
            "venue": "x",
            "capacity": 0,
            "starts_at": "2026-06-20T14:00",
            "ends_at": "2026-06-20T13:00",
        },
    )
    assert bad.status_code == 200 and not Event.objects.filter(alliance=home).exists()
    made = client.post(
        url,
        {
            "kind": "salon",
            "title": "沙龙",
            "venue": "雁塔区",
            "capacity": 5,
            "starts_at": "2026-06-20T14:00",
            "ends_at": "2026-06-20T17:00",
        },
    )
    assert made.status_code == 302 and Event.objects.filter(alliance=home).count() == 1
    login(client, world.p.cqo)
    assert client.get("/community/alliances/new/").status_code == 403
    assert client.get(url).status_code == 403


def test_a_cqo_joins_and_registers_through_the_pages(world: World, client: Client, at: Any) -> None:
    p = world.p
    world.other.region_id = "610113"
    world.other.save(update_fields=["region"])
    a = world.alliance
    login(client, world.other_user)
    page = client.get(f"/community/alliances/{a.public_id}/").content.decode()
    assert 'id="btn-join"' in page
    client.post(f"/community/alliances/{a.public_id}/join/", {"statement": "申请"})
    m = Membership.objects.get(person=world.other)
    assert m.state == "pending"
    again = client.post(f"/community/alliances/{a.public_id}/join/", follow=True)
    assert "已申请或已是该联盟会员" in again.content.decode()
    assert client.get(f"/community/alliances/{a.public_id}/posts/").status_code == 404  # not yet
    login(client, p.city)
    assert "王磊" in client.get(f"/community/alliances/{a.public_id}/").content.decode()
    rejected = client.post(
        f"/community/memberships/{m.public_id}/decide/", {"decision": "reject"}, follow=True
    )
    assert "不予通过须写明理由" in rejected.content.decode()
    client.post(f"/community/memberships/{m.public_id}/decide/", {"decision": "approve"})
    m.refresh_from_db()
    assert m.state == "approved"
    client.post(
        f"/community/memberships/{m.public_id}/role/",
        {"role": "officer", "officer_title": "副秘书长"},
    )
    m.refresh_from_db()
    assert m.officer_title == "副秘书长"
    event = services.event_create(
        actor=p.city,
        alliance=a,
        terms=services.EventTerms(
            kind="forum",
            title="论坛",
            venue="x",
            capacity=5,
            counts_hours=True,
            hours=Decimal("3"),
            starts_at=moment(TODAY + dt.timedelta(days=2)),
            ends_at=moment(TODAY + dt.timedelta(days=2), 17),
        ),
    )
    login(client, world.other_user)
    client.post(f"/community/events/{event.public_id}/register/")
    reg = event.registrations.get()
    assert reg.state == "registered"
    client.post(f"/community/registrations/{reg.public_id}/cancel/")
    reg.refresh_from_db()
    assert reg.state == "cancelled"
    client.post(f"/community/events/{event.public_id}/register/")
    at(TODAY + dt.timedelta(days=3))
    login(client, p.city)
    done = client.post(
        f"/community/events/{event.public_id}/attendance/",
        {"attended": [str(reg.public_id)]},
        follow=True,
    )
    assert "新存证学时记录 1 条" in done.content.decode()
    assert StudyRecord.objects.get(person=world.other).kind == "academic_exchange"
    bad = client.post(f"/community/events/{event.public_id}/cancel/", {"reason": ""}, follow=True)
    assert "请写明原因" in bad.content.decode()
    login(client, world.other_user)
    client.post(f"/community/memberships/{m.public_id}/leave/")
    m.refresh_from_db()
    assert m.state == "left"


def test_posting_answering_accepting_and_moderating(
    world: World, full: dict[str, Any], client: Client
) -> None:
    p, a = world.p, world.alliance
    login(client, p.cqo)
    bad = client.post(
        f"/community/alliances/{a.public_id}/posts/new/",
        {"kind": "article", "title": "", "body": ""},
    )
    assert bad.status_code == 200 and "error-title" in bad.content.decode()
    client.post(
        f"/community/alliances/{a.public_id}/posts/new/",
        {"kind": "article", "title": "经验", "body": "正文"},
    )
    article = Post.objects.get(title="经验")
    post = full["post"]
    client.post(f"/community/posts/{post.public_id}/answer/", {"body": "再补充一点"})
    assert post.answers.count() == 2
    empty = client.post(f"/community/posts/{post.public_id}/answer/", {"body": " "}, follow=True)
    assert "请填写回答" in empty.content.decode()
    client.post(f"/community/answers/{full['answer'].public_id}/accept/")
    post.refresh_from_db()
    assert post.accepted_answer == full["answer"]
    assert 'id="accepted"' in client.get(f"/community/posts/{post.public_id}/").content.decode()
    client.post(
        f"/community/posts/{article.public_id}/moderate/", {"action": "hide", "reason": "广告"}
    )
    article.refresh_from_db()
    assert article.hidden and article.hidden_reason == "广告"
    client.post(
        f"/community/answers/{full['answer'].public_id}/moderate/",
        {"action": "hide", "reason": "重复"},
    )
    full["answer"].refresh_from_db()
    assert full["answer"].hidden
    nothing = client.post(
        f"/community/posts/{article.public_id}/moderate/",
        {"action": "unhide", "reason": ""},
        follow=True,
    )
    assert "请写明原因" in nothing.content.decode()
    client.post(
        f"/community/posts/{article.public_id}/moderate/", {"action": "unhide", "reason": "已处理"}
    )
    article.refresh_from_db()
    assert not article.hidden


def test_a_regulator_runs_a_competition_through_the_pages(
    world: World, full: dict[str, Any], client: Client, at: Any
) -> None:
    p = world.p
    login(client, p.city)
    bad = client.post(
        "/community/competitions/new/",
        {
            "title": "评比",
            "region": "610100",
            "submission_opens": "2026-06-15",
            "submission_closes": "2026-06-20",
            "judging_opens": "2026-06-20",
            "judging_closes": "2026-06-30",
            "awards": 1,
            "criteria": "成效",
            "judges": "nobody",
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and "error-judging_opens" in page and "error-criteria" in page
    assert "error-judges" in page and CaseCompetition.objects.count() == 1
    comp, sub = full["comp"], full["sub"]
    login(client, p.cqo)
    bad = client.post(
        f"/community/competitions/{comp.public_id}/submit/",
        {
            "title": "案例B",
            "method": "lean",
            "case_text": "x",
            "results": "y",
            "attachment_1": SimpleUploadedFile("virus.pdf", b"MZ"),
        },
    )
    assert bad.status_code == 200 and "error-attachment_1" in bad.content.decode()
    made = client.post(
        f"/community/competitions/{comp.public_id}/submit/",
        {
            "title": "案例B",
            "method": "qc_circle",
            "case_text": "x",
            "results": "y",
            "enterprise": p.enterprise_a.uscc,
            "attachment_1": SimpleUploadedFile("photo.png", png_bytes()),
        },
    )
    second = Submission.objects.get(title="案例B")
    assert made["Location"] == f"/community/submissions/{second.public_id}/"
    at(TODAY + dt.timedelta(days=6))
    login(client, p.city)
    url = f"/community/submissions/{sub.public_id}/"
    assert 'id="btn-score"' in client.get(url).content.decode()
    wrong = client.post(url + "score/", {"c1": "51", "c2": "10"}, follow=True)
    assert "分值应在 0 到 50 之间" in wrong.content.decode()
    client.post(url + "score/", {"c1": "40", "c2": "40"})
    assert 'id="trail"' in client.get(url).content.decode()  # the score sheet is audited
    client.post(f"/community/submissions/{second.public_id}/score/", {"c1": "45", "c2": "35"})
    client.post(f"/community/competitions/{comp.public_id}/publish/")
    comp.refresh_from_db()
    assert comp.published_at is not None
    detail = client.get(f"/community/competitions/{comp.public_id}/").content.decode()
    assert 'data-phase="published"' in detail
    ranks = dict(Submission.objects.values_list("title", "rank"))
    assert ranks == {"案例A": 1, "案例B": 1}  # 80 and 80: tied, both awarded
    client.logout()
    library = client.get("/cases/", {"q": "案例"}).content.decode()
    assert "案例A" in library and "案例B" in library and p.person.id_number_masked not in library
    assert client.get(f"/cases/{sub.public_id}/").status_code == 200
    assert client.get("/cases/", {"method": "lean"}).content.decode().count("/cases/") >= 1


def test_the_library_hides_unpublished_and_unawarded_cases(
    world: World, full: dict[str, Any], client: Client
) -> None:
    assert client.get(f"/cases/{full['sub'].public_id}/").status_code == 404
    assert client.get("/cases/not-a-uuid/").status_code == 404
    assert "案例A" not in client.get("/cases/").content.decode()


def test_every_form_and_action_asks_for_login(
    world: World, full: dict[str, Any], client: Client
) -> None:
    a, e, post = world.alliance.public_id, full["event"].public_id, full["post"].public_id
    m = Membership.objects.get(person=world.p.person).public_id
    ans, comp, sub = full["answer"].public_id, full["comp"].public_id, full["sub"].public_id
    reg = services.registration_create(actor=world.p.cqo, event=full["event"]).public_id
    gets = [
        "/community/alliances/new/",
        f"/community/alliances/{a}/events/new/",
        f"/community/alliances/{a}/posts/new/",
        "/community/competitions/new/",
        f"/community/competitions/{comp}/submit/",
    ]
    posts = [
        f"/community/alliances/{a}/join/",
        f"/community/memberships/{m}/decide/",
        f"/community/memberships/{m}/role/",
        f"/community/memberships/{m}/leave/",
        f"/community/events/{e}/register/",
        f"/community/events/{e}/attendance/",
        f"/community/events/{e}/cancel/",
        f"/community/registrations/{reg}/cancel/",
        f"/community/posts/{post}/answer/",
        f"/community/posts/{post}/moderate/",
        f"/community/answers/{ans}/accept/",
        f"/community/answers/{ans}/moderate/",
        f"/community/competitions/{comp}/publish/",
        f"/community/submissions/{sub}/score/",
        f"/community/submissions/{sub}/withdraw/",
    ]
    for url in gets:
        assert "/accounts/login/" in client.get(url)["Location"], url
    for url in posts:
        assert "/accounts/login/" in client.post(url, {"reason": "x"})["Location"], url
    login(client, world.p.city)
    for url in gets[:2] + gets[3:4]:
        assert client.get(url).status_code == 200, url
    login(client, world.p.cqo)
    for url in gets[2:3] + gets[4:]:
        assert client.get(url).status_code == 200, url
    # an action on another person's registration or case is 404 (not theirs to see)
    login(client, world.p.clerk_a)
    assert client.post(f"/community/registrations/{reg}/cancel/").status_code == 404
    assert client.post(f"/community/submissions/{sub}/withdraw/").status_code == 404
    assert client.get(f"/community/memberships/{m}/decide/").status_code == 405


def test_the_admin_lists_the_community_read_only(
    world: World, full: dict[str, Any], client: Client
) -> None:
    login(client, world.p.admin)
    for model in (
        "alliance",
        "membership",
        "event",
        "registration",
        "post",
        "answer",
        "casecompetition",
        "submission",
    ):
        assert client.get(f"/admin/community/{model}/").status_code == 200, model
    assert client.get("/admin/community/alliance/add/").status_code == 403


def test_a_cqo_without_a_filed_appointment_is_told_before_filling_the_case_form(
    world: World, full: dict[str, Any], client: Client
) -> None:
    from cqo.registry.models import Appointment

    comp = full["comp"]
    url = f"/community/competitions/{comp.public_id}/"
    page = login(client, world.p.cqo).get(url).content.decode()
    assert "btn-submit-case" in page and "cannot-submit" not in page
    Appointment.objects.filter(person=world.p.person).update(status=Appointment.Status.ENDED)
    page = client.get(url).content.decode()
    assert "btn-submit-case" not in page and "须有已备案的聘任方可申报案例" in page
    form = client.get(f"/community/competitions/{comp.public_id}/submit/")
    assert form.status_code == 302 and form["Location"].endswith(url)
