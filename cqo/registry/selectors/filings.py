"""The reads of the filing workflow: what a filing is checked against (the person's profile,
other appointments, the blacklist), the eligibility verdict under the governing pack, and the
data of the printed form (SPEC §3, §4, §12.11; shenzhen-guide Annex A)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.lib import clock
from cqo.policy import rules as policy
from cqo.policy.selectors import Governing, NoPackInForce
from cqo.reference.selectors import region_label
from cqo.registry import facts, rules
from cqo.registry.models import Appointment, Person
from cqo.registry.selectors.route import governing

Data = dict[str, Any]


PROFILE_REQUIRED = ["name", "id_number_enc", "gender", "education", "mobile_enc", "position"]


def filing_facts(appt: Appointment) -> rules.FilingFacts:
    person = appt.person
    labels = {f.name: str(f.verbose_name) for f in Person._meta.fields}
    labels.update(
        {
            "id_number_enc": str(labels["id_number_masked"]),
            "mobile_enc": str(labels["mobile_masked"]),
        }
    )
    missing = [labels[f] for f in PROFILE_REQUIRED if not getattr(person, f)]
    others = (
        Appointment.objects.filter(person=person, status=Appointment.Status.FILED)
        .exclude(enterprise=appt.enterprise)
        .values_list("enterprise_id", "enterprise__group_parent_id")
    )
    exits, warnings = _listings(person)
    return rules.FilingFacts(
        exit_listings=exits,
        warnings=warnings,
        enterprise_id=appt.enterprise_id,
        enterprise_group_id=appt.enterprise.group_parent_id,
        rank=appt.rank,
        reports_to_top=appt.reports_to_top,
        declaration_confirmed=appt.declaration_confirmed,
        other_active_at_enterprise=Appointment.objects.filter(
            enterprise=appt.enterprise, status=Appointment.Status.FILED
        )
        .exclude(pk=appt.pk)
        .exists(),
        person_active_elsewhere=list(others),
        profile_missing=missing,
        **_cited_by(appt),
    )


def _cited_by(appt: Appointment) -> dict[str, Any]:
    """What the checks cite (SPEC §12.24): the governing packs, and the form the filing is
    made on — the pack's own where it prescribes one (shenzhen-guide 附录A), else the
    platform's filing form (a Shaanxi filing does not cite the Shenzhen guide)."""
    try:
        gov = governing(appt)
    except NoPackInForce:
        return {}
    filing = gov.rules.filing
    own = filing is not None and filing.form == "shenzhen-guide-annex-a"
    return {
        "packs": tuple(v.pack.slug for v in gov.versions),
        "form_clause": "shenzhen-guide 附录A" if own else rules.PLATFORM_FORM,
    }


def _listings(person: Person) -> tuple[list[str], list[str]]:
    exits: list[str] = []
    warnings: list[str] = []
    for listing in _in_force(person):
        end = listing.end_date.isoformat() if listing.end_date else _("长期")
        text_ = _("%(authority)s %(start)s 至 %(end)s：%(reason)s") % {
            "authority": listing.authority_name,
            "start": listing.start_date.isoformat(),
            "end": end,
            "reason": listing.reason,
        }
        (exits if listing.exit else warnings).append(text_)
    return exits, warnings


def _in_force(person: Person) -> tuple[facts.Listing, ...]:
    """The person's listings in force today, from the app that keeps them (registry.facts)."""
    return facts.LISTINGS(person.pk, clock.today())


def filing_checks(appt: Appointment) -> list[rules.Check]:
    return rules.filing_checks(filing_facts(appt))


def chief_tenures(enterprise_ids: Collection[int]) -> dict[int, list[rules.Tenure]]:
    """The filed and ended chief CQOs of each enterprise as the live workflow makes them
    active (rules.Tenure), in one query: what a migrated appointment may not overlap
    (SPEC §12.17)."""
    found: dict[int, list[rules.Tenure]] = {e: [] for e in enterprise_ids}
    if not found:
        return found
    rows = (
        Appointment.objects.filter(
            enterprise_id__in=found,
            status__in=[Appointment.Status.FILED, Appointment.Status.ENDED],
        )
        .order_by()
        .values_list("enterprise_id", "filing_number", "start_date", "filed_at", "ended_on")
    )
    for enterprise_id, number, start, filed, ended in rows:
        found[enterprise_id].append(
            rules.tenure(
                filing_number=number or "",
                start_date=start,
                filed_on=timezone.localdate(filed) if filed else start,
                ended_on=ended,
            )
        )
    return found


# Eligibility under the governing policy pack (SPEC §4, §12.11) -----------------------------------


def eligibility_facts(appt: Appointment) -> policy.Facts:
    person, ent = appt.person, appt.enterprise
    quals = tuple(
        policy.QualificationFact(kind, level)
        for kind, level in person.qualifications.values_list("kind", "level")
    )
    industry = ent.industry
    return policy.Facts(
        person=policy.PersonFacts(
            education=person.education,
            title_level=person.title_level,
            qualifications=quals,
            quality_years=person.quality_years,
            # a certificate issued on the platform, or one held from before and declared
            training_certificate=facts.TRAINING_CERTIFICATE(person.pk, clock.today()),
            # the level of a certificate in force today (filing.min_level; level-standard)
            capability_level=facts.CAPABILITY_LEVEL(person.pk, clock.today()),
            # the person's own declarations on this appointment, and an exit listing in force
            # that contradicts them (level-standard §5.1.5; SPEC §12.11)
            declarations=frozenset(appt.declarations or ()),
            exit_listed=any(listing.exit for listing in _in_force(person)),
        ),
        enterprise=policy.EnterpriseFacts(
            size=ent.size,
            above_scale=ent.above_scale,
            nature=ent.nature,
            listed=ent.listed,
            group=ent.group_parent_id is not None or ent.subsidiaries.exists(),
            industry_division=industry.code,
            industry_section=industry.section_code,
            own_conditions=ent.own_cqo_conditions,
        ),
        post=policy.PostFacts(
            rank=appt.rank,
            concurrent_role=appt.concurrent_role,
            appointing_authority=appt.appointing_authority,
            reports_to_top=appt.reports_to_top,
            justification=appt.justification,
            treatment=appt.treatment,
            assessment_result=appt.assessment_result,
            probation_end=appt.probation_end.isoformat() if appt.probation_end else "",
        ),
    )


def eligibility(appt: Appointment) -> tuple[Governing, policy.Verdict]:
    gov = governing(appt)
    return gov, policy.verdict(gov.rules, eligibility_facts(appt))


def verdict_record(gov: Governing, verdict: policy.Verdict, appt: Appointment) -> Data:
    return {
        "versions": gov.version_ids(),
        "label": gov.label,
        "national_default": gov.is_default,
        "evaluated_on": clock.today().isoformat(),
        "justification": appt.justification,
        "results": [r.as_dict() for r in verdict.results],
    }


def eligibility_view(appt: Appointment) -> Data:
    """What a page or the API shows: the frozen verdict of a filed or ended appointment, else
    a fresh evaluation (for a submitted one, under the versions recorded at submission)."""
    if appt.status in (Appointment.Status.FILED, Appointment.Status.ENDED) and appt.verdict:
        return cast(Data, appt.verdict)
    gov, verdict = eligibility(appt)
    return verdict_record(gov, verdict, appt)


# The filing form (shenzhen-guide Annex A 备案登记表) --------------------------------------------


def filing_form_data(appt: Appointment, *, frozen: bool = True) -> Data:
    """Every field of Annex A as plain data. Once filed, the frozen snapshot is returned, so the
    printed form shows what the authority filed even if the records change later. Personal
    numbers stay encrypted inside the snapshot."""
    if frozen and appt.snapshot:
        return cast(Data, appt.snapshot)
    ent, person = appt.enterprise, appt.person
    industry = ent.industry
    return {
        "form_date": (appt.form_date or clock.today()).isoformat(),
        "enterprise": {
            "name": ent.name,
            "uscc": ent.uscc,
            "website": ent.website,
            "employees": ent.employees,
            "industry_section": f"{industry.parent.code} {industry.parent.name}"
            if industry.parent
            else "",
            "industry_division": f"{industry.code} {industry.name}",
            "size": ent.size,
            "nature": ent.nature,
            "listed": ent.listed,
            "main_products": ent.main_products,
            "region": region_label(ent.region_id),
            "responsible_name": ent.responsible_name,
            "responsible_position": ent.responsible_position,
            "responsible_landline": ent.responsible_landline,
            "responsible_mobile_enc": ent.responsible_mobile_enc,
            "responsible_mobile_masked": ent.responsible_mobile_masked,
        },
        "person": {
            "name": person.name,
            "id_number_enc": person.id_number_enc,
            "id_number_masked": person.id_number_masked,
            "gender": person.gender,
            "position": person.position,
            "title": person.title,
            "education": person.education,
            "major": person.major,
            "mobile_enc": person.mobile_enc,
            "mobile_masked": person.mobile_masked,
            "email": person.email,
            "quality_years": person.quality_years,
            "mailing_address": person.mailing_address,
            "work_history": person.work_history,
            "photo": person.photo.name if person.photo else "",
        },
        "appointment": {
            "post": appt.post,
            "rank": appt.rank,
            "treatment": appt.treatment,
            "start_date": appt.start_date.isoformat(),
            "term_end": appt.term_end.isoformat() if appt.term_end else "",
            "declaration_confirmed": appt.declaration_confirmed,
            "remarks": appt.remarks,
            "filing_number": appt.filing_number or "",
            "filed_at": appt.filed_at.isoformat() if appt.filed_at else "",
        },
    }
