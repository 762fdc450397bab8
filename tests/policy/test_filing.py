"""The governing pack in the filing workflow: the verdict with clauses, written justification
and relaxation, the version a decision keeps, and the filing authority's review chain
(SPEC §3, §4, §12.11; shaanxi-2021 §四(一)(二); shenzhen-guide §4.7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cqo.audit.models import AuditEntry
from cqo.lib import clock
from cqo.policy import services as policy_services
from cqo.registry import selectors, services
from cqo.registry.models import Appointment, Qualification
from cqo.test import Personas, appointment_data, declare
from tests.policy.conftest import SICHUAN_PACK, Elsewhere

pytestmark = pytest.mark.django_db


def results(appt: Appointment) -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in selectors.eligibility_view(appt)["results"]}


def draft(clerk, person, **overrides) -> Appointment:
    return services.appointment_create(
        actor=clerk, terms=services.AppointmentTerms(**appointment_data(person, **overrides))
    )


def test_every_condition_of_the_governing_pack_is_shown_with_its_clause(personas: Personas):
    appt = draft(personas.clerk_a, personas.person)
    view = selectors.eligibility_view(appt)
    assert "陕质委办〔2021〕15号" in view["label"] and "shaanxi-2021" not in view["label"]
    codes = [r["code"] for r in view["results"]]
    assert {"quality_years", "education_or_title", "above_scale_rank"} <= set(codes)
    for r in view["results"]:
        assert r["clause"], r
        assert r["severity"] in ("advisory", "justify", "blocking")
    # 8 years, 本科 and a 副高级 title, 高管副职 at an above-scale firm: all met
    assert results(appt)["quality_years"]["status"] == "met"
    assert results(appt)["above_scale_rank"]["status"] == "met"


def test_an_unmet_relaxable_condition_needs_a_written_justification(
    personas: Personas, elsewhere: Elsewhere
):
    appt = draft(personas.clerk_a, elsewhere.newcomer)
    r = results(appt)
    assert r["quality_years"]["status"] == "unmet"
    assert (r["quality_years"]["expected"], r["quality_years"]["actual"]) == (
        "质量管理工作 ≥ 3 年",
        "2 年",
    )
    assert "shaanxi-2021 §四(二)" in r["quality_years"]["note"]
    declare(appt)
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(actor=personas.clerk_a, appointment=appt)
    assert set(exc.value.message_dict) == {"justification"}
    message = exc.value.message_dict["justification"][0]
    assert "陕质委办〔2021〕15号 第四条（二）" in message and "实际2 年" in message
    appt.refresh_from_db()
    assert appt.status == Appointment.Status.DRAFT

    services.appointment_update(
        actor=personas.clerk_a,
        appointment=appt,
        terms=services.AppointmentTerms(justification="长期负责轴承热处理工艺，技术骨干，经验丰富"),
    )
    declare(appt)
    services.filing_submit(actor=personas.clerk_a, appointment=appt)
    appt.refresh_from_db()
    r = results(appt)
    assert r["quality_years"]["status"] == "relaxed"
    assert "shaanxi-2021 §四(二)" in r["quality_years"]["relaxation"]
    assert r["education_or_title"]["status"] == "relaxed"  # 大专, no title
    filed = services.filing_approve(actor=personas.county_a, appointment=appt)
    assert filed.verdict["justification"] == "长期负责轴承热处理工艺，技术骨干，经验丰富"
    assert {r["code"]: r["status"] for r in filed.verdict["results"]}["quality_years"] == "relaxed"


def test_the_post_rule_applies_to_above_scale_enterprises_only(personas: Personas):
    above = draft(personas.clerk_a, personas.person, rank="department_head")
    assert results(above)["above_scale_rank"]["status"] == "unmet"
    assert results(above)["above_scale_rank"]["clause"] == "shaanxi-2021 §四(一)"
    below = draft(personas.clerk_b, personas.person, rank="department_head")
    assert results(below)["above_scale_rank"]["status"] == "not_applicable"


def test_a_decision_keeps_the_version_it_was_made_under(personas: Personas):
    appt = draft(personas.clerk_a, personas.person)
    declare(appt)
    services.filing_submit(actor=personas.clerk_a, appointment=appt)
    appt.refresh_from_db()
    v1 = appt.pack_version
    # Shaanxi publishes stricter rules from today: 20 years
    text = (v1.source_text.replace('version = "2021.3"', 'version = "2026.9"')).replace(
        "effective_from = 2021-08-24", f"effective_from = {clock.today().isoformat()}"
    )
    text = text.replace("years = 3", "years = 20", 1)
    v2 = policy_services.pack_install(text=text, actor=personas.admin).version
    # the submitted filing is still judged under the version it was submitted under
    assert results(appt)["quality_years"]["status"] == "met"
    filed = services.filing_approve(actor=personas.county_a, appointment=appt)
    assert filed.pack_version == v1
    assert filed.verdict["versions"][0] == v1.pk
    # a new draft in the province is judged under the new version
    other = draft(personas.clerk_b, personas.person)
    assert selectors.governing(other).version == v2
    assert results(other)["quality_years"]["status"] == "unmet"
    # and the filed one keeps its frozen verdict
    filed.refresh_from_db()
    assert {r["code"]: r["status"] for r in selectors.eligibility_view(filed)["results"]}[
        "quality_years"
    ] == "met"


def test_a_blocking_condition_stops_submission_and_names_its_clause(personas: Personas):
    text = SICHUAN_PACK.replace('id = "sichuan-test"', 'id = "shaanxi-strict"').replace(
        'regions = ["510000"]', 'regions = ["610113"]'
    )
    text = text.replace('severity = "advisory"', 'severity = "blocking"')
    policy_services.pack_install(text=text, actor=personas.admin)
    appt = draft(personas.clerk_a, personas.person)
    person = personas.person
    person.education = "junior_college"
    person.save()
    declare(appt)
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(actor=personas.clerk_a, appointment=appt)
    assert any("第二条（二）" in m for m in exc.value.message_dict["__all__"])


def test_a_county_pack_is_more_specific_than_the_province(personas: Personas):
    text = SICHUAN_PACK.replace('id = "sichuan-test"', 'id = "yanta-test"').replace(
        'regions = ["510000"]', 'regions = ["610113"]'
    )
    policy_services.pack_install(text=text, actor=personas.admin)
    in_yanta = draft(personas.clerk_a, personas.person)
    in_weibin = draft(personas.clerk_b, personas.person)
    assert selectors.governing(in_yanta).version.pack.slug == "yanta-test"
    assert selectors.governing(in_weibin).version.pack.slug == "shaanxi-2021"
    # the county pack lacks duties: they come from the province
    assert selectors.governing(in_yanta).section_source("duties").pack.slug == "shaanxi-2021"


def test_hangzhou_asks_for_a_training_certificate(personas: Personas, elsewhere: Elsewhere):
    appt = draft(elsewhere.hangzhou_clerk, personas.person)
    r = results(appt)
    assert r["training_certificate"]["status"] == "unmet"
    assert "hangzhou-spec" in r["training_certificate"]["clause"]
    Qualification.objects.create(
        person=personas.person, kind="cqo_training", name="首席质量官培训合格证", level="none"
    )
    assert results(appt)["training_certificate"]["status"] == "met"


def test_jiangsu_small_firms_may_set_their_own_conditions(personas: Personas):
    from cqo.accounts.models import Role
    from cqo.test import enterprise_data, make_user, new_uscc

    firm = services.enterprise_create(
        actor=personas.admin,
        details=services.EnterpriseDetails(
            **enterprise_data(
                uscc=new_uscc("320581"), region="320581", size="small", above_scale=False
            )
        ),
    )
    clerk = make_user("clerk_js", Role.ENTERPRISE, enterprise=firm)
    person = personas.person
    person.quality_years = 1
    person.save()
    appt = draft(clerk, person)
    r = results(appt)
    assert r["quality_years"]["status"] == "unmet"
    assert "jiangsu-2020 §二" in r["quality_years"]["note"]
    services.enterprise_update(
        actor=clerk,
        enterprise=firm,
        details=services.EnterpriseDetails(own_cqo_conditions="从事质量工作1年以上"),
    )
    appt.refresh_from_db()
    r = results(appt)
    assert r["quality_years"]["status"] == "relaxed"
    assert r["quality_years"]["note"] == "从事质量工作1年以上"


# The filing authority's review chain ---------------------------------------------------------


def test_a_fourth_province_with_a_county_then_city_chain(personas: Personas, elsewhere: Elsewhere):
    policy_services.pack_install(text=SICHUAN_PACK, actor=personas.admin)
    appt = draft(elsewhere.sichuan_clerk, elsewhere.newcomer)
    assert results(appt)["quality_years"]["clause"] == "sichuan-test §二(一)"
    services.appointment_update(
        actor=elsewhere.sichuan_clerk,
        appointment=appt,
        terms=services.AppointmentTerms(justification="技术骨干"),
    )
    declare(appt)
    services.filing_submit(actor=elsewhere.sichuan_clerk, appointment=appt)
    appt.refresh_from_db()
    assert selectors.filing_route(appt).step == "county"
    # the city cannot skip the county's check
    with pytest.raises(PermissionDenied):
        services.filing_approve(actor=elsewhere.chengdu, appointment=appt)
    checked = services.filing_approve(actor=elsewhere.wuhou, appointment=appt)
    assert (checked.status, checked.review_stage) == ("submitted", "county_checked")
    entry = AuditEntry.objects.filter(target_id=str(appt.public_id)).latest("pk")
    assert (entry.actor, entry.changes) == (
        elsewhere.wuhou,
        {"review_stage": ["", "county_checked"]},
    )
    with pytest.raises(PermissionDenied):
        services.filing_approve(actor=elsewhere.wuhou, appointment=appt)
    filed = services.filing_approve(actor=elsewhere.chengdu, appointment=appt)
    assert filed.status == Appointment.Status.FILED
    assert filed.filing_authority_id == "510100"
    assert filed.filing_number.startswith("510100")


def test_the_city_can_return_after_the_county_check(personas: Personas, elsewhere: Elsewhere):
    policy_services.pack_install(text=SICHUAN_PACK, actor=personas.admin)
    appt = draft(elsewhere.sichuan_clerk, personas.person)
    declare(appt)
    services.filing_submit(actor=elsewhere.sichuan_clerk, appointment=appt)
    services.filing_approve(actor=elsewhere.wuhou, appointment=appt)
    services.filing_return(actor=elsewhere.chengdu, appointment=appt, reason="补充聘任授权证书")
    appt.refresh_from_db()
    assert (appt.status, appt.review_stage) == ("returned", "")


def test_shenzhen_files_with_the_industry_s_competent_department(
    personas: Personas, elsewhere: Elsewhere
):
    appt = draft(elsewhere.shenzhen_clerk, personas.person)
    declare(appt)
    services.filing_submit(actor=elsewhere.shenzhen_clerk, appointment=appt)
    appt.refresh_from_db()
    route = selectors.filing_route(appt)
    assert (route.step, route.department.code) == ("department", "industry_it")
    assert "shenzhen-guide §4.7" in selectors.governing(appt).rules.filing.clause
    # the county market regulator sees the filing but does not file it
    assert selectors.appointment_get(user=elsewhere.nanshan, public_id=appt.public_id)
    with pytest.raises(PermissionDenied):
        services.filing_approve(actor=elsewhere.nanshan, appointment=appt)
    # another department sees nothing of this industry
    with pytest.raises(Http404):
        selectors.appointment_get(user=elsewhere.sz_transport, public_id=appt.public_id)
    with pytest.raises(PermissionDenied):
        services.filing_approve(actor=elsewhere.sz_transport, appointment=appt)
    filed = services.filing_approve(actor=elsewhere.sz_industry, appointment=appt)
    assert filed.status == Appointment.Status.FILED
    assert filed.filing_authority_id == "440300"


def test_a_department_sees_its_industries_in_its_region_only(
    personas: Personas, elsewhere: Elsewhere
):
    visible = set(
        selectors.enterprise_list(user=elsewhere.sz_industry).values_list("pk", flat=True)
    )
    assert elsewhere.shenzhen.pk in visible
    assert personas.enterprise_a.pk not in visible  # manufacturing, but in Shaanxi
    assert elsewhere.hangzhou.pk not in visible
    assert not selectors.enterprise_list(user=elsewhere.sz_transport).exists()


def test_an_exit_listing_blocks_the_filing_and_a_warning_is_shown(personas: Personas):
    from cqo.blacklist.models import Listing

    appt = draft(personas.clerk_a, personas.person)
    warning = Listing.objects.create(
        person=personas.person,
        kind="warning",
        reason="履职不到位，发生质量安全事故",
        region=personas.province.region,
        issued_by=personas.province,
        authority_name="陕西省市场监督管理局",
        start_date=clock.today() - dt.timedelta(days=1),
    )
    checks = {c.code: c for c in selectors.filing_checks(appt)}
    assert not checks["no_warning"].ok and checks["no_warning"].severity == "advisory"
    assert checks["not_exit_listed"].ok
    declare(appt)
    services.filing_submit(actor=personas.clerk_a, appointment=appt)  # a warning does not block
    services.filing_return(actor=personas.county_a, appointment=appt, reason="请补充材料说明")
    warning.kind = "exit"
    warning.save()
    with pytest.raises(ValidationError) as exc:
        services.filing_submit(actor=personas.clerk_a, appointment=appt)
    assert any("陕质委办〔2021〕15号 第五条（三）" in m for m in exc.value.message_dict["__all__"])


def test_a_department_account_must_name_a_department_of_its_pack(personas: Personas):
    from cqo.accounts.models import Role, User
    from cqo.reference.models import Region

    user = User(username="sz_x", role=Role.DEPARTMENT, region=Region.objects.get(code="440300"))
    user.department = "tourism"
    with pytest.raises(ValidationError) as exc:
        user.full_clean(exclude=["password"])
    assert "industry_it" in exc.value.message_dict["department"][0]
    user.department = "industry_it"
    user.full_clean(exclude=["password"])
