"""Seven years of filing history, bulk-inserted, with the verdict each filing was judged under."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cqo.accounts.models import User
from cqo.reference.models import Region
from cqo.registry import selectors, services
from cqo.registry.demo.data import BATCH, COUNTIES, PROVINCE, RARE_GIVEN, Plan
from cqo.registry.demo.generate import _appointment, _bulk, _enterprise, _Gen, _person, _reviewer
from cqo.registry.models import Appointment, Enterprise, Person, Qualification


def _enterprises(g: _Gen, users: dict[str, User], n: int) -> list[Enterprise]:
    """``n`` enterprises through the service (~2 ms each): every county gets one, the rest
    follow the weights; a few groups of subsidiaries in their parent's city (SPEC §12.17)."""
    counties = list(COUNTIES)
    places = counties[:n] + g.rng.choices(
        counties, list(COUNTIES.values()), k=max(0, n - len(counties))
    )
    ents = [
        services.enterprise_create(
            actor=_reviewer(users, c), details=services.EnterpriseDetails(**_enterprise(g, c))
        )
        for c in places
    ]
    parents = [e for e in ents if e.size == "large"][: max(1, n // 150)]
    grouped = {e.pk for e in parents}
    for parent in parents:
        city = parent.region.city_code
        subs = [e for e in ents if e.pk not in grouped and e.region.city_code == city]
        for sub in g.rng.sample(subs, min(3, len(subs))):
            services.enterprise_update(
                actor=users["prov"],
                enterprise=sub,
                details=services.EnterpriseDetails(group_parent=parent.uscc),
            )
            grouped.add(sub.pk)
    return ents


def _history(
    g: _Gen,
    plan: Plan,
    ents: list[Enterprise],
    users: dict[str, User],
    regions: dict[str, Region],
    seed: int,
) -> int:
    """Persons and their filings, bulk-inserted; returns the number of persons."""
    targets, statuses = _targets(g, plan, ents)
    # Dates first: a predecessor left shortly before its successor started.
    periods = _periods(g, targets, statuses)
    persons, facts = _persons(g, plan, ents, regions, targets, periods)
    _bulk(Person, persons, users["admin"], "persons", seed, "public_id")
    _qualifications(g, persons)
    appts = [
        _appointment(g, ent, person, fact, status, _reviewer(users, ent.region_id), *period)
        for ent, person, fact, status, period in zip(
            targets, persons, facts, statuses, periods, strict=False
        )
    ]
    _bulk(Appointment, appts, users["admin"], "appointments", seed, "public_id")
    _record_verdicts(appts)
    _number_filings(appts)
    return len(persons) + 4


def _targets(g: _Gen, plan: Plan, ents: list[Enterprise]) -> tuple[list[Enterprise], list[str]]:
    """The enterprises that appointed a CQO, one per appointment, and each appointment's
    status, in the order the appointments are made."""
    # Larger enterprises are likelier to have appointed a CQO (weighted sampling, A-Res).
    weight = {"large": 10, "medium": 6, "small": 2, "micro": 1}
    order = sorted(ents, key=lambda e: g.rng.random() ** (1 / weight[e.size]), reverse=True)
    # +1 filed through the services, -1 ended by the demo exit listing (cqo.blacklist.demo)
    filed_ents, rest = order[: plan.filed], order[plan.filed :]
    # one submitted filing is made through the services (the Shenzhen showcase), and one draft
    # (the filing a CQO started, waiting for its enterprise: registry.demo.showcase)
    open_n = plan.draft - 1 + plan.submitted - 1 + plan.returned
    open_ents, rest = rest[:open_n], rest[open_n:]
    # Two thirds of the ended ones preceded a serving CQO; the others left their post vacant.
    bulk_ended = plan.ended - 1  # and the one the exit listing ends
    n_pred = min(bulk_ended * 2 // 3, len(filed_ents))
    ended_ents = g.rng.sample(filed_ents, n_pred) + rest[: bulk_ended - n_pred]
    statuses = (
        ["filed"] * len(filed_ents)
        + ["draft"] * (plan.draft - 1)
        + ["submitted"] * (plan.submitted - 1)
        + ["returned"] * plan.returned
        + ["ended"] * len(ended_ents)
    )
    return filed_ents + open_ents + ended_ents, statuses


def _periods(
    g: _Gen, targets: list[Enterprise], statuses: list[str]
) -> list[tuple[dt.date, dt.date | None]]:
    """Each appointment's start and, for an ended one, the day the CQO left."""
    periods: list[tuple[dt.date, dt.date | None]] = []
    serving: dict[int, dt.date] = {}
    for ent, status in zip(targets, statuses, strict=True):
        if status in ("draft", "submitted", "returned"):
            periods.append((g.past(5, 60), None))
        elif status == "filed":
            serving[ent.pk] = g.past(90, 7 * 365)
            periods.append((serving[ent.pk], None))
        elif ent.pk in serving:
            left = serving[ent.pk] - dt.timedelta(days=g.rng.randint(1, 60))
            periods.append((left - dt.timedelta(days=g.rng.randint(400, 6 * 365)), left))
        else:
            start = g.past(400, 7 * 365)
            left = start + dt.timedelta(days=g.rng.randint(200, (g.today - start).days - 1))
            periods.append((start, left))
    return periods


def _persons(
    g: _Gen,
    plan: Plan,
    ents: list[Enterprise],
    regions: dict[str, Region],
    targets: list[Enterprise],
    periods: list[tuple[dt.date, dt.date | None]],
) -> tuple[list[Person], list[tuple[str, str, str]]]:
    """The appointed persons (with the rank, post and title of each appointment), then the
    registered ones no enterprise has appointed; not yet saved."""
    companies = [e.name for e in ents]
    rare_slots = {i * len(targets) // 6: c for i, c in enumerate("堃喆𠮷昇赟玥")}
    persons, facts = [], []
    for i, (ent, (joined, until)) in enumerate(zip(targets, periods, strict=True)):
        rare = rare_slots.get(i) or (g.rng.choice(RARE_GIVEN) if g.rng.random() < 0.01 else "")
        person, fact = _person(g, ent, ent.region_id, regions, companies, joined, until, rare)
        persons.append(person)
        facts.append(fact)
    for _ in range(plan.persons - len(targets) - 4):  # four registered through the services
        county = g.weighted(list(COUNTIES), list(COUNTIES.values()))
        persons.append(_person(g, None, county, regions, companies, g.past(365, 3650))[0])
    return persons, facts


def _qualifications(g: _Gen, persons: list[Person]) -> None:
    """The professional title of every saved person who holds one."""
    quals = []
    for p in persons:
        if p.title:
            issued = dt.date(g.rng.randint(2005, g.today.year - 1), 12, 1)
            quals.append(
                Qualification(
                    person=p,
                    kind="professional_title",
                    name=p.title,
                    level=p.title_level,
                    field=p.major,
                    issued_on=issued,
                    issuer="陕西省人力资源和社会保障厅",
                )
            )
    Qualification.objects.bulk_create(quals, batch_size=BATCH)


def _number_filings(appts: list[Appointment]) -> None:
    """The filing number and the frozen form of every saved filed or ended appointment."""
    filed = [a for a in appts if a.status in ("filed", "ended")]
    for a in filed:
        # As services.filing_approve numbers them: authority region, filing year, row id.
        year = timezone.localdate(a.filed_at).year
        a.filing_number = f"{a.filing_authority_id}{year}{a.pk:07d}"
        a.snapshot = selectors.filing_form_data(a, frozen=False)
    Appointment.objects.bulk_update(filed, ["filing_number", "snapshot"], batch_size=BATCH)


BACKBONE = (
    "该人员为企业实践经验丰富的技术骨干，长期负责产品质量检验和工艺改进，"
    "企业结合实际聘任，特此书面说明。"
)


def _record_verdicts(appts: list[Appointment]) -> None:
    """Every submitted, filed and ended row keeps the verdict of the pack it was judged under,
    as ``services.filing_submit`` records it; where the pack asks for a written justification
    the demo enterprise has given one (SPEC §12.11)."""
    from cqo.policy import rules as policy
    from cqo.policy.selectors import governing_for_region

    judged = [a for a in appts if a.status != "draft"]
    if not judged:
        return
    gov = governing_for_region(Region.objects.get(code=PROVINCE), timezone.localdate())
    for a in judged:
        verdict = policy.verdict(gov.rules, selectors.eligibility_facts(a))
        if verdict.needing_justification:
            a.justification = BACKBONE
            verdict = policy.verdict(gov.rules, selectors.eligibility_facts(a))
        a.pack_version = gov.version
        a.verdict = selectors.verdict_record(gov, verdict, a)
    Appointment.objects.bulk_update(
        judged, ["justification", "pack_version", "verdict"], batch_size=BATCH
    )
