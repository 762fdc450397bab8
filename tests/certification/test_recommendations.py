"""An application names only an organisation that agreed to the applicant: one that filed their
appointment, or that recommended them (level-standard §9.1 b 所在组织的推荐意见; SPEC §12.21: a
prospective CQO needs the organisation's recommendation). Without that, naming an enterprise
put the application in that enterprise's clerk's list."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cqo.accounts.models import ApiToken, User
from cqo.certification import selectors, services
from cqo.certification.models import Application
from cqo.test import file_appointment
from tests.certification.conftest import World, application_args, application_data, draft

pytestmark = pytest.mark.django_db
API = "/api/v1"


def api(user: User) -> Client:
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user)}"})


def page(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail(response: Any) -> set[tuple[str, str]]:
    return {(d["field"], d["message"]) for d in response.json()["detail"]}


# Naming the enterprise -----------------------------------------------------------------------


def test_it_refuses_an_enterprise_that_did_not_agree(world: World) -> None:
    other = world.p.enterprise_b.uscc  # neither filed 李堃's appointment nor recommended them
    with pytest.raises(ValidationError) as exc:
        services.application_create(
            actor=world.p.cqo, **application_args(world.p, enterprise=other)
        )
    assert list(exc.value.message_dict) == ["enterprise"]
    assert "推荐意见" in exc.value.message_dict["enterprise"][0]
    assert not Application.objects.exists()


def test_it_refuses_it_over_the_api_with_a_422_on_the_field(world: World) -> None:
    data = application_data(world.p, enterprise=world.p.enterprise_b.uscc)
    r = api(world.p.cqo).post(
        f"{API}/certification/applications", data, content_type="application/json"
    )
    assert r.status_code == 422 and {f for f, _m in detail(r)} == {"enterprise"}


def test_it_refuses_it_on_the_page_beside_the_field(world: World) -> None:
    data = application_data(world.p, enterprise=world.p.enterprise_b.uscc)
    r = page(world.p.cqo).post("/certification/applications/new/", data)
    html = r.content.decode()
    assert r.status_code == 422 and 'id="error-enterprise"' in html and "推荐意见" in html


def test_it_refuses_an_update_to_such_an_enterprise(world: World) -> None:
    app = draft(world)
    with pytest.raises(ValidationError) as exc:
        services.application_update(
            actor=world.p.cqo,
            app=app,
            terms=application_args(world.p, enterprise=world.p.enterprise_b.uscc)["terms"],
        )
    assert list(exc.value.message_dict) == ["enterprise"]
    app.refresh_from_db()
    assert app.enterprise_id == world.p.enterprise_a.pk


def test_it_accepts_the_enterprise_of_a_filed_appointment_without_a_recommendation(
    world: World,
) -> None:
    file_appointment(world.p, clerk=world.p.clerk_b)  # enterprise B files 李堃's appointment
    app = services.application_create(
        actor=world.p.cqo, **application_args(world.p, enterprise=world.p.enterprise_b.uscc)
    )
    assert app.enterprise_id == world.p.enterprise_b.pk
    assert [a.pk for a in selectors.application_list(user=world.p.clerk_b)] == [app.pk]


def test_it_checks_the_agreement_again_on_submission(world: World) -> None:
    app = draft(world)
    found = selectors.open_recommendation(world.p.person, world.p.enterprise_a)
    assert found is not None
    # a draft holds the recommendation; once withdrawn (here behind the service's back, as by
    # an older platform) the submission is refused
    type(found).objects.filter(pk=found.pk).update(
        withdrawn_at="2026-06-01T00:00:00Z", withdrawn_by=world.p.clerk_a
    )
    with pytest.raises(ValidationError) as exc:
        services.application_submit(actor=world.p.cqo, app=app)
    assert "enterprise" in exc.value.message_dict


# What the clerk sees -------------------------------------------------------------------------


def naming_without_agreement(world: World) -> Application:
    """An application naming enterprise B as the platform used to accept it."""
    app = draft(world)
    Application.objects.filter(pk=app.pk).update(enterprise=world.p.enterprise_b)
    app.refresh_from_db()
    return app


def test_it_never_shows_the_clerk_an_application_its_enterprise_did_not_agree_to(
    world: World,
) -> None:
    app = naming_without_agreement(world)
    clerk = world.p.clerk_b
    assert not selectors.application_list(user=clerk).exists()
    with pytest.raises(selectors.Http404):
        selectors.application_get(user=clerk, public_id=app.public_id)
    r = api(clerk).get(f"{API}/certification/applications")
    assert r.status_code == 200 and r.json()["count"] == 0
    assert api(clerk).get(f"{API}/certification/applications/{app.public_id}").status_code == 404
    html = page(clerk).get("/certification/mine/").content.decode()
    assert str(app.public_id) not in html
    assert page(clerk).get(f"/certification/applications/{app.public_id}/").status_code == 404
    # the applicant still sees their own
    assert selectors.application_list(user=world.p.cqo).filter(pk=app.pk).exists()


def test_it_shows_the_clerk_the_applications_its_enterprise_recommended(world: World) -> None:
    app = draft(world)
    assert [a.pk for a in selectors.application_list(user=world.p.clerk_a)] == [app.pk]
    r = api(world.p.clerk_a).get(f"{API}/certification/applications/{app.public_id}")
    assert r.status_code == 200


# Recommendations ----------------------------------------------------------------------------


def test_the_clerk_recommends_over_the_api(world: World) -> None:
    person = world.p.person
    data = {
        "id_number": person.id_number,
        "person_name": person.name,
        "opinion": "同意推荐该同志申报能力水平认定",
        "recommender": "刘总",
    }
    r = api(world.p.clerk_b).post(
        f"{API}/certification/recommendations", data, content_type="application/json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["enterprise"] == world.p.enterprise_b.uscc and body["withdrawn_at"] is None
    mine = api(world.p.cqo).get(f"{API}/certification/recommendations").json()
    assert {m["enterprise"] for m in mine} == {
        world.p.enterprise_a.uscc,
        world.p.enterprise_b.uscc,
    }
    # now 李堃 may name enterprise B
    app = services.application_create(
        actor=world.p.cqo, **application_args(world.p, enterprise=world.p.enterprise_b.uscc)
    )
    assert app.enterprise_id == world.p.enterprise_b.pk
    again = api(world.p.clerk_b).post(
        f"{API}/certification/recommendations", data, content_type="application/json"
    )
    assert again.status_code == 422 and {f for f, _m in detail(again)} == {"id_number"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person_name": "李四"}, "id_number"),  # one answer for a wrong name and an unknown number
        ({"id_number": "110101199003077777"}, "id_number"),
        ({"opinion": "同意"}, "opinion"),
        ({"recommender": ""}, "recommender"),
    ],
)
def test_it_names_the_field_of_a_bad_recommendation(
    world: World, change: dict[str, str], field: str
) -> None:
    person = world.p.person
    data = {
        "id_number": person.id_number,
        "person_name": person.name,
        "opinion": "同意推荐该同志申报能力水平认定",
        "recommender": "刘总",
        **change,
    }
    with pytest.raises(ValidationError) as exc:
        services.recommendation_create(actor=world.p.clerk_b, **data)
    assert field in exc.value.message_dict


@pytest.mark.parametrize("who", ["cqo", "province", "certifier"])
def test_only_a_clerk_recommends(world: World, who: str) -> None:
    person = world.p.person
    with pytest.raises(PermissionDenied):
        services.recommendation_create(
            actor=getattr(world.p, who),
            id_number=person.id_number,
            person_name=person.name,
            opinion="同意推荐该同志申报能力水平认定",
            recommender="刘总",
        )


def test_the_clerk_recommends_and_withdraws_on_the_page(world: World) -> None:
    person = world.p.person
    client = page(world.p.clerk_b)
    r = client.post(
        "/certification/recommendations/",
        {
            "id_number": person.id_number,
            "person_name": person.name,
            "opinion": "同意推荐该同志申报能力水平认定",
            "recommender": "刘总",
        },
    )
    assert r.status_code == 302
    found = selectors.open_recommendation(person, world.p.enterprise_b)
    assert found is not None
    bad = client.post("/certification/recommendations/", {"id_number": "1", "person_name": ""})
    assert bad.status_code == 422 and 'id="error-person_name"' in bad.content.decode()
    r = client.post(f"/certification/recommendations/{found.public_id}/withdraw/")
    assert r.status_code == 302
    assert selectors.open_recommendation(person, world.p.enterprise_b) is None


def test_a_recommendation_cannot_be_withdrawn_under_an_open_application(world: World) -> None:
    draft(world)
    found = selectors.open_recommendation(world.p.person, world.p.enterprise_a)
    assert found is not None
    with pytest.raises(ValidationError):
        services.recommendation_withdraw(actor=world.p.clerk_a, recommendation=found)
    r = api(world.p.clerk_a).post(f"{API}/certification/recommendations/{found.public_id}/withdraw")
    assert r.status_code == 422


def test_another_enterprise_cannot_see_or_withdraw_a_recommendation(world: World) -> None:
    found = selectors.open_recommendation(world.p.person, world.p.enterprise_a)
    assert found is not None
    clerk_b = api(world.p.clerk_b)
    assert clerk_b.get(f"{API}/certification/recommendations").json() == []
    r = clerk_b.post(f"{API}/certification/recommendations/{found.public_id}/withdraw")
    assert r.status_code == 404
    assert Client().get(f"{API}/certification/recommendations").status_code == 401
