"""Demo data (`manage.py demo_data`): counts, valid identifiers, the logins it promises."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from cqo.accounts.models import User
from cqo.audit.models import AuditEntry
from cqo.portal import demo
from cqo.reference.validators import validate_id_number, validate_uscc
from cqo.registry import services
from cqo.registry.models import Appointment, Enterprise, Person
from cqo.test import declare

N = 60  # scaled down from 2,000; every count follows demo.Plan


@pytest.fixture
def built(db: None) -> demo.DemoResult:
    return demo.build_demo(seed=7, enterprises=N, stdout=io.StringIO())


def test_it_builds_the_planned_counts(built: demo.DemoResult) -> None:
    plan = demo.Plan.for_enterprises(N)
    assert Enterprise.objects.count() == N
    # the community showcase registers one more CQO, a peer member of the alliance (cqo2)
    assert Person.objects.exclude(user__username="cqo2").count() == plan.persons
    statuses = Counter(Appointment.objects.values_list("status", flat=True))
    assert statuses == {
        "filed": plan.filed,
        "draft": plan.draft,
        "submitted": plan.submitted,
        "returned": plan.returned,
        "ended": plan.ended,
    }
    assert built.status_counts == dict(statuses)


def test_it_scales_the_full_plan_to_the_brief() -> None:
    plan = demo.Plan.for_enterprises(2000)
    assert (plan.persons, plan.filed, plan.draft, plan.submitted, plan.returned, plan.ended) == (
        800,
        600,
        40,
        30,
        20,
        15,
    )
    with pytest.raises(ValueError):
        demo.Plan.for_enterprises(5)


def test_it_makes_only_valid_identifiers(built: demo.DemoResult) -> None:
    usccs = list(Enterprise.objects.values_list("uscc", flat=True))
    assert len(set(usccs)) == len(usccs) == N
    for uscc in usccs:
        validate_uscc(uscc)
    for person in Person.objects.all():
        facts = validate_id_number(person.id_number)
        assert facts.gender == person.gender
        assert facts.birth_date == person.birth_date
    names = list(Enterprise.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)


def test_it_spreads_enterprises_over_three_cities_and_ten_counties(built: demo.DemoResult) -> None:
    regions = Enterprise.objects.values_list("region__city_code", "region_id")
    # and the one Shenzhen enterprise that shows another province's pack (cqo.portal.demo.packs)
    assert {city for city, _ in regions} == {"610100", "610300", "610400", "440300"}
    assert len({county for _, county in regions}) >= 10


def test_it_keeps_one_filed_cqo_per_enterprise_with_numbers_like_the_service(
    built: demo.DemoResult,
) -> None:
    filed = Appointment.objects.filter(status__in=["filed", "ended"]).select_related("enterprise")
    for appt in filed:
        year = appt.filed_at.astimezone(demo.SHANGHAI).year
        assert appt.filing_number == f"{appt.enterprise.region_id}{year}{appt.pk:07d}"
        assert appt.snapshot["enterprise"]["uscc"] == appt.enterprise.uscc
        assert appt.submitted_at <= appt.filed_at
    per_enterprise = Counter(
        Appointment.objects.filter(status="filed").values_list("enterprise_id", flat=True)
    )
    assert max(per_enterprise.values()) == 1
    for appt in Appointment.objects.filter(status="ended"):
        assert appt.start_date <= appt.filed_at.date() <= appt.ended_on and appt.end_reason
        successor = Appointment.objects.filter(enterprise=appt.enterprise, status="filed").first()
        if successor:  # a predecessor left before its successor started
            assert appt.ended_on < successor.start_date
    assert all(
        Appointment.objects.filter(status="returned").values_list("return_reason", flat=True)
    )


def test_it_prints_rare_characters_in_names(built: demo.DemoResult) -> None:
    names = "".join(Person.objects.values_list("name", flat=True))
    for char in "堃喆𠮷昇赟玥":
        assert char in names, char


def test_it_opens_a_login_for_every_role(built: demo.DemoResult) -> None:
    for username in demo.DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(demo.PASSWORD), username
    # 三员分立: three administrators, none a superuser
    roles = dict(User.objects.filter(is_staff=True).values_list("username", "role"))
    assert roles == {"admin": "admin", "security": "security", "auditor": "auditor"}
    assert not User.objects.filter(is_superuser=True).exists()
    assert User.objects.get(username="yanta").region_id == "610113"
    cqo = User.objects.get(username="cqo")
    assert cqo.person.appointments.filter(status="filed").exists()


def test_it_leaves_the_clerk_a_person_to_appoint_and_file(built: demo.DemoResult) -> None:
    clerk = User.objects.get(username="clerk")
    assert clerk.enterprise.region_id == "610113"
    assert not clerk.enterprise.appointments.exists()
    name, id_number = built.appointable
    appt = services.appointment_create(
        actor=clerk,
        terms=services.AppointmentTerms(
            id_number=id_number,
            person_name=name,
            post="首席质量官",
            rank="senior_deputy",
            appointing_authority="general_manager",
            selection_method="external_hire",
            start_date="2026-01-05",
            declaration_confirmed=True,
        ),
    )
    declare(appt)
    services.filing_submit(actor=clerk, appointment=appt)
    filed = services.filing_approve(actor=User.objects.get(username="yanta"), appointment=appt)
    assert filed.status == "filed"


def test_it_audits_each_bulk_batch(built: demo.DemoResult) -> None:
    batches = AuditEntry.objects.filter(target_type="demo_import")
    assert {e.target_id for e in batches} >= {"persons-1", "appointments-1"}
    created = AuditEntry.objects.filter(target_type="enterprise", action="create", note="")
    assert created.count() == N  # enterprises go through enterprise_create, one entry each


def test_it_refuses_to_run_twice_without_reset(built: demo.DemoResult) -> None:
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo_data", "--enterprises", "30", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    assert Enterprise.objects.count() == N


def test_it_rebuilds_after_reset(built: demo.DemoResult) -> None:
    out = io.StringIO()
    call_command("demo_data", "--reset", "--enterprises", "30", "--seed", "3", stdout=out)
    assert Enterprise.objects.count() == 30
    assert "clerk2" in out.getvalue()
    assert "Demo-2026!" in out.getvalue()


def test_it_shows_a_warning_and_an_exit_that_ended_a_filing(built: demo.DemoResult) -> None:
    from cqo.blacklist.models import Listing

    exit_, warning = (
        Listing.objects.get(kind="exit"),
        Listing.objects.get(kind="warning"),
    )
    assert exit_.public and warning.public
    ended = Appointment.objects.get(person=exit_.person, end_reason="blacklist_exit")
    assert ended.status == "ended"
    assert Appointment.objects.filter(person=warning.person, status="filed").exists()


def test_every_judged_filing_keeps_its_pack_verdict(built: demo.DemoResult) -> None:
    judged = Appointment.objects.exclude(status="draft")
    assert judged.filter(pack_version__isnull=True).count() == 0
    for appt in judged.exclude(verdict={})[:50]:
        assert all(r["clause"] for r in appt.verdict["results"])
        unmet = [r for r in appt.verdict["results"] if r["status"] == "unmet"]
        if any(r["severity"] == "justify" for r in unmet):
            assert appt.justification  # as the workflow would have demanded (SPEC §12.11)


def test_it_shows_training_and_study_hours_in_the_hour_log(built: demo.DemoResult) -> None:
    from cqo.hours.models import StudyRecord
    from cqo.training.models import Session, TrainingCertificate

    assert TrainingCertificate.objects.filter(status="valid").count() >= 1
    assert Session.objects.filter(status="open").exists()  # one the demo CQO can join
    records = StudyRecord.objects.all()
    assert records.exists() and not records.filter(ledger_index__isnull=True).exists()
    out = io.StringIO()
    call_command("ledger_audit", stdout=out)  # the log built by the demo is intact
