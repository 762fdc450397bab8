"""The services as a spec: issuing, the exit's effect on filings (SPEC §12.15), activation of
future-dated exits, in force across its boundaries, revocation, the end date, validation and
appeals (SPEC §8)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cqo.audit.models import AuditEntry
from cqo.blacklist import selectors, services
from cqo.blacklist.models import Appeal, Listing
from cqo.lib import clock
from cqo.reference.enums import EndReason
from cqo.registry.models import Appointment
from cqo.test import Personas, file_appointment
from tests.blacklist.conftest import TODAY, World, issue, listing_data

DAY = dt.timedelta(days=1)


def trail(obj: Listing | Appeal | Appointment, target_type: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(target_type=target_type, target_id=str(obj.public_id)).order_by(
            "id"
        )
    )


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


@pytest.fixture
def filed(personas: Personas) -> Appointment:
    return file_appointment(personas, start_date=TODAY - 100 * DAY)


# Effects ----------------------------------------------------------------------------------------


def test_it_ends_the_filed_appointment_when_an_exit_starts_at_once(
    personas: Personas, filed: Appointment
) -> None:
    listing = issue(personas.county_a, personas.person, kind="exit")

    filed.refresh_from_db()
    assert filed.status == Appointment.Status.ENDED
    assert filed.end_reason == EndReason.BLACKLIST_EXIT
    assert filed.ended_on == TODAY
    listing.refresh_from_db()
    assert listing.applied_at is not None
    assert list(listing.ended_appointments.all()) == [filed]
    entries = trail(filed, "appointment")
    assert entries[-1].action == "transition"
    assert entries[-1].changes["end_reason"] == [None, "blacklist_exit"]
    assert entries[-1].actor == personas.county_a
    actions = [e.action for e in trail(listing, "listing")]
    assert actions == ["create", "transition"]


def test_it_leaves_appointments_alone_for_a_warning(personas: Personas, filed: Appointment) -> None:
    listing = issue(personas.county_a, personas.person, kind="warning")

    filed.refresh_from_db()
    assert filed.status == Appointment.Status.FILED
    assert listing.applied_at is None
    assert not listing.ended_appointments.exists()
    # created, the person's declaration (SPEC §12.11), submitted, filed
    assert [e.action for e in trail(filed, "appointment")] == ["create", *["transition"] * 3]


def test_it_waits_for_the_start_of_a_future_exit(
    personas: Personas, filed: Appointment, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = TODAY + 10 * DAY
    listing = issue(personas.county_a, personas.person, kind="exit", start_date=start)
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.FILED

    assert services.activate_due_listings(TODAY) == []
    assert services.activate_due_listings(start - DAY) == []
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.FILED

    monkeypatch.setattr(clock, "today", lambda: start)
    applied = services.activate_due_listings()
    assert [x.pk for x in applied] == [listing.pk]
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.ENDED
    assert filed.ended_on == start
    assert filed.end_reason == EndReason.BLACKLIST_EXIT
    listing.refresh_from_db()
    assert listing.applied_at is not None
    # the listing's own entry is the system's; the filing's is in the issuer's name
    assert trail(listing, "listing")[-1].actor is None
    assert trail(filed, "appointment")[-1].actor == personas.county_a

    # idempotent: a second run does nothing
    assert services.activate_due_listings() == []
    assert len(trail(filed, "appointment")) == 5  # the person's declaration among them


def test_it_activates_from_the_management_command(
    personas: Personas, filed: Appointment, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = TODAY + 3 * DAY
    issue(personas.county_a, personas.person, kind="exit", start_date=start)
    out = io.StringIO()
    call_command("blacklist_activate", stdout=out)
    assert "0 exit listing(s) applied" in out.getvalue()

    call_command("blacklist_activate", "--date", start.isoformat(), stdout=out)
    assert "1 exit listing(s) applied" in out.getvalue()
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.ENDED


def test_it_does_not_activate_a_revoked_or_expired_exit(
    personas: Personas, filed: Appointment
) -> None:
    revoked = issue(personas.county_a, personas.person, kind="exit", start_date=TODAY + 5 * DAY)
    services.listing_revoke(actor=personas.county_a, listing=revoked, reason="误列入，予以撤销")
    issue(
        personas.county_a,
        personas.person,
        kind="exit",
        start_date=TODAY + 20 * DAY,
        end_date=TODAY + 21 * DAY,
    )
    assert services.activate_due_listings(TODAY + 10 * DAY) == []
    assert services.activate_due_listings(TODAY + 30 * DAY) == []  # ended before it was run
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.FILED


def test_it_applies_an_exit_when_a_new_end_date_brings_it_into_force(
    personas: Personas, filed: Appointment
) -> None:
    past = issue(
        personas.county_a,
        personas.person,
        kind="exit",
        start_date=TODAY - 30 * DAY,
        end_date=TODAY - 20 * DAY,
    )
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.FILED  # recorded after the fact: no effect

    services.listing_set_end_date(actor=personas.county_a, listing=past, end_date=None)
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.ENDED
    past.refresh_from_db()
    assert past.end_date is None and past.applied_at is not None


# In force ---------------------------------------------------------------------------------------


def test_it_reports_listings_in_force_across_their_boundaries(personas: Personas) -> None:
    start, end = TODAY + 5 * DAY, TODAY + 9 * DAY
    listing = issue(personas.county_a, personas.person, start_date=start, end_date=end)
    pid = personas.person.pk

    assert selectors.in_force_for_person(pid, start - DAY) == []
    assert selectors.in_force_for_person(pid, start) == [listing]
    assert selectors.in_force_for_person(pid, end) == [listing]  # inclusive
    assert selectors.in_force_for_person(pid, end + DAY) == []

    services.listing_revoke(actor=personas.county_a, listing=listing, reason="复核后撤销列入")
    assert selectors.in_force_for_person(pid, start) == []


def test_it_puts_the_exit_first(personas: Personas) -> None:
    warning = issue(personas.county_a, personas.person, kind="warning", start_date=TODAY - DAY)
    exit_ = issue(personas.county_a, personas.person, kind="exit", start_date=TODAY + DAY)
    on = TODAY + 2 * DAY
    assert selectors.in_force_for_person(personas.person.pk, on) == [exit_, warning]
    assert selectors.in_force_for_person(personas.person.pk, TODAY) == [warning]


# Revocation and the end date --------------------------------------------------------------------


def test_it_keeps_a_revoked_listing_and_its_history(personas: Personas, filed: Appointment) -> None:
    listing = issue(personas.county_a, personas.person, kind="exit")
    services.listing_revoke(actor=personas.city, listing=listing, reason="经复核，事故责任不在本人")

    listing = Listing.objects.get(pk=listing.pk)
    assert listing.state == Listing.State.REVOKED
    assert listing.revoked_by == personas.city
    assert listing.revoke_reason == "经复核，事故责任不在本人"
    assert listing.reason == "履职不到位，造成重大质量安全事故"
    assert [e.action for e in trail(listing, "listing")] == ["create", "transition", "transition"]
    assert trail(listing, "listing")[-1].changes == {"status": ["in_force", "revoked"]}
    filed.refresh_from_db()
    assert filed.status == Appointment.Status.ENDED  # not reinstated: filed again if appointed

    with pytest.raises(ValidationError) as exc:
        services.listing_revoke(actor=personas.city, listing=listing, reason="再次撤销试试")
    assert errors_of(exc) == {"status"}


@pytest.mark.parametrize("who", ["county_b", "clerk_a", "cqo", "trainer"])
def test_it_lets_only_the_issuing_level_or_above_revoke(personas: Personas, who: str) -> None:
    listing = issue(personas.county_a, personas.person)
    with pytest.raises(PermissionDenied):
        services.listing_revoke(
            actor=getattr(personas, who), listing=listing, reason="无权撤销测试"
        )
    with pytest.raises(PermissionDenied):
        services.listing_set_end_date(
            actor=getattr(personas, who), listing=listing, end_date=TODAY + DAY
        )
    listing.refresh_from_db()
    assert listing.revoked_at is None and listing.end_date is None


def test_it_changes_the_end_date_and_audits_it(personas: Personas) -> None:
    listing = issue(personas.county_a, personas.person)
    services.listing_set_end_date(
        actor=personas.province, listing=listing, end_date=TODAY + 30 * DAY, note="整改到位"
    )
    listing.refresh_from_db()
    assert listing.end_date == TODAY + 30 * DAY
    entry = trail(listing, "listing")[-1]
    assert entry.action == "update"
    assert entry.changes == {"end_date": [None, (TODAY + 30 * DAY).isoformat()]}

    with pytest.raises(ValidationError) as exc:
        services.listing_set_end_date(
            actor=personas.county_a, listing=listing, end_date=TODAY - 30 * DAY
        )
    assert errors_of(exc) == {"end_date"}
    with pytest.raises(ValidationError) as exc:
        services.listing_set_end_date(actor=personas.county_a, listing=listing, end_date="31/12")
    assert errors_of(exc) == {"end_date"}


# Issuing: who and what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["clerk_a", "cqo", "trainer", "certifier"])
def test_it_lets_only_regulators_issue(personas: Personas, who: str) -> None:
    with pytest.raises(PermissionDenied):
        issue(getattr(personas, who), personas.person)
    assert not Listing.objects.exists()


def test_it_refuses_a_person_outside_the_regulators_scope(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        issue(personas.county_b, personas.person)
    data = listing_data(id_number=personas.person.id_number, person_name=personas.person.name)
    with pytest.raises(ValidationError) as exc:
        services.listing_create(actor=personas.county_b, terms=services.ListingTerms(**data))
    assert errors_of(exc) == {"id_number"}
    assert not Listing.objects.exists()


def test_it_finds_the_person_by_id_number_and_name(personas: Personas) -> None:
    data = listing_data(id_number=personas.person.id_number, person_name=personas.person.name)
    listing = services.listing_create(actor=personas.city, terms=services.ListingTerms(**data))
    assert listing.person == personas.person
    assert listing.region_id == "610100"
    assert listing.authority_name == "西安市市场监督管理局"
    assert listing.issued_by == personas.city

    data["person_name"] = "王五"
    with pytest.raises(ValidationError) as exc:
        services.listing_create(actor=personas.city, terms=services.ListingTerms(**data))
    assert errors_of(exc) == {"id_number"}
    wrong_name = exc.value.message_dict["id_number"]
    # the same answer for a person outside the regulator's scope (county B's regulator) and
    # for an unknown number: no existence leak
    data["person_name"] = personas.person.name
    with pytest.raises(ValidationError) as exc:
        services.listing_create(actor=personas.county_b, terms=services.ListingTerms(**data))
    assert exc.value.message_dict["id_number"] == wrong_name


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"kind": "ban"}, {"kind"}),
        ({"reason": "  过失 "}, {"reason"}),
        ({"reason": "x" * 4001}, {"reason"}),
        ({"start_date": ""}, {"start_date"}),
        ({"start_date": "2026-02-30"}, {"start_date"}),
        ({"end_date": TODAY - DAY}, {"end_date"}),
        ({"authority_name": "局" * 101}, {"authority_name"}),
        ({"kind": "", "reason": "", "start_date": None}, {"kind", "reason", "start_date"}),
        (
            {"evidence": SimpleUploadedFile("evidence.exe", b"MZ", "application/octet-stream")},
            {"evidence"},
        ),
    ],
)
def test_it_names_the_field_of_bad_input(
    personas: Personas, overrides: dict[str, Any], fields: set[str]
) -> None:
    with pytest.raises(ValidationError) as exc:
        issue(personas.county_a, personas.person, **overrides)
    assert errors_of(exc) == fields
    assert not Listing.objects.exists()
    assert not AuditEntry.objects.filter(target_type="listing").exists()


def test_it_requires_a_region_from_the_admin_when_the_person_has_none(
    personas: Personas,
) -> None:
    person = personas.person
    person.region = None
    person.save(update_fields=["region"])
    with pytest.raises(ValidationError) as exc:
        issue(personas.admin, person)
    assert errors_of(exc) == {"region"}
    with pytest.raises(ValidationError) as exc:
        issue(personas.admin, person, region="999999")
    assert errors_of(exc) == {"region"}
    listing = issue(personas.admin, person, region="610000")
    assert listing.region_id == "610000"
    assert listing.authority_name == "陕西省市场监督管理局"


def test_it_refuses_a_duplicate_overlapping_listing(personas: Personas) -> None:
    issue(personas.county_a, personas.person, end_date=TODAY + 30 * DAY)
    with pytest.raises(ValidationError) as exc:
        issue(personas.city, personas.person, start_date=TODAY + 30 * DAY)
    assert errors_of(exc) == {"start_date"}
    # the next day, or the other kind, is fine
    issue(personas.city, personas.person, start_date=TODAY + 31 * DAY)
    issue(personas.city, personas.person, kind="exit", start_date=TODAY + 40 * DAY)
    assert Listing.objects.count() == 3


def test_it_stores_the_evidence(personas: Personas) -> None:
    pdf = SimpleUploadedFile("事故调查报告.pdf", b"%PDF-1.4 evidence", "application/pdf")
    listing = issue(personas.county_a, personas.person, evidence=pdf)
    assert listing.evidence.name.startswith(f"blacklist/{TODAY.year}/")
    with listing.evidence.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 evidence"


# Appeals ----------------------------------------------------------------------------------------


GROUNDS = "事故系供应商原料问题所致，本人已按规定履职，有检验记录为证。"


def test_it_runs_an_appeal_that_is_upheld(world: World) -> None:
    p, listing = world.p, world.listings["A"]
    appeal = services.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    assert appeal.status == Appeal.Status.PENDING

    with pytest.raises(ValidationError) as exc:
        services.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    assert errors_of(exc) == {"status"}

    services.appeal_decide(actor=p.county_a, appeal=appeal, outcome="upheld", note="证据不足以免责")
    appeal.refresh_from_db()
    listing.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
    assert appeal.decided_by == p.county_a
    assert appeal.decision_note == "证据不足以免责"
    assert listing.revoked_at is None
    assert [e.action for e in trail(appeal, "appeal")] == ["create", "transition"]

    with pytest.raises(ValidationError) as exc:
        services.appeal_decide(actor=p.county_a, appeal=appeal, outcome="granted", note="改判撤销")
    assert errors_of(exc) == {"status"}
    # decided: a new appeal may be filed
    services.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS + "补充材料")


def test_it_revokes_the_listing_when_an_appeal_is_granted(world: World) -> None:
    p, listing = world.p, world.listings["A"]
    appeal = services.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    services.appeal_decide(actor=p.city, appeal=appeal, outcome="granted", note="申诉理由成立")

    listing.refresh_from_db()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.GRANTED
    assert listing.revoked_at is not None
    assert listing.revoked_by == p.city
    assert "申诉理由成立" in listing.revoke_reason
    assert trail(listing, "listing")[-1].changes == {"status": ["in_force", "revoked"]}

    with pytest.raises(ValidationError) as exc:
        services.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    assert errors_of(exc) == {"status"}


def test_it_closes_an_open_appeal_when_the_listing_is_revoked(world: World) -> None:
    p, listing = world.p, world.listings["A"]
    appeal = services.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    services.listing_revoke(actor=p.county_a, listing=listing, reason="主动复核后撤销")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.CLOSED


@pytest.mark.parametrize("who", ["cqo_x", "county_a", "clerk_a", "admin"])
def test_it_lets_only_the_listed_person_appeal(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.appeal_create(actor=world.user(who), listing=world.listings["A"], grounds=GROUNDS)
    assert not Appeal.objects.exists()


def test_it_lets_only_the_issuing_level_or_above_decide(world: World) -> None:
    p = world.p
    # X was listed by county B; county A sees it (X registered in Yanta) but may not decide
    appeal = services.appeal_create(
        actor=world.user_x, listing=world.listings["X"], grounds=GROUNDS
    )
    for who in ("county_a", "city", "cqo_x", "clerk_b"):
        with pytest.raises(PermissionDenied):
            services.appeal_decide(
                actor=world.user(who), appeal=appeal, outcome="granted", note="越权决定"
            )
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING
    services.appeal_decide(actor=p.province, appeal=appeal, outcome="upheld", note="维持原决定")


def test_it_names_the_field_of_a_bad_appeal_or_decision(world: World) -> None:
    p, listing = world.p, world.listings["A"]
    with pytest.raises(ValidationError) as exc:
        services.appeal_create(actor=p.cqo, listing=listing, grounds="不服")
    assert errors_of(exc) == {"grounds"}
    appeal = services.appeal_create(actor=p.cqo, listing=listing, grounds=GROUNDS)
    with pytest.raises(ValidationError) as exc:
        services.appeal_decide(actor=p.county_a, appeal=appeal, outcome="maybe", note="")
    assert errors_of(exc) == {"outcome", "note"}
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING
