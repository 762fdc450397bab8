"""The blacklist API as a spec: each endpoint succeeds for the right user, names the field of bad
input (422), answers 404 outside the viewer's scope, 403 to a user in scope without the right,
and 401 without a token; the public notice needs none and shows no ID number."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from cqo.accounts.models import ApiToken, User
from cqo.audit.models import AuditEntry
from cqo.blacklist import services
from cqo.blacklist.models import Appeal, Listing
from cqo.registry.models import Appointment
from tests.blacklist.conftest import TODAY, World, evidence_pdf

API = "/api/v1"
WITH_EVIDENCE = "/blacklist/with-evidence"
DAY = dt.timedelta(days=1)
GROUNDS = "事故系供应商原料问题所致，本人已按规定履职，有检验记录为证。"


class Caller:
    def __init__(self, client: Client, user: User | None) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"} if user else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def post_form(self, path: str, data: dict[str, Any], evidence: Any = True) -> Any:
        """Multipart, as ``POST /blacklist/with-evidence`` takes it (None fields left out)."""
        form = {k: v for k, v in data.items() if v is not None}
        if evidence is True:
            evidence = evidence_pdf()
        if evidence is not None:
            form["evidence"] = evidence
        return self.client.post(API + path, form, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            API + path,
            {} if body is None else body,
            content_type="application/json",
            **self.headers,
        )


@pytest.fixture
def as_(client: Client) -> Any:
    return lambda user: Caller(client, user)


def fields(response: Any) -> set[str]:
    assert response.status_code == 422, response.content
    return {item["field"] for item in response.json()["detail"]}


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "exit",
        "reason": "履职不到位，造成重大质量安全事故",
        "accident": "2026年5月，压力容器出厂检验缺失，发生爆裂事故",
        "accident_date": (TODAY - 20 * DAY).isoformat(),
        "start_date": TODAY.isoformat(),
    }
    data.update(overrides)
    return data


def test_it_issues_an_exit_by_public_id_and_ends_the_filing(world: World, as_: Any) -> None:
    p = world.p
    response = as_(p.county_a).post_form(
        WITH_EVIDENCE, body(person=str(p.person.public_id), public=True, end_date=None)
    )
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["ground"] == "accident"
    assert out["accident_date"] == (TODAY - 20 * DAY).isoformat()
    assert out["has_evidence"] is True
    listing = Listing.objects.get(public_id=out["id"])
    assert out["state"] == "in_force"
    assert out["authority_name"] == "雁塔区市场监督管理局"
    assert out["region"] == "610113"
    assert out["ended_filings"] == [str(world.appt_p.public_id)]
    assert out["applied_at"] is not None
    assert [a["action"] for a in out["audit"]] == ["transition", "create"]
    assert listing.kind == "exit" and listing.public
    world.appt_p.refresh_from_db()
    assert world.appt_p.status == Appointment.Status.ENDED


def test_it_issues_by_id_number_and_name(world: World, as_: Any) -> None:
    p = world.p
    response = as_(p.province).post_form(
        WITH_EVIDENCE,
        body(
            kind="exit",
            id_number=world.person_b.id_number,
            person_name="周建华",
            start_date=(TODAY + DAY).isoformat(),
        ),
    )
    assert response.status_code == 201, response.content
    assert response.json()["person"] == str(world.person_b.public_id)
    assert response.json()["state"] == "pending"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"kind": "ban"}, {"kind"}),
        ({"reason": "失职"}, {"reason"}),
        ({"start_date": "2026-13-01"}, {"start_date"}),
        ({"end_date": (TODAY - DAY).isoformat()}, {"end_date"}),
        ({"id_number": "123"}, {"id_number"}),
        ({"region": "61"}, {"region"}),
        ({"ground": "other"}, {"ground"}),
        # shaanxi-2021 §五(三), jiangsu-2020 §七: the accident, its date and its evidence
        ({"accident": ""}, {"accident"}),
        ({"accident": "事故"}, {"accident"}),
        ({"accident_date": None}, {"accident_date"}),
        ({"accident_date": (TODAY + DAY).isoformat()}, {"accident_date"}),
    ],
)
def test_it_names_the_field_of_bad_input(
    world: World, as_: Any, overrides: dict[str, Any], expected: set[str]
) -> None:
    payload = body(person=str(world.p.person.public_id))
    payload.update(overrides)
    if "id_number" in overrides:
        payload.pop("person")
    assert fields(as_(world.p.county_a).post_form(WITH_EVIDENCE, payload)) == expected
    assert Listing.objects.count() == 3


@pytest.mark.parametrize("kind", ["exit", "warning"])
def test_it_refuses_a_listing_without_its_evidence(world: World, as_: Any, kind: str) -> None:
    """The evidence goes with the listing; JSON cannot carry it, so the JSON route names it."""
    # the person's warning "A" would overlap a second warning
    services.listing_revoke(actor=world.p.county_a, listing=world.listings["A"], reason="复核撤销")
    payload = body(person=str(world.p.person.public_id), kind=kind)
    caller = as_(world.p.county_a)
    assert fields(caller.post_form(WITH_EVIDENCE, payload, evidence=None)) == {"evidence"}
    assert fields(caller.post("/blacklist", payload)) == {"evidence"}
    assert Listing.objects.count() == 3


def test_it_refuses_issuing_outside_scope_or_role(world: World, as_: Any) -> None:
    p = world.p
    payload = body(person=str(p.person.public_id))
    for post in ("post", "post_form"):
        path = "/blacklist" if post == "post" else WITH_EVIDENCE
        assert getattr(as_(p.county_b), post)(path, payload).status_code == 404
        assert getattr(as_(p.clerk_a), post)(path, payload).status_code == 403
        assert getattr(as_(p.cqo), post)(path, payload).status_code == 403
        assert getattr(as_(None), post)(path, payload).status_code == 401
    unknown = body(person=str(uuid.uuid4()))
    assert as_(p.county_a).post_form(WITH_EVIDENCE, unknown).status_code == 404
    world.appt_p.refresh_from_db()
    assert world.appt_p.status == Appointment.Status.FILED


def test_it_filters_the_list(world: World, as_: Any) -> None:
    caller = as_(world.p.province)
    ids = {k: str(v.public_id) for k, v in world.listings.items()}

    def got(**params: Any) -> set[str]:
        response = caller.get("/blacklist", **params)
        assert response.status_code == 200, response.content
        return {i["id"] for i in response.json()["items"]}

    assert got() == set(ids.values())
    assert got(q="赵") == {ids["X"]}
    assert got(state="in_force", kind="warning") == set(ids.values())
    assert got(state="revoked") == set()
    assert got(person=str(world.person_b.public_id)) == {ids["B"]}
    assert got(limit=1, offset=1).__len__() == 1
    assert fields(caller.get("/blacklist", limit=201)) == {"limit"}
    assert fields(caller.get("/blacklist", offset=10**12)) == {"offset"}
    assert fields(caller.get("/blacklist", state="gone")) == {"state"}
    assert caller.get("/blacklist", person=str(uuid.uuid4())).status_code == 404


def test_it_revokes_and_changes_the_end_date(world: World, as_: Any) -> None:
    listing = world.listings["X"]
    path = f"/blacklist/{listing.public_id}"
    assert as_(world.p.county_a).post(f"{path}/revoke", {"reason": "越权撤销"}).status_code == 403
    assert as_(world.p.clerk_a).post(f"{path}/revoke", {"reason": "越权撤销"}).status_code == 404

    county_b = as_(world.p.county_b)
    assert fields(county_b.post(f"{path}/end-date", {"end_date": "2020-01-01"})) == {"end_date"}
    out = county_b.post(f"{path}/end-date", {"end_date": (TODAY + 9 * DAY).isoformat()}).json()
    assert out["end_date"] == (TODAY + 9 * DAY).isoformat()
    assert fields(county_b.post(f"{path}/revoke", {"reason": "撤"})) == {"reason"}
    out = county_b.post(f"{path}/revoke", {"reason": "复核后撤销列入"}).json()
    assert out["state"] == "revoked"
    assert out["revoke_reason"] == "复核后撤销列入"
    assert fields(county_b.post(f"{path}/revoke", {"reason": "复核后撤销列入"})) == {"status"}
    listing.refresh_from_db()
    assert listing.revoked_by == world.p.county_b


def test_it_runs_an_appeal(world: World, as_: Any) -> None:
    listing = world.listings["A"]
    path = f"/blacklist/{listing.public_id}/appeals"
    assert as_(world.p.county_a).post(path, {"grounds": GROUNDS}).status_code == 403
    assert as_(world.user_x).post(path, {"grounds": GROUNDS}).status_code == 404
    cqo = as_(world.p.cqo)
    assert fields(cqo.post(path, {"grounds": "不服"})) == {"grounds"}
    response = cqo.post(path, {"grounds": GROUNDS})
    assert response.status_code == 201, response.content
    appeal_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    assert fields(cqo.post(path, {"grounds": GROUNDS})) == {"status"}

    decide = f"/blacklist/appeals/{appeal_id}/decide"
    assert (
        as_(world.p.cqo).post(decide, {"outcome": "granted", "note": "自己决定"}).status_code == 403
    )
    assert (
        as_(world.p.county_b).post(decide, {"outcome": "granted", "note": "越权"}).status_code
        == 404
    )
    assert fields(as_(world.p.county_a).post(decide, {"outcome": "later", "note": "x"})) == {
        "outcome"
    }
    out = as_(world.p.county_a).post(decide, {"outcome": "granted", "note": "申诉理由成立"})
    assert out.status_code == 200, out.content
    assert out.json()["status"] == "granted"
    detail = cqo.get(f"/blacklist/{listing.public_id}").json()
    assert detail["state"] == "revoked"
    assert [a["status"] for a in detail["appeals"]] == ["granted"]
    assert Appeal.objects.get(public_id=appeal_id).decided_by == world.p.county_a
    assert AuditEntry.objects.filter(target_type="appeal", target_id=appeal_id).count() == 2


def test_it_answers_404_for_unknown_ids(world: World, as_: Any) -> None:
    caller = as_(world.p.admin)
    zero = uuid.UUID(int=0)
    assert caller.get(f"/blacklist/{zero}").status_code == 404
    assert caller.post(f"/blacklist/{zero}/revoke", {"reason": "复核后撤销"}).status_code == 404
    assert (
        caller.post(
            f"/blacklist/appeals/{zero}/decide", {"outcome": "upheld", "note": "维持原决定"}
        ).status_code
        == 404
    )
    assert caller.get("/blacklist/not-a-uuid").status_code == 422


def test_it_publishes_without_a_token_or_id_number(world: World, as_: Any) -> None:
    services.listing_revoke(actor=world.p.county_b, listing=world.listings["B"], reason="撤销列入")
    Listing.objects.filter(pk=world.listings["B"].pk).update(public=True)
    anonymous = as_(None)
    current = anonymous.get("/public/blacklist")
    assert current.status_code == 200
    items = current.json()["items"]
    assert [i["name"] for i in items] == ["李堃"]
    assert set(items[0]) == {
        "id",
        "name",
        "kind",
        "state",
        "reason",
        "authority_name",
        "start_date",
        "end_date",
    }
    assert world.p.person.id_number_masked not in current.content.decode()
    past = anonymous.get("/public/blacklist", section="past").json()
    assert [(i["name"], i["state"]) for i in past["items"]] == [("周建华", "revoked")]
    assert anonymous.get("/public/blacklist", q="周").json()["count"] == 0
    assert fields(anonymous.get("/public/blacklist", section="all")) == {"section"}
