"""Demo training and study hours (SPEC §5): the training institution's qualification recorded by
the province, the province's advanced course run by that institution as 承办机构, a held session
with results (one learner at half attendance earns half the 学时) and certificates, an open
session to join, and online self-study reported for many serving CQOs, so the hour log and the
compliance table have something to show."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from cqo.accounts.models import User
from cqo.hours import services as hours
from cqo.lib import clock
from cqo.registry.models import Appointment, Person
from cqo.training import services
from cqo.training.models import Session


def _held_with_results(
    rng: random.Random, province: User, trainer: User, held: Session, cqo_person: Person
) -> None:
    """The demo CQO and six serving CQOs enrolled, attended and examined; the one who failed
    gets no certificate."""
    serving = list(
        Person.objects.filter(
            appointments__status=Appointment.Status.FILED, user__isnull=True
        ).order_by("pk")[:6]
    )
    people = [cqo_person, *serving]
    for i, person in enumerate(people):
        enrolment = services.enrolment_create(
            actor=province,
            session=held,
            id_number=person.id_number,
            person_name=person.name,
        )
        # SPEC §12.25: the second learner attended half the session and earns half its 学时
        attendance = 50 if i == 1 else 100
        enrolment = services.attendance_mark(
            actor=province, enrolment=enrolment, attendance=attendance
        )
        score = 55 if i == len(people) - 1 else rng.randint(66, 96)
        enrolment = services.result_mark(actor=province, enrolment=enrolment, score=Decimal(score))
        if enrolment.passed:
            services.certificate_issue(actor=trainer, enrolment=enrolment)


def _online_self_study(rng: random.Random, trainer: User, today: dt.date) -> None:
    """Online self-study reported by the e-learning platform (POST /api/v1/hours does the same)."""
    start = dt.date(today.year, 1, 1)
    span = max((today - start).days, 1)
    learners = Person.objects.filter(appointments__status=Appointment.Status.FILED).order_by("pk")[
        :160
    ]
    for n, person in enumerate(learners):
        for k in range(rng.randint(1, 4)):
            hours.record_create(
                actor=trainer,
                person=person,
                kind="online_self_study",
                hours=Decimal(rng.choice(["6", "8", "10", "12", "16"])),
                occurred_on=start + dt.timedelta(days=rng.randrange(span)),
                title=rng.choice(
                    [
                        "质量管理体系内审",
                        "质量成本管理",
                        "六西格玛基础",
                        "质量风险管理",
                        "标准化实务",
                    ]
                ),
                source="api",
                provider=trainer.organisation,
                source_ref=f"demo-elearning-{n}-{k}",
            )


def build_training_showcase(
    rng: random.Random, province: User, trainer: User, cqo_person: Person
) -> Session:
    today = clock.today()
    # the 承办机构's training qualification, recorded by the province (shaanxi-2021 §五(一)
    # "由具备相关资质的承办机构颁发培训合格证"): without it no certificate could be issued
    services.qualification_create(
        actor=province,
        terms=services.QualificationTerms(
            institution=trainer.username,
            granted_by="陕西省市场监督管理局",
            document="陕市监函〔2025〕12号 关于确认首席质量官培训承办机构的通知",
            basis="陕质委办〔2021〕15号 第五条（一）",
            valid_from=dt.date(today.year - 1, 1, 1),
            valid_until=dt.date(today.year + 2, 12, 31),
        ),
    )
    course = services.course_create(
        actor=province,
        terms=services.CourseTerms(
            title="企业首席质量官高级研修班",
            tier="advanced",  # shaanxi-2021 §五(一): the province's 高级 training
            region="610000",
            forms=("lecture", "case_study", "group_discussion"),
            hours=Decimal(24),
            method="exam",
            pass_mark=60,
            institution=trainer.username,
            description="质量管理体系、质量安全风险防控、质量经济性分析与案例剖析",
        ),
    )
    held = services.session_create(
        actor=province,
        course=course,
        terms=services.SessionTerms(
            start_date=today - dt.timedelta(days=40),
            end_date=today - dt.timedelta(days=38),
            place="西安市雁塔区科技路1号 陕西质量培训中心",
            capacity=40,
        ),
    )
    _held_with_results(rng, province, trainer, held, cqo_person)
    services.session_set_status(actor=province, session=held, status="held")
    upcoming = services.session_create(
        actor=province,
        course=course,
        terms=services.SessionTerms(
            start_date=today + dt.timedelta(days=20),
            end_date=today + dt.timedelta(days=22),
            place="宝鸡市渭滨区经二路8号 宝鸡市质量技术服务中心",
            capacity=50,
        ),
    )
    _online_self_study(rng, trainer, today)
    return upcoming


def training_reset() -> dict[str, int]:
    """Demo reset only: training rows and study records go before the persons and users they
    point at (the hour log itself is append-only and keeps its leaves)."""
    from cqo.hours.models import HourReminder, StudyRecord
    from cqo.training.models import (
        Course,
        Enrolment,
        Qualification,
        TrainingCertificate,
        TrainingPlan,
    )

    out = {
        "certificates": TrainingCertificate.objects.all().delete()[0],
        "enrolments": Enrolment.objects.all().delete()[0],
        "sessions": Session.objects.all().delete()[0],
        "courses": Course.objects.all().delete()[0],
        "plans": TrainingPlan.objects.all().delete()[0],
        "qualifications": Qualification.objects.all().delete()[0],
        "hour_reminders": HourReminder.objects.all().delete()[0],
    }
    corrections = StudyRecord.objects.filter(corrects__isnull=False)
    while corrections.exists():  # newest corrections first: each protects the one it corrects
        StudyRecord.objects.filter(corrected_by__isnull=True, corrects__isnull=False).delete()
    out["study_records"] = StudyRecord.objects.all().delete()[0]
    return out
