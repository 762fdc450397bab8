"""Demo talent pool (SPEC §8): the certification body and a county regulator recommend serving
CQOs; the province admits one and leaves the others waiting."""

from __future__ import annotations

from cqo.accounts.models import User
from cqo.registry.models import Appointment, Person
from cqo.talent import services
from cqo.talent.models import SearchMark, SearchRow, SearchTally, TalentEntry


def build_talent_showcase(certifier: User, province: User) -> list[TalentEntry]:
    people = list(
        Person.objects.filter(appointments__status=Appointment.Status.FILED, quality_years__gte=10)
        .order_by("-quality_years", "pk")
        .distinct()[:3]
    )
    entries = [
        services.recommend(
            actor=certifier if i % 2 == 0 else province,
            person=person,
            reason="从事质量管理工作多年，组织质量攻关成效显著，推荐入选人才库",
        )
        for i, person in enumerate(people)
    ]
    if entries:
        services.decide(actor=province, entry=entries[0], admit=True, note="同意入库")
    return entries


def talent_reset() -> int:
    SearchMark.objects.all().delete()
    SearchRow.objects.all().delete()
    SearchTally.objects.all().delete()
    return TalentEntry.objects.all().delete()[0]
