"""Who files (SPEC §12.23; shaanxi-2021 §五(一)(三), jiangsu-2020 §七, shenzhen-guide §4.7): the
pack's ``filing.initiator``, the filing a CQO starts and the enterprise confirms, and the
person's declarations every filing needs (level-standard §5.1.5; SPEC §12.11)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from cqo.accounts import access
from cqo.accounts.models import Role
from cqo.audit.models import AuditEntry
from cqo.lib import clock
from cqo.policy.selectors import governing_for_region
from cqo.reference.models import Region
from cqo.registry import selectors, services
from cqo.registry.models import Appointment, Enterprise
from cqo.test import (
    Personas,
    declare,
    enterprise_data,
    make_user,
    new_uscc,
)
from tests.policy.conftest import Elsewhere
from tests.registry.test_api import callers

pytestmark = pytest.mark.django_db

Prep = Appointment.Preparation


def terms(**changes: Any) -> services.AppointmentTerms:
    values: dict[str, Any] = {
        "post": "副总经理兼首席质量官",
        "rank": "senior_deputy",
        "appointing_authority": "general_manager",
        "selection_method": "internal_selection",
        "reports_to_top": True,
        "start_date": dt.date(2026, 1, 5),
        # the enterprise's own 单位意见: ignored when the person fills the filing in
        "declaration_confirmed": True,
    }
    values.update(changes)
    return services.AppointmentTerms(**values)


def jiangsu(personas: Personas) -> Enterprise:
    return services.enterprise_create(
        actor=personas.admin,
        details=services.EnterpriseDetails(
            **enterprise_data(uscc=new_uscc("320102"), name="南京示例仪表有限公司", region="320102")
        ),
    )


# The pack value --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "initiator", "clause_starts"),
    [
        ("610113", "person_or_enterprise", "shaanxi-2021 §五(一)(三)"),
        ("320102", "person_or_enterprise", "jiangsu-2020 §七"),
        ("440305", "enterprise", "shenzhen-guide §4.7"),
        # hangzhou-spec is silent: it inherits the national default's platform default
        ("330106", "person_or_enterprise", "SPEC §12.23: 平台默认（非文件规定）"),
        # no pack of its own: the national default
        ("110101", "person_or_enterprise", "SPEC §12.23: 平台默认（非文件规定）"),
    ],
)
def test_each_pack_says_who_may_start_a_filing(personas, region, initiator, clause_starts):
    filing = governing_for_region(Region.objects.get(code=region), clock.today()).rules.filing
    assert filing is not None
    assert filing.initiator == initiator
    assert filing.initiator_clause.startswith(clause_starts)


# The CQO's path under Shaanxi and Jiangsu ----------------------------------------------------


def test_a_shaanxi_cqo_starts_a_filing_the_enterprise_confirms_and_submits(personas: Personas):
    p = personas
    appt = services.filing_prepare(actor=p.cqo, uscc=p.enterprise_a.uscc.lower(), terms=terms())
    assert (appt.preparation, appt.status, appt.person) == (Prep.PERSON, "draft", p.person)
    assert appt.declaration_confirmed is False  # the enterprise's to give
    # while the person holds it, neither the enterprise nor the regulator sees it
    for user in (p.clerk_a, p.county_a, p.province):
        with pytest.raises(Http404):
            selectors.appointment_get(user=user, public_id=appt.public_id)
    assert not access.can_see_contact(p.clerk_a, p.person)
    assert selectors.appointment_get(user=p.cqo, public_id=appt.public_id) == appt
    assert not selectors.enterprise_list(user=p.county_a, cqo_status="pending").exists()

    declare(appt)
    appt = services.filing_hand_over(actor=p.cqo, appointment=appt)
    assert appt.preparation == Prep.ENTERPRISE
    assert appt.person_confirmed_at is not None  # handing over confirms the appointment
    assert selectors.appointment_get(user=p.clerk_a, public_id=appt.public_id) == appt
    assert access.can_see_contact(p.clerk_a, p.person)

    with pytest.raises(ValidationError) as exc:
        services.filing_submit(actor=p.clerk_a, appointment=appt)
    assert set(exc.value.message_dict) == {"preparation"}

    appt = services.filing_enterprise_confirm(actor=p.clerk_a, appointment=appt)
    assert (appt.preparation, appt.declaration_confirmed) == (Prep.CONFIRMED, True)
    appt = services.filing_submit(actor=p.clerk_a, appointment=appt)
    assert appt.status == "submitted"
    appt = services.filing_approve(actor=p.county_a, appointment=appt)
    assert appt.status == "filed"
    notes = list(
        AuditEntry.objects.filter(target_id=str(appt.public_id)).values_list("note", flat=True)
    )
    assert "本人发起备案" in notes and "企业确认本人填写的备案信息" in notes


def test_a_jiangsu_cqo_may_start_a_filing(personas: Personas):
    ent = jiangsu(personas)
    appt = services.filing_prepare(actor=personas.cqo, uscc=ent.uscc, terms=terms())
    assert (appt.enterprise, appt.preparation) == (ent, Prep.PERSON)


def test_the_cqo_path_is_refused_under_shenzhen_guide(personas: Personas, elsewhere: Elsewhere):
    with pytest.raises(ValidationError) as exc:
        services.filing_prepare(actor=personas.cqo, uscc=elsewhere.shenzhen.uscc, terms=terms())
    assert set(exc.value.message_dict) == {"uscc"}
    # the document by its title, not the pack's id (SPEC §12.24)
    assert "《深圳市 首席质量官制度实施指南》" in exc.value.message_dict["uscc"][0]
    assert not Appointment.objects.filter(enterprise=elsewhere.shenzhen).exists()


@pytest.mark.parametrize(
    ("who", "uscc", "error"),
    [
        ("clerk_a", "A", PermissionDenied),  # a clerk files through its own form
        ("county_a", "A", PermissionDenied),
        ("cqo", "91610113MA6XXXXX0X", ValidationError),  # no such enterprise
        ("cqo", "", ValidationError),
    ],
)
def test_only_a_registered_cqo_starts_a_filing_for_a_known_enterprise(personas, who, uscc, error):
    uscc = personas.enterprise_a.uscc if uscc == "A" else uscc
    with pytest.raises(error):
        services.filing_prepare(actor=getattr(personas, who), uscc=uscc, terms=terms())


def test_a_cqo_without_a_profile_cannot_start_one(personas: Personas):
    bare = make_user("bare_cqo", Role.CQO)
    with pytest.raises(PermissionDenied):
        services.filing_prepare(actor=bare, uscc=personas.enterprise_a.uscc, terms=terms())


def test_a_second_open_filing_at_the_same_enterprise_is_refused(personas: Personas):
    services.filing_prepare(actor=personas.cqo, uscc=personas.enterprise_a.uscc, terms=terms())
    with pytest.raises(ValidationError) as exc:
        services.filing_prepare(actor=personas.cqo, uscc=personas.enterprise_a.uscc, terms=terms())
    assert set(exc.value.message_dict) == {"uscc"}


def test_the_enterprise_returns_it_to_the_person_with_a_reason(personas: Personas):
    p = personas
    appt = services.filing_prepare(actor=p.cqo, uscc=p.enterprise_a.uscc, terms=terms())
    appt = services.filing_hand_over(actor=p.cqo, appointment=appt)
    for reason in ["", "   ", "不对"]:
        with pytest.raises(ValidationError) as exc:
            services.filing_return_to_person(actor=p.clerk_a, appointment=appt, reason=reason)
        assert set(exc.value.message_dict) == {"reason"}
    with pytest.raises(ValidationError):
        services.filing_return_to_person(actor=p.clerk_a, appointment=appt, reason="请" * 2001)
    appt = services.filing_return_to_person(
        actor=p.clerk_a, appointment=appt, reason="聘任日期应为董事会决议日"
    )
    assert (appt.preparation, appt.preparation_note) == (Prep.PERSON, "聘任日期应为董事会决议日")
    with pytest.raises(Http404):
        selectors.appointment_get(user=p.clerk_a, public_id=appt.public_id)
    appt = services.filing_prepared_update(
        actor=p.cqo,
        appointment=appt,
        terms=services.AppointmentTerms(start_date=dt.date(2026, 1, 8)),
    )
    assert appt.start_date == dt.date(2026, 1, 8)
    appt = services.filing_hand_over(actor=p.cqo, appointment=appt)
    assert (appt.preparation, appt.preparation_note) == (Prep.ENTERPRISE, "")


def test_each_step_belongs_to_its_holder(personas: Personas):
    p = personas
    appt = services.filing_prepare(actor=p.cqo, uscc=p.enterprise_a.uscc, terms=terms())
    with pytest.raises(PermissionDenied):
        services.filing_hand_over(actor=p.clerk_a, appointment=appt)
    with pytest.raises(PermissionDenied):  # the enterprise does not hold it yet
        services.filing_enterprise_confirm(actor=p.clerk_a, appointment=appt)
    with pytest.raises(PermissionDenied):
        services.appointment_update(
            actor=p.clerk_a, appointment=appt, terms=services.AppointmentTerms(post="质量总监")
        )
    appt = services.filing_hand_over(actor=p.cqo, appointment=appt)
    with pytest.raises(ValidationError):  # the person no longer holds it
        services.filing_prepared_update(
            actor=p.cqo, appointment=appt, terms=services.AppointmentTerms(post="质量总监")
        )
    with pytest.raises(PermissionDenied):
        services.filing_enterprise_confirm(actor=p.clerk_b, appointment=appt)
    with pytest.raises(PermissionDenied):
        services.filing_enterprise_confirm(actor=p.cqo, appointment=appt)


# The person's declarations (level-standard §5.1.5; SPEC §12.11) -------------------------------


def test_only_the_person_declares_and_only_the_packs_declarations(personas: Personas):
    p = personas
    appt = services.appointment_create(
        actor=p.clerk_a, terms=terms(id_number=p.person.id_number, person_name=p.person.name)
    )
    with pytest.raises(PermissionDenied):
        services.appointment_declare(
            actor=p.clerk_a, appointment=appt, codes=("disqualifications",)
        )
    with pytest.raises(ValidationError) as exc:
        services.appointment_declare(actor=p.cqo, appointment=appt, codes=("conduct",))
    assert set(exc.value.message_dict) == {"declarations"}  # hangzhou's, not Shaanxi's
    appt = services.appointment_declare(actor=p.cqo, appointment=appt, codes=("disqualifications",))
    assert (appt.declarations, appt.declared_at is not None) == (["disqualifications"], True)
    appt = services.appointment_declare(actor=p.cqo, appointment=appt, codes=())
    assert (appt.declarations, appt.declared_at) == ([], None)  # withdrawn


def test_the_person_confirms_and_declares_at_once(personas: Personas):
    p = personas
    appt = services.appointment_create(
        actor=p.clerk_a, terms=terms(id_number=p.person.id_number, person_name=p.person.name)
    )
    appt = services.appointment_confirm(
        actor=p.cqo, appointment=appt, declarations=("disqualifications",)
    )
    assert appt.person_confirmed_at is not None and appt.declarations == ["disqualifications"]
    assert services.filing_submit(actor=p.clerk_a, appointment=appt).status == "submitted"
    with pytest.raises(ValidationError):  # submitted: the declaration is fixed
        services.appointment_declare(actor=p.cqo, appointment=appt, codes=())


# API and pages -------------------------------------------------------------------------------


@pytest.fixture
def as_(personas: Personas, client: Client) -> Any:
    return callers(client)


def test_the_api_runs_the_cqo_path(personas: Personas, as_: Any, elsewhere: Elsewhere):
    p = personas
    body = {
        "uscc": p.enterprise_a.uscc,
        "post": "副总经理兼首席质量官",
        "rank": "senior_deputy",
        "appointing_authority": "general_manager",
        "selection_method": "internal_selection",
        "start_date": "2026-01-05",
        "treatment": "senior_deputy",
    }
    refused = as_(p.cqo).post("/filings/prepare", {**body, "uscc": elsewhere.shenzhen.uscc})
    assert refused.status_code == 422
    assert as_(p.clerk_a).post("/filings/prepare", body).status_code == 403
    assert as_(None).post("/filings/prepare", body).status_code == 401
    created = as_(p.cqo).post("/filings/prepare", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["preparation"], data["treatment"]) == ("person", "senior_deputy")
    url = f"/filings/{data['id']}"
    assert as_(p.clerk_a).get(url).status_code == 404
    changed = as_(p.cqo).patch(f"{url}/prepared", {"post": "质量总监"})
    assert changed.status_code == 200 and changed.json()["post"] == "质量总监"
    assert (
        as_(p.cqo).post(f"{url}/declare", {"declarations": ["disqualifications"]}).status_code
        == 200
    )
    assert as_(p.clerk_a).post(f"{url}/hand-over").status_code == 404
    assert as_(p.cqo).post(f"{url}/hand-over").json()["preparation"] == "enterprise"
    assert as_(p.clerk_b).post(f"{url}/enterprise-confirm").status_code == 404
    confirmed = as_(p.clerk_a).post(f"{url}/enterprise-confirm")
    assert confirmed.json()["preparation"] == "confirmed"
    assert confirmed.json()["declaration_confirmed"] is True
    assert as_(p.clerk_a).post(f"{url}/submit").json()["status"] == "submitted"


def test_the_api_returns_a_handed_over_filing_to_the_person(personas: Personas, as_: Any):
    p = personas
    appt = services.filing_prepare(actor=p.cqo, uscc=p.enterprise_a.uscc, terms=terms())
    services.filing_hand_over(actor=p.cqo, appointment=appt)
    url = f"/filings/{appt.public_id}/return-to-person"
    assert as_(p.clerk_a).post(url, {"reason": "短"}).status_code == 422
    returned = as_(p.clerk_a).post(url, {"reason": "请补充分管部门"})
    assert returned.status_code == 200 and returned.json()["preparation"] == "person"


def test_the_pages_run_the_cqo_path(personas: Personas, client: Client):
    p = personas
    client.force_login(p.clerk_a)
    assert client.get(reverse("registry:filing_prepare")).status_code == 403
    client.force_login(p.cqo)
    page = client.get(reverse("registry:filing_prepare"))
    assert page.status_code == 200 and "统一社会信用代码" in page.content.decode()
    bad = client.post(reverse("registry:filing_prepare"), {"uscc": "x"})
    assert bad.status_code == 200  # errors beside the fields
    form = {
        "uscc": p.enterprise_a.uscc,
        "post": "副总经理兼首席质量官",
        "rank": "senior_deputy",
        "appointing_authority": "general_manager",
        "selection_method": "internal_selection",
        "start_date": "2026-01-05",
        "reports_to_top": "on",
    }
    created = client.post(reverse("registry:filing_prepare"), form)
    assert created.status_code == 302, created.content.decode()[:1500]
    appt = Appointment.objects.get(person=p.person, enterprise=p.enterprise_a)
    detail = client.get(reverse("registry:appointment_detail", args=[appt.public_id]))
    html = detail.content.decode()
    assert 'id="prepared-box"' in html and 'id="declare-box"' in html
    assert "不得担任首席质量官" in html
    client.post(
        reverse("registry:filing_declare", args=[appt.public_id]),
        {"declarations": ["disqualifications"]},
    )
    client.post(reverse("registry:filing_preparation_step", args=[appt.public_id, "hand-over"]))
    appt.refresh_from_db()
    assert (appt.preparation, appt.declarations) == (Prep.ENTERPRISE, ["disqualifications"])
    client.force_login(p.clerk_a)
    html = client.get(reverse("registry:appointment_detail", args=[appt.public_id])).content
    assert b'id="enterprise-confirm-box"' in html
    client.post(
        reverse("registry:filing_preparation_step", args=[appt.public_id, "enterprise-confirm"])
    )
    client.post(reverse("registry:appointment_transition", args=[appt.public_id, "submit"]))
    appt.refresh_from_db()
    assert (appt.preparation, appt.status) == (Prep.CONFIRMED, "submitted")


def test_the_filing_list_offers_the_cqo_path_to_a_cqo_only(personas: Personas, client: Client):
    for user, shown in [(personas.cqo, True), (personas.clerk_a, False)]:
        client.force_login(user)
        html = client.get(reverse("registry:appointment_list")).content.decode()
        assert ('id="btn-prepare"' in html) is shown


def test_shenzhen_prints_its_annex_a_and_shaanxi_the_platform_form(
    personas: Personas, elsewhere: Elsewhere
):
    from cqo.registry import printing

    sz = services.appointment_create(
        actor=elsewhere.shenzhen_clerk,
        terms=terms(id_number=personas.person.id_number, person_name=personas.person.name),
    )
    sx = services.appointment_create(
        actor=personas.clerk_a,
        terms=terms(id_number=personas.person.id_number, person_name=personas.person.name),
    )
    assert printing.filing_form_context(sz, unmasked=False, contact=False)["annex_a"] is True
    assert printing.filing_form_context(sx, unmasked=False, contact=False)["annex_a"] is False
