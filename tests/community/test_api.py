"""Every community endpoint: success, invalid input (422 with field names), out of scope (404)
and no token (401)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cqo.community import services
from cqo.community.models import Event, Membership, Submission
from cqo.test import Personas
from tests.community.conftest import TODAY, World, moment
from tests.registry.test_api import callers, fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def event_body(**extra: Any) -> dict[str, Any]:
    body = {
        "kind": "lecture",
        "title": "质量专题讲座",
        "venue": "雁塔区",
        "starts_at": moment(TODAY + dt.timedelta(days=2)).isoformat(),
        "ends_at": moment(TODAY + dt.timedelta(days=2), 17).isoformat(),
        "capacity": 10,
        "counts_hours": True,
        "hours": "2",
    }
    body.update(extra)
    return body


def call_body(**extra: Any) -> dict[str, Any]:
    body = {
        "title": "西安市案例评比",
        "region": "610100",
        "submission_opens": TODAY.isoformat(),
        "submission_closes": (TODAY + dt.timedelta(days=5)).isoformat(),
        "judging_opens": (TODAY + dt.timedelta(days=6)).isoformat(),
        "judging_closes": (TODAY + dt.timedelta(days=9)).isoformat(),
        "awards": 1,
        "criteria": [{"name": "成效", "max_points": 60}, {"name": "方法", "max_points": 40}],
        "judges": ["city", "prov"],
    }
    body.update(extra)
    return body


def test_alliance_and_membership_endpoints(world: World, as_: Any) -> None:
    p, a = world.p, world.alliance
    aid = str(a.public_id)
    assert as_(p.city).get("/community/alliances").json()["count"] == 1
    assert as_(p.county_b).get("/community/alliances").json()["count"] == 0
    assert as_(None).get("/community/alliances").status_code == 401
    made = as_(p.city).post(
        "/community/alliances", {"name": "雁塔之家", "kind": "home", "region": "610113"}
    )
    assert made.status_code == 201 and made.json()["region_name"] == "雁塔区"
    assert fields(as_(p.city).post("/community/alliances", {"name": "x", "region": "61"})) == {
        "region"
    }
    assert (
        as_(p.county_a).post("/community/alliances", {"name": "x", "region": "610100"}).status_code
        == 403
    )
    assert as_(p.cqo).get(f"/community/alliances/{aid}").json()["name"] == a.name
    assert as_(p.county_b).get(f"/community/alliances/{aid}").status_code == 404
    assert as_(world.other_user).post(f"/community/alliances/{aid}/join", {}).status_code == 404
    world.other.region_id = "610113"
    world.other.save(update_fields=["region"])
    joined = as_(world.other_user).post(f"/community/alliances/{aid}/join", {"statement": "申请"})
    assert joined.status_code == 201 and joined.json()["state"] == "pending"
    mid = joined.json()["id"]
    assert fields(as_(world.other_user).post(f"/community/alliances/{aid}/join", {})) == {
        "alliance"
    }
    assert fields(as_(p.city).post(f"/community/memberships/{mid}/decide", {"approve": False})) == {
        "note"
    }
    assert (
        as_(p.county_b).post(f"/community/memberships/{mid}/decide", {"approve": True}).status_code
        == 404
    )
    assert (
        as_(p.city).post(f"/community/memberships/{mid}/decide", {"approve": True}).json()["state"]
        == "approved"
    )
    directory = as_(world.other_user).get(f"/community/alliances/{aid}/members").json()
    assert [m["person"] for m in directory["items"]] == ["李堃", "王磊"]
    assert set(directory["items"][0]) == {
        "id",
        "alliance",
        "person",
        "enterprise",
        "state",
        "role",
        "officer_title",
    }
    assert fields(as_(p.city).get(f"/community/alliances/{aid}/members", state="x")) == {"state"}
    assert fields(as_(p.city).post(f"/community/memberships/{mid}/role", {"role": "officer"})) == {
        "officer_title"
    }
    role = as_(p.city).post(
        f"/community/memberships/{mid}/role", {"role": "officer", "officer_title": "理事"}
    )
    assert role.json()["officer_title"] == "理事"
    assert as_(p.cqo).post(f"/community/memberships/{mid}/leave").status_code == 403
    assert (
        as_(world.other_user).post(f"/community/memberships/{mid}/leave").json()["state"] == "left"
    )
    assert as_(None).post(f"/community/memberships/{mid}/leave").status_code == 401


def test_event_endpoints(world: World, as_: Any, at: Any) -> None:
    p, aid = world.p, str(world.alliance.public_id)
    assert fields(
        as_(p.city).post(f"/community/alliances/{aid}/events", event_body(capacity=0, kind="x"))
    ) == {"capacity", "kind"}
    bad = as_(p.city).post(
        f"/community/alliances/{aid}/events", event_body(ends_at=moment(TODAY).isoformat())
    )
    assert fields(bad) == {"ends_at"}
    assert (
        as_(p.county_a).post(f"/community/alliances/{aid}/events", event_body()).status_code == 404
    )
    # an officer organises (shaanxi-2021 §五(三) 自治活动); a CQO who is not one does not
    other = as_(world.other_user).post(f"/community/alliances/{aid}/events", event_body())
    assert other.status_code in (403, 404)
    made = as_(p.city).post(f"/community/alliances/{aid}/events", event_body())
    assert made.status_code == 201
    eid = made.json()["id"]
    assert as_(p.cqo).get("/community/events", q="讲座").json()["count"] == 1
    assert as_(p.county_b).get(f"/community/events/{eid}").status_code == 404
    reg = as_(p.cqo).post(f"/community/events/{eid}/register")
    assert reg.status_code == 201
    assert fields(as_(p.cqo).post(f"/community/events/{eid}/register")) == {"event"}
    rid = reg.json()["id"]
    assert as_(p.cqo).post(f"/community/registrations/{rid}/cancel").json()["state"] == "cancelled"
    assert as_(p.cqo).post(f"/community/events/{eid}/register").status_code == 201
    assert len(as_(p.city).get(f"/community/events/{eid}/registrations").json()) == 1
    assert as_(p.county_b).get(f"/community/events/{eid}/registrations").status_code == 404
    assert fields(as_(p.city).post(f"/community/events/{eid}/attendance", {"attended": [rid]})) == {
        "attendance"
    }
    at(TODAY + dt.timedelta(days=3))
    done = as_(p.city).post(f"/community/events/{eid}/attendance", {"attended": [rid]})
    assert done.json() == {"attended": 1, "absent": 0, "hours": 1}
    mine = as_(p.cqo).get(f"/community/events/{eid}/registrations").json()
    assert mine[0]["attended"] is True and mine[0]["ledger_index"] is not None
    assert fields(as_(p.city).post(f"/community/events/{eid}/attendance", {"attended": ["x"]})) == {
        "attended.0"
    }
    assert (
        as_(None).post(f"/community/events/{eid}/attendance", {"attended": []}).status_code == 401
    )
    other = services.event_create(
        actor=p.city,
        alliance=world.alliance,
        terms=services.EventTerms(
            **{
                **event_body(),
                "starts_at": moment(TODAY + dt.timedelta(days=9)),
                "ends_at": moment(TODAY + dt.timedelta(days=9), 12),
                "hours": Decimal(event_body()["hours"]),
            }
        ),
    )
    assert fields(
        as_(p.city).post(f"/community/events/{other.public_id}/cancel", {"reason": ""})
    ) == {"reason"}
    assert (
        as_(p.city)
        .post(f"/community/events/{other.public_id}/cancel", {"reason": "场地变更"})
        .json()["state"]
        == "cancelled"
    )
    assert Event.objects.get(pk=other.pk).state == "cancelled"


def test_exchange_endpoints(world: World, as_: Any) -> None:
    p, aid = world.p, str(world.alliance.public_id)
    assert fields(
        as_(p.cqo).post(
            f"/community/alliances/{aid}/posts", {"kind": "poem", "title": "t", "body": "b"}
        )
    ) == {"kind"}
    assert (
        as_(p.city)
        .post(f"/community/alliances/{aid}/posts", {"kind": "article", "title": "t", "body": "b"})
        .status_code
        == 403
    )
    q = as_(p.cqo).post(
        f"/community/alliances/{aid}/posts", {"kind": "question", "title": "问", "body": "题"}
    )
    assert q.status_code == 201
    qid = q.json()["id"]
    assert (
        as_(p.city).get(f"/community/alliances/{aid}/posts", kind="question").json()["count"] == 1
    )
    assert as_(p.county_b).get(f"/community/alliances/{aid}/posts").status_code == 404
    assert (
        as_(p.clerk_a).get(f"/community/alliances/{aid}/posts").status_code == 404
    )  # not a member
    ans = as_(p.cqo).post(f"/community/posts/{qid}/answers", {"body": "答"})
    assert ans.status_code == 201
    assert fields(as_(p.cqo).post(f"/community/posts/{qid}/answers", {"body": " "})) == {"body"}
    accepted = as_(p.cqo).post(f"/community/answers/{ans.json()['id']}/accept")
    assert accepted.json()["answers"][0]["accepted"] is True
    assert as_(p.county_b).post(f"/community/answers/{ans.json()['id']}/accept").status_code == 404
    assert fields(
        as_(p.cqo).post(f"/community/posts/{qid}/moderate", {"hide": True, "reason": ""})
    ) == {"reason"}
    hidden = as_(p.city).post(f"/community/posts/{qid}/moderate", {"hide": True, "reason": "整改"})
    assert hidden.json()["hidden"] is True
    ah = as_(p.cqo).post(
        f"/community/answers/{ans.json()['id']}/moderate", {"hide": True, "reason": "重复"}
    )
    assert ah.json()["hidden"] is True
    assert as_(p.cqo).get(f"/community/posts/{qid}").json()["hidden"] is True
    assert as_(None).get(f"/community/posts/{qid}").status_code == 401


def test_competition_endpoints(world: World, as_: Any, at: Any) -> None:
    p = world.p
    bad = as_(p.city).post(
        "/community/competitions", call_body(criteria=[{"name": "x", "max_points": 0}])
    )
    assert fields(bad) == {"criteria.0.max_points"}
    bad = as_(p.city).post(
        "/community/competitions", call_body(judges=["trainer"], judging_opens=TODAY.isoformat())
    )
    assert fields(bad) == {"judges", "judging_opens"}
    assert as_(p.county_a).post("/community/competitions", call_body()).status_code == 403
    made = as_(p.city).post("/community/competitions", call_body())
    assert made.status_code == 201 and made.json()["phase"] == "submission"
    cid = made.json()["id"]
    assert as_(p.county_b).get(f"/community/competitions/{cid}").status_code == 404
    assert as_(p.province).get("/community/competitions").json()["count"] == 1
    case = {"title": "案例", "method": "pdca", "case_text": "过程", "results": "成效"}
    assert fields(
        as_(p.cqo).post(f"/community/competitions/{cid}/submissions", {**case, "method": "magic"})
    ) == {"method"}
    assert (
        as_(world.other_user).post(f"/community/competitions/{cid}/submissions", case).status_code
        == 404
    )
    s1 = as_(p.cqo).post(f"/community/competitions/{cid}/submissions", case).json()["id"]
    s2 = (
        as_(p.cqo)
        .post(f"/community/competitions/{cid}/submissions", {**case, "title": "案例2"})
        .json()["id"]
    )
    s3 = (
        as_(p.cqo)
        .post(f"/community/competitions/{cid}/submissions", {**case, "title": "案例3"})
        .json()["id"]
    )
    assert as_(p.cqo).post(f"/community/submissions/{s3}/withdraw").json()["state"] == "withdrawn"
    assert as_(p.cqo).get(f"/community/competitions/{cid}/submissions").json()["count"] == 3
    assert as_(p.city).get(f"/community/competitions/{cid}/submissions").json()["count"] == 2
    assert as_(p.county_b).get(f"/community/submissions/{s1}").status_code == 404
    at(TODAY + dt.timedelta(days=6))
    assert fields(
        as_(p.city).post(f"/community/submissions/{s1}/scores", {"points": {"c1": 61, "c2": 40}})
    ) == {"c1"}
    assert fields(
        as_(p.city).post(f"/community/submissions/{s1}/scores", {"points": {"c1": 50}})
    ) == {"c2"}
    assert (
        as_(p.county_a).post(f"/community/submissions/{s1}/scores", {"points": {}}).status_code
        == 404
    )
    assert as_(p.cqo).post(f"/community/submissions/{s1}/scores", {"points": {}}).status_code == 403
    for judge, (a1, b1), (a2, b2) in (
        (p.city, (50, 30), (45, 35)),
        (p.province, (40, 30), (45, 25)),
    ):
        as_(judge).post(f"/community/submissions/{s1}/scores", {"points": {"c1": a1, "c2": b1}})
        if judge == p.city:
            pending = as_(p.city).get(f"/community/competitions/{cid}").json()
            assert pending["missing"] and pending["standings"][0]["rank"] == 1
            assert fields(as_(p.city).post(f"/community/competitions/{cid}/publish")) == {"scores"}
        as_(judge).post(f"/community/submissions/{s2}/scores", {"points": {"c1": a2, "c2": b2}})
    published = as_(p.city).post(f"/community/competitions/{cid}/publish")
    assert published.json()["phase"] == "published"
    ranked = as_(p.cqo).get(f"/community/competitions/{cid}/submissions").json()["items"]
    assert [(s["title"], s["rank"], s["score"]) for s in ranked if s["state"] == "submitted"] == [
        ("案例", 1, "75.00"),  # 80 and 70: the tie with 案例2 (80, 70) shares rank 1, earlier first
        ("案例2", 1, "75.00"),
    ]
    assert Submission.objects.filter(awarded=True).count() == 2
    assert as_(p.city).post(f"/community/competitions/{cid}/publish").status_code == 422
    public = as_(None).get("/public/cases", q="案例").json()
    assert public["count"] == 2 and set(public["items"][0]) == {
        "id",
        "competition",
        "title",
        "method",
        "enterprise",
        "person",
        "rank",
        "score",
        "case_text",
        "results",
    }
    assert as_(None).get(f"/public/cases/{s1}").json()["rank"] == 1
    assert as_(None).get(f"/public/cases/{s3}").status_code == 404
    assert fields(as_(None).get("/public/cases", method="NOT")) == {"method"}
    assert as_(None).get("/community/competitions").status_code == 401
    assert Membership.objects.count() == 1
