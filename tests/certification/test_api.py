"""The certification API: the grade calculator, public verification of every status, and the
workflow from draft to certificate; success, invalid input, out of scope and no token."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cqo.accounts.models import ApiToken, User
from cqo.certification import services
from cqo.certification.models import LevelCertificate
from tests.certification.conftest import (
    FULL,
    TODAY,
    World,
    application_data,
    certified,
    give_training_certificate,
    pdf,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


class Api:
    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {ApiToken.issue(user)}"} if user else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            API + path, body or {}, content_type="application/json", headers=self.headers
        )

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(
            API + path, body, content_type="application/json", headers=self.headers
        )


def fields(response: Any) -> set[str]:
    return {d["field"] for d in response.json()["detail"]}


# The calculator -------------------------------------------------------------------------------


def grade(scores: dict[str, Any]) -> Any:
    return Api(None).post("/certification/grade", {"scores": scores})


def test_it_grades_without_a_token(db: Any) -> None:
    r = grade(FULL)
    assert r.status_code == 200
    body = r.json()
    assert body["grade"] == "AAAA" and float(body["total"]) == 740
    assert float(body["subtotals"]["8.1"]) == 120 and body["unmet"] == []


def test_it_answers_numbers_and_strings_alike(db: Any) -> None:
    r = grade({**FULL, "8.5.1": 110, "8.1.1": 80.0, "8.2": "70.0"})
    assert r.status_code == 200 and r.json()["grade"] == "AAAA"


@pytest.mark.parametrize(
    ("cells", "grade_"),
    [
        ({"8.5.1": "124.9"}, "AAA"),  # 599.9
        ({"8.5.1": "125"}, "AAAA"),  # 600
        ({"8.5.1": "150", "8.5.2": "60", "8.5.3": "100", "8.5.4": "14.9"}, "AAAA"),  # 799.9
        ({"8.5.1": "150", "8.5.2": "60", "8.5.3": "100", "8.5.4": "15"}, "AAAAA"),  # 800
    ],
)
def test_it_grades_the_half_open_bands_over_the_api(
    db: Any, cells: dict[str, str], grade_: str
) -> None:
    # 8.1–8.4 of FULL total 475; 8.5 is made of the given cells only
    body = {**FULL, "8.5.1": "0", "8.5.2": "0", "8.5.3": "0", "8.5.4": "0", "8.5.5": "0", **cells}
    r = grade(body)
    assert r.status_code == 200, r.json()
    assert r.json()["grade"] == grade_


def test_it_reports_unmet_minimums_and_no_grade(db: Any) -> None:
    r = grade({**FULL, "8.3": "39.9"})
    assert r.status_code == 200
    assert r.json()["grade"] is None
    assert [u["code"] for u in r.json()["unmet"]] == ["8.3"]


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({**FULL, "8.1.1": 100.1}, "8.1.1"),
        ({**FULL, "8.2": -1}, "8.2"),
        ({**FULL, "8.3": "x"}, "8.3"),
        ({**FULL, "8.4.1": 10.05}, "8.4.1"),
        ({**FULL, "9.1": 1}, "9.1"),
        ({k: v for k, v in FULL.items() if k != "8.5.5"}, "8.5.5"),
    ],
)
def test_it_rejects_bad_scores_with_the_code_as_field(
    db: Any, scores: dict[str, Any], field: str
) -> None:
    r = grade(scores)
    assert r.status_code == 422 and field in fields(r)


def test_it_rejects_a_body_without_scores(db: Any) -> None:
    assert Api(None).post("/certification/grade", {}).status_code == 422


# Public verification -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["suspend", "discontinue", "withdraw", "void"])
def test_it_verifies_each_supervision_status_publicly(world: World, action: str) -> None:
    cert = certified(world)
    services.supervise(
        actor=world.p.certifier,
        cert=cert,
        action=action,
        ground="violation",
        reason="违法违规被处罚",
        evidence_note="决定书",
    )
    r = Api(None).get(f"/public/certificates/{cert.number}")
    assert r.status_code == 200
    expected = {
        "suspend": "suspended",
        "discontinue": "discontinued",
        "withdraw": "withdrawn",
        "void": "void",
    }[action]
    assert r.json()["status"] == expected and r.json()["status_changed_on"] == TODAY.isoformat()


def test_it_verifies_valid_expired_and_superseded(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cqo.lib import clock

    cert = certified(world)
    r = Api(None).get(f"/public/certificates/{cert.number}")
    body = r.json()
    assert r.status_code == 200 and body["status"] == "valid" and body["intact"] is True
    assert (body["holder"], body["organisation"], body["body"], body["level"]) == (
        "李堃",
        "西安示例精密制造有限公司",
        "陕西省质量协会",
        "AAAA",
    )
    assert body["issued_on"] == "2026-06-15" and body["valid_until"] == "2029-06-14"
    assert "holder_id" not in body["content"] and world.p.person.id_number not in r.content.decode()
    new = services.certificate_reissue(
        actor=world.p.certifier, cert=cert, reason="更正所在组织名称"
    )
    old = Api(None).get(f"/public/certificates/{cert.number}").json()
    assert old["status"] == "superseded" and old["superseded_by"] == new.number
    monkeypatch.setattr(clock, "today", lambda: dt.date(2029, 6, 15))
    assert Api(None).get(f"/public/certificates/{new.number}").json()["status"] == "expired"


def test_it_catches_a_tampered_record(world: World) -> None:
    cert = certified(world)
    LevelCertificate.objects.filter(pk=cert.pk).update(content={**cert.content, "level": "AAAAA"})
    assert Api(None).get(f"/public/certificates/{cert.number}").json()["intact"] is False


def test_it_answers_404_for_unknown_numbers(db: Any) -> None:
    assert Api(None).get("/public/certificates/CQO2026-SXZX-00001").status_code == 404
    assert Api(None).get("/public/certificates/CQO2026-SXZX-00001-1K8N6R").status_code == 404


@pytest.mark.parametrize(
    "number",
    [
        "%2e%2e",
        "CQO2026-SXZX-1",
        "cqo2026-sxzx-00001",
        "CQO2026-SXZX-00001-1K8N6",
        # a mistyped check character: told apart from a number never issued
        "CQO2026-SXZX-00001-1K8N6S",
    ],
)
def test_it_answers_422_for_malformed_numbers_before_any_lookup(db: Any, number: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        r = Api(None).get(f"/public/certificates/{number}")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "number"
    assert not [q for q in queries if "certification_levelcertificate" in q["sql"]]


# The workflow ---------------------------------------------------------------------------------


def test_it_runs_the_workflow_over_the_api(world: World) -> None:
    give_training_certificate(world.p)
    cqo, staff, e1, e2 = Api(world.p.cqo), Api(world.p.certifier), Api(world.e1), Api(world.e2)
    data = application_data(world.p)
    r = cqo.post("/certification/applications", data)
    assert r.status_code == 201, r.json()
    app_id = r.json()["id"]
    r = cqo.post(
        f"/certification/applications/{app_id}/periods",
        {"organisation": "甲", "post": "质量部部长", "kind": "quality", "start": "2030-01-01"},
    )
    assert r.status_code == 422 and "start" in fields(r)
    assert (
        cqo.post(
            f"/certification/applications/{app_id}/periods",
            {"organisation": "甲", "post": "质量部部长", "kind": "quality", "start": "2016-01-01"},
        ).status_code
        == 201
    )
    r = cqo.client.post(
        f"{API}/certification/applications/{app_id}/evidence",
        {"kind": "work", "title": "合同", "file": pdf()},
        headers=cqo.headers,
    )
    assert r.status_code == 201, r.json()
    assert cqo.post(f"/certification/applications/{app_id}/submit").status_code == 200
    assert Api(world.p.clerk_b).get(f"/certification/applications/{app_id}").status_code == 404
    assert Api(None).get(f"/certification/applications/{app_id}").status_code == 401
    assert (
        staff.post(
            f"/certification/applications/{app_id}/return", {"items": "请补充绩效证明材料"}
        ).json()["status"]
        == "returned"
    )
    assert cqo.post(f"/certification/applications/{app_id}/submit").json()["status"] == "submitted"
    assert cqo.post(f"/certification/applications/{app_id}/accept").status_code == 403
    assert staff.post(f"/certification/applications/{app_id}/accept").json()["status"] == "accepted"
    panel = {
        "experts": [str(world.expert1.public_id), str(world.expert2.public_id)],
        "leader": str(world.expert1.public_id),
    }
    assert (
        staff.post(f"/certification/applications/{app_id}/panel", panel).json()["status"]
        == "assessing"
    )
    r = e1.put(f"/certification/applications/{app_id}/sheet", {"scores": FULL, "submit": True})
    assert r.status_code == 422 and "scores" in fields(r)  # no interview yet
    assert (
        staff.post(
            f"/certification/applications/{app_id}/assessment",
            {"kind": "interview", "on": "2026-06-12", "notes": "答辩表现良好"},
        ).status_code
        == 200
    )
    r = e1.put(
        f"/certification/applications/{app_id}/sheet",
        {"scores": {**FULL, "8.4.4": 41}, "submit": True},
    )
    assert r.status_code == 422 and fields(r) == {"8.4.4"}
    assert (
        e1.put(
            f"/certification/applications/{app_id}/sheet", {"scores": FULL, "submit": True}
        ).status_code
        == 200
    )
    own = e2.put(
        f"/certification/applications/{app_id}/sheet", {"scores": FULL, "submit": True}
    ).json()
    assert [m["scores"] is None for m in own["panel"]] == [True, False]  # e2 sees only their own
    r = e1.post(
        f"/certification/applications/{app_id}/report",
        {"report": "专家组一致认为达到 AAAA 级要求。"},
    )
    assert r.json()["status"] == "graded" and r.json()["awarded_level"] == "AAAA"
    r = staff.post(f"/certification/applications/{app_id}/issue")
    assert r.status_code == 201
    number = r.json()["number"]
    assert cqo.get(f"/certification/certificates/{number}").json()["status"] == "valid"
    assert Api(world.p.clerk_b).get(f"/certification/certificates/{number}").status_code == 404
    r = staff.post(
        f"/certification/certificates/{number}/supervise",
        {
            "action": "suspend",
            "ground": "violation",
            "reason": "违法违规",
            "evidence_note": "决定书",
        },
    )
    assert r.json()["status"] == "suspended"
    action_id = r.json()["actions"][0]["id"]
    r = cqo.post(f"/certification/actions/{action_id}/appeals", {"grounds": "处罚已撤销，不服暂停"})
    assert r.status_code == 201
    r = staff.post(
        f"/certification/appeals/{r.json()['id']}/decide",
        {"upheld": True, "decision": "申诉成立，恢复证书"},
    )
    assert r.json()["status"] == "upheld"
    assert Api(None).get(f"/public/certificates/{number}").json()["status"] == "valid"
    assert (
        staff.post(
            f"/certification/certificates/{number}/reviews",
            {"year": 2026, "rating": "excellent", "summary": "履职优秀"},
        ).status_code
        == 200
    )
    assert (
        staff.post(
            f"/certification/certificates/{number}/warnings",
            {"kind": "warning", "conduct": "concealed", "reason": "知情不报"},
        ).status_code
        == 200
    )
    r = staff.post(
        f"/certification/certificates/{number}/reissue",
        {"reason": "变更单位", "enterprise": world.p.enterprise_b.uscc},
    )
    assert r.status_code == 201 and r.json()["organisation"] == "宝鸡示例食品有限公司"
    assert staff.get("/certification/certificates", status="superseded").json()["count"] == 1
    assert staff.get("/certification/applications", status="certified").json()["count"] == 1


def test_it_manages_bodies_over_the_api(world: World) -> None:
    from tests.certification.conftest import body_data

    admin = Api(world.p.admin)
    r = admin.post(
        "/certification/bodies", body_data(code="SXQB", kind="entrusted", authorising_body="")
    )
    assert r.status_code == 422 and "authorising_body" in fields(r)
    r = admin.post("/certification/bodies", body_data(code="SXQB"))
    assert r.status_code == 201
    body_id = r.json()["id"]
    assert (
        admin.post(f"/certification/bodies/{body_id}/experts", {"name": "周专家"}).status_code
        == 201
    )
    assert (
        admin.post(f"/certification/bodies/{body_id}/members", {"username": "nobody"}).status_code
        == 422
    )
    assert (
        Api(world.p.certifier).post("/certification/bodies", body_data(code="SXQC")).status_code
        == 403
    )
    assert Api(world.p.certifier).get(f"/certification/bodies/{body_id}").status_code == 404
    assert [b["code"] for b in Api(world.p.certifier).get("/certification/bodies").json()] == [
        "SXZX"
    ]
    assert Api(None).get("/certification/bodies").status_code == 401
