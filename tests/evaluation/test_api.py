"""The API as a spec: each endpoint succeeds for the right user, names the field of bad input
(422), answers 404 outside the caller's scope, 403 to a reader without the right, and 401
without a token."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cqo.accounts.models import ApiToken, User
from cqo.evaluation import services
from cqo.evaluation.models import CostEntry, ImprovementTask, QualityLoss
from tests.evaluation.conftest import (
    World,
    complete,
    new_assessment,
    new_evaluation,
    signed,
    xlsx,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/evaluation"


class Caller:
    def __init__(self, client: Client, user: User | None) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"} if user else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            API + path, body or {}, content_type="application/json", **self.headers
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(API + path, body, content_type="application/json", **self.headers)

    def upload(self, path: str, content: bytes) -> Any:
        return self.client.post(
            API + path, {"file": SimpleUploadedFile("f.xlsx", content)}, **self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path, **self.headers)


@pytest.fixture
def as_(client: Client) -> Any:
    return lambda user: Caller(client, user)


def fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.content
    return {item["field"] for item in response.json()["detail"]}


def test_it_lists_enterprises_in_scope(world: World, as_: Any) -> None:
    assert [e["uscc"] for e in as_(world.p.clerk_a).get("/enterprises").json()["items"]] == [
        world.p.enterprise_a.uscc
    ]
    province = as_(world.p.province).get("/enterprises").json()
    assert province["count"] == 2
    assert as_(world.p.trainer).get("/enterprises").json()["count"] == 0
    assert fields(as_(world.p.clerk_a).get("/enterprises", limit=0)) == {"limit"}
    assert as_(None).get("/enterprises").status_code == 401


def test_it_runs_an_evaluation(world: World, as_: Any) -> None:
    a, uscc = as_(world.p.clerk_a), world.p.enterprise_a.uscc
    body = {"appointment": str(world.appt.public_id), "year": 2025}
    assert fields(a.post(f"/enterprises/{uscc}/evaluations", {**body, "year": 2030})) == {"year"}
    created = a.post(f"/enterprises/{uscc}/evaluations", body)
    assert created.status_code == 201, created.content
    ev = created.json()
    assert ev["max_total"] == 100 and ev["status"] == "draft"
    prefill = {i["code"]: i["prefill"]["value"] for i in ev["items"] if i["prefill"]}
    assert prefill["1.1"] == 3
    scores = {i["code"]: i["max"] for i in ev["items"] if not i["section"]}
    path = f"/evaluations/{ev['id']}"
    assert fields(a.post(f"{path}/scores", {"scores": {"1.1": 99}})) == {"scores.1.1"}
    assert fields(a.post(f"{path}/scores", {"decision": "fire"})) == {"decision"}
    assert fields(a.post(f"{path}/sign-off")) == {"scores", "evaluators", "decision"}
    a.post(f"{path}/scores", {"scores": scores, "decision": "dismiss", "evaluators": "王建国"})
    done = a.post(f"{path}/sign-off").json()
    assert done["total"] == 100 and done["status"] == "signed_off"
    assert fields(a.post(f"{path}/end-appointment", {"ended_on": "2030-01-01"})) == {"ended_on"}
    ended = a.post(f"{path}/end-appointment", {"ended_on": "2026-06-01"}).json()
    assert ended["appointment_status"] == "ended"
    assert [e["id"] for e in a.get(f"/enterprises/{uscc}/evaluations").json()] == [ev["id"]]
    # scope and rights
    assert as_(world.p.clerk_b).get(path).status_code == 404
    assert as_(world.p.clerk_b).post(f"/enterprises/{uscc}/evaluations", body).status_code == 404
    assert as_(world.p.county_a).get(path).status_code == 200
    assert as_(world.p.county_a).post(f"{path}/sign-off").status_code == 403
    assert as_(world.p.cqo).get(path).status_code == 200
    assert as_(None).get(path).status_code == 401
    assert as_(None).post(f"{path}/scores", {}).status_code == 401


def test_it_keeps_settings(world: World, as_: Any) -> None:
    a, uscc = as_(world.p.clerk_a), world.p.enterprise_a.uscc
    put = a.put(
        f"/enterprises/{uscc}/settings", {"pass_mark": 60, "bands": [{"label": "优秀", "min": 90}]}
    )
    assert put.status_code == 200 and put.json()["pass_mark"] == 60
    assert a.get(f"/enterprises/{uscc}/settings").json()["bands"] == [{"label": "优秀", "min": 90}]
    dup = [{"label": "优秀", "min": 90}, {"label": "优秀", "min": 80}]
    assert fields(a.put(f"/enterprises/{uscc}/settings", {"bands": dup})) == {"bands"}
    assert (
        as_(world.p.county_a).put(f"/enterprises/{uscc}/settings", {"bands": []}).status_code == 403
    )
    assert as_(world.p.clerk_b).get(f"/enterprises/{uscc}/settings").status_code == 404
    assert as_(None).get(f"/enterprises/{uscc}/settings").status_code == 401


def test_it_runs_a_self_assessment(world: World, as_: Any) -> None:
    c, uscc = as_(world.p.cqo), world.p.enterprise_a.uscc
    assert fields(
        c.post(
            f"/enterprises/{uscc}/self-assessments",
            {"year": 2025, "assessor_kind": "third_party", "assessors": "王"},
        )
    ) == {"assessor_org"}
    created = c.post(f"/enterprises/{uscc}/self-assessments", {"year": 2025, "assessors": "王建国"})
    assert created.status_code == 201
    sa = created.json()
    path = f"/self-assessments/{sa['id']}"
    assert fields(c.post(f"{path}/results", {"scores": {"5.1": 11}})) == {"scores.5.1"}
    # shenzhen-guide §6.2 prints no points: none are built in, the enterprise sets its own
    assert all(i["max"] is None for i in sa["indicators"])
    scores = {i["code"]: 8 for i in sa["indicators"] if not i["levels"]}
    maxima = {code: 10 for code in scores}
    levels = {i["code"]: 2 for i in sa["indicators"] if i["levels"]}
    body = {"scores": scores, "maxima": maxima, "levels": levels, "findings": "基本达成目标"}
    c.post(f"{path}/results", body)
    done = c.post(f"{path}/complete").json()
    assert done["status"] == "completed" and done["total"] == 8 * len(scores)
    assert fields(
        c.post(
            f"{path}/tasks",
            {
                "title": "",
                "department": "质量部",
                "owner": "李堃",
                "due_date": "2026-09-30",
                "indicator": "x",
            },
        )
    ) == {"title", "indicator"}
    task = c.post(
        f"{path}/tasks",
        {"title": "改进", "department": "质量部", "owner": "李堃", "due_date": "2026-09-30"},
    ).json()
    assert fields(c.post(f"/tasks/{task['id']}/close", {"evidence": ""})) == {"evidence"}
    assert (
        c.post(f"/tasks/{task['id']}/close", {"evidence": "已完成并验证"}).json()["status"]
        == "closed"
    )
    assert fields(c.post(f"/tasks/{task['id']}/reopen", {"reason": ""})) == {"reason"}
    assert (
        c.post(f"/tasks/{task['id']}/reopen", {"reason": "复查无效果"}).json()["status"] == "open"
    )
    comparison = c.get(f"/enterprises/{uscc}/self-assessments/comparison").json()
    assert comparison["years"] == [2025] and comparison["open_tasks"] == {"2025": 1}
    assert [x["year"] for x in c.get(f"/enterprises/{uscc}/self-assessments").json()] == [2025]
    assert c.get(path).json()["tasks"][0]["status"] == "open"
    for path_ in (path, f"/enterprises/{uscc}/self-assessments"):
        assert as_(world.p.clerk_b).get(path_).status_code == 404
        assert as_(None).get(path_).status_code == 401
    assert (
        as_(world.p.clerk_b).post(f"/tasks/{task['id']}/close", {"evidence": "外企业"}).status_code
        == 404
    )
    assert as_(world.p.county_a).post(f"{path}/complete").status_code == 403


def test_it_runs_quality_economics(world: World, as_: Any) -> None:
    a, uscc = as_(world.p.clerk_a), world.p.enterprise_a.uscc
    base = f"/enterprises/{uscc}"
    assert fields(a.post(f"{base}/cost-accounts", {"category": "other", "name": "x"})) == {
        "category"
    }
    acc = a.post(f"{base}/cost-accounts", {"category": "appraisal", "name": "检验费"}).json()
    assert [x["name"] for x in a.get(f"{base}/cost-accounts").json()] == ["检验费"]
    assert fields(
        a.post(
            f"{base}/costs", {"account": acc["id"], "year": 2026, "quarter": 1, "amount": "1.234"}
        )
    ) == {"amount"}
    assert fields(
        a.post(f"{base}/costs", {"account": acc["id"], "year": 2026, "quarter": 3, "amount": "1"})
    ) == {"quarter"}
    entry = a.post(
        f"{base}/costs", {"account": acc["id"], "year": 2026, "quarter": 1, "amount": "2500.50"}
    )
    assert entry.status_code == 200 and entry.json()["amount"] == "2500.50"
    assert a.get(f"{base}/costs", year=2026).json()["count"] == 1
    assert fields(a.post(f"{base}/revenue", {"year": 2026, "quarter": 1, "amount": "0"})) == {
        "amount"
    }
    a.post(f"{base}/revenue", {"year": 2026, "quarter": 1, "amount": "100000"})
    assert fields(a.post(f"{base}/targets", {"year": 2026})) == {"amount_max"}
    a.post(f"{base}/targets", {"year": 2026, "share_max": "2"})
    summary = a.get(f"{base}/quality").json()
    assert summary["quarters"][0]["revenue_share"] == "2.50"
    assert summary["targets"][0]["met"] is False
    assert len(summary["loss_kinds"]) == 13
    assert fields(
        a.post(
            f"{base}/losses",
            {"occurred_on": "2026-01-01", "kind": "x", "effect": "direct", "amount": "1"},
        )
    ) == {"kind"}
    loss = a.post(
        f"{base}/losses",
        {"occurred_on": "2026-01-01", "kind": "rework", "effect": "direct", "amount": "1"},
    )
    assert loss.status_code == 201
    assert a.get(f"{base}/losses", effect="direct").json()["count"] == 1
    bad = xlsx(services.LOSS_HEADERS, [["2026-01-01", "其他", "直接", 1, ""]])
    assert fields(a.upload(f"{base}/losses/import", bad)) == {"file"}
    good = xlsx(services.COST_HEADERS, [[2026, 2, "预防成本", "培训费", 10, ""]])
    assert a.upload(f"{base}/costs/import", good).json() == {"imported": 1}
    assert CostEntry.objects.count() == 2
    assert as_(world.p.county_a).delete(f"{base}/losses/{loss.json()['id']}").status_code == 403
    assert a.delete(f"{base}/losses/{loss.json()['id']}").status_code == 204
    assert not QualityLoss.objects.exists()
    reader = as_(world.p.county_a)
    assert reader.get(f"{base}/quality").status_code == 200
    assert (
        reader.post(f"{base}/revenue", {"year": 2026, "quarter": 1, "amount": "5"}).status_code
        == 403
    )
    for path in ("/quality", "/costs", "/losses", "/cost-accounts"):
        assert as_(world.p.clerk_b).get(base + path).status_code == 404
        assert as_(None).get(base + path).status_code == 401
    assert as_(world.p.clerk_b).upload(f"{base}/costs/import", good).status_code == 404
    assert as_(None).upload(f"{base}/costs/import", good).status_code == 401


def test_a_clean_assessment_issues_no_tasks_and_evaluations_sign_off(world: World) -> None:
    sa = complete(world, new_assessment(world))
    assert sa.status == "completed" and not ImprovementTask.objects.exists()
    assert signed(world).status == "signed_off"
    assert new_evaluation(world, 2026).status == "draft"


def test_it_keeps_the_cost_management_plan(world: World, as_: Any) -> None:
    a, uscc = as_(world.p.clerk_a), world.p.enterprise_a.uscc
    path = f"/enterprises/{uscc}/cost-plans/2026"
    assert [i["letter"] for i in a.get(path).json()["items"]] == list("abcdefg")
    assert fields(a.put(path, {"items": {"z": "x"}})) == {"items.z"}
    saved = a.put(path, {"items": {"c": "设置 8 个科目"}}).json()
    assert saved["items"][2]["text"] == "设置 8 个科目" and "§5.7.2.2" in saved["clause"]
    assert as_(world.p.county_a).get(path).json()["items"][2]["text"] == "设置 8 个科目"
    assert as_(world.p.county_a).put(path, {"items": {}}).status_code == 403
    assert as_(world.p.clerk_b).get(path).status_code == 404
    assert as_(None).get(path).status_code == 401
    assert a.get(f"/enterprises/{uscc}/cost-plans/1900").status_code == 422
