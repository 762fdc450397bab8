"""Demo capability-level certification (SPEC §6): 陕西省质量协会 as the certification body with
the demo ``certifier`` as its staff and two experts who log in (``expert`` leads, ``expert2``);
the demo ``cqo`` certified AAAA with a certificate to verify, and an upgrade application of theirs
to AAAAA under assessment (``expert`` has a draft sheet, ``expert2`` has not scored yet); the demo
``newcqo`` (a prospective CQO with a training certificate held from before) certified AAA and
then suspended. Everything goes through the services. Run after the training showcase (the demo
``cqo`` holds the training certificate it issues)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile

from cqo.accounts.models import Role, User
from cqo.certification import services
from cqo.certification.models import (
    Appeal,
    Application,
    BodyMember,
    CertificationBody,
    Expert,
    LevelCertificate,
    ListingNotice,
    NumberSequence,
    Recommendation,
    Reminder,
    ReviewRequest,
    SupervisionAction,
    WarningRecord,
    YearlyReview,
)
from cqo.lib import clock
from cqo.lib.codes import make_uscc
from cqo.registry import services as registry
from cqo.registry.models import Person

EXPERT_PASSWORD = "Demo-2026!"  # noqa: S105  (the published password of the demo accounts)
PDF = b"%PDF-1.4\n% demo evidence\n"
SCORES_AAAA = {
    "8.1.1": "82",
    "8.1.2": "40",
    "8.2": "72",
    "8.3": "70",
    "8.4.1": "62",
    "8.4.2": "80",
    "8.4.3": "46",
    "8.4.4": "30",
    "8.5.1": "115",
    "8.5.2": "42",
    "8.5.3": "62",
    "8.5.4": "36",
    "8.5.5": "22",
}
SCORES_AAA = {
    "8.1.1": "60",
    "8.1.2": "30",
    "8.2": "60",
    "8.3": "55",
    "8.4.1": "45",
    "8.4.2": "55",
    "8.4.3": "35",
    "8.4.4": "20",
    "8.5.1": "70",
    "8.5.2": "25",
    "8.5.3": "30",
    "8.5.4": "20",
    "8.5.5": "10",
}


def _expert_user(username: str, organisation: str) -> User:
    user, _made = User.objects.get_or_create(
        username=username,
        defaults={
            "role": Role.CERTIFIER,
            "organisation": organisation,
            "display_name": organisation,
            "password": make_password(EXPERT_PASSWORD),
        },
    )
    return user


def _recommend(clerk: User, person: Person) -> None:
    services.recommendation_create(
        actor=clerk,
        id_number=person.id_number,
        person_name=person.name,
        opinion=f"同意推荐{person.name}同志申报首席质量官能力水平认定",
        recommender="单位负责人",
    )


def _application(user: User, person: Person, uscc: str, level: str, start: dt.date) -> Application:
    app = services.application_create(
        actor=user,
        body="SXZX",
        terms=services.ApplicationTerms(
            enterprise=uscc,
            level_applied=level,
            education_training="本科学历；参加首席质量官高级研修班并取得培训合格证",
            work_summary=f"{start.year}年至今 从事质量管理工作，现任质量负责人",
            quality_experience="主持建立并持续改进 ISO 9001 质量管理体系，推行六西格玛",
            performance="产品一次交验合格率由 96.1% 提升至 99.3%，质量损失率下降 35%",
            recommendation=f"同意推荐{person.name}同志申报 {level} 级首席质量官能力水平认定",
            recommender="单位负责人",
            declares_technical=True,
            declares_qms=True,
            declares_no_disqualification=True,
        ),
    )
    services.period_add(
        actor=user,
        app=app,
        organisation="现工作单位",
        post="质量负责人",
        kind="quality",
        start=start,
        end=None,
    )
    for kind, title in (
        ("work", "劳动合同及任职文件"),
        ("performance", "质量绩效证明"),
        ("recommendation", "单位推荐函"),
    ):
        services.evidence_add(
            actor=user,
            app=app,
            kind=kind,
            title=title,
            upload=SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf"),
        )
    return services.application_submit(actor=user, app=app)


def _assess(
    certifier: User, app: Application, experts: list[Expert], today: dt.date
) -> Application:
    app = services.review_accept(actor=certifier, app=app)
    services.panel_set(
        actor=certifier,
        app=app,
        experts=[e.public_id for e in experts],
        leader=experts[0].public_id,
    )
    return services.assessment_record(
        actor=certifier,
        app=app,
        kind="interview",
        on=today,
        notes="申请人陈述质量工作业绩，回答专家提问，思路清晰、数据翔实",
    )


def _certify(
    certifier: User, app: Application, experts: list[Expert], scores: dict[str, str], today: dt.date
) -> LevelCertificate:
    app = _assess(certifier, app, experts, today)
    for e in experts:
        assert e.user is not None  # noqa: S101  (the demo's experts have logins)
        services.sheet_save(
            actor=e.user, app=app, scores=tuple(scores.items()), comments="同意", submit=True
        )
    leader = experts[0].user
    assert leader is not None  # noqa: S101
    app = services.report_sign(
        actor=leader,
        app=app,
        report="经面试答辩和材料审查，专家组认为申请人达到相应等级要求，建议予以认定。",
    )
    return services.certificate_issue(actor=certifier, app=app)


def _body_and_experts(rng: random.Random, admin: User, certifier: User) -> list[Expert]:
    """SXZX with the demo certifier as its staff and three experts, two of them with logins."""
    body = services.body_create(
        actor=admin,
        terms=services.BodyTerms(
            code="SXZX",
            name="陕西省质量协会",
            uscc=make_uscc("610000", rng),
            legal_representative="张明",
            kind="authorised",
            authorising_body="陕西省市场监督管理局",
            authorising_document="陕市监函〔2025〕88号",
            supervising_authority="陕西省市场监督管理局",
            supervising_region="610000",
            premises="西安市莲湖区西大街1号 质量大厦5层",
            resources="答辩室2间、现场验证用便携记录设备、专家库及评分系统",
        ),
    )
    services.member_add(actor=admin, body=body, username=certifier.username)
    _expert_user("expert", "西安交通大学管理学院")
    _expert_user("expert2", "陕西省标准化研究院")
    experts = [
        services.expert_create(
            actor=admin,
            body=body,
            terms=services.ExpertTerms(
                name="赵立新",
                title="教授",
                speciality="质量管理",
                employer="西安交通大学管理学院",
            ),
            username="expert",
        ),
        services.expert_create(
            actor=admin,
            body=body,
            terms=services.ExpertTerms(
                name="钱文静",
                title="研究员",
                speciality="标准化",
                employer="陕西省标准化研究院",
            ),
            username="expert2",
        ),
        services.expert_create(
            actor=admin,
            body=body,
            terms=services.ExpertTerms(
                name="孙卫东",
                title="正高级工程师",
                speciality="计量与检验检测",
                employer="陕西省计量科学研究院",
            ),
        ),
    ]
    return experts


def _demo_cqo(users: dict[str, User], experts: list[Expert], today: dt.date) -> str:
    """The demo cqo: certified AAAA, then an upgrade application under assessment. Returns the
    USCC of the enterprise named."""
    certifier = users["certifier"]
    cqo = users["cqo"]
    person = Person.objects.get(user=cqo)
    ent = person.appointments.filter(status="filed").select_related("enterprise").first()
    uscc = ent.enterprise.uscc if ent else users["clerk2"].enterprise.uscc  # type: ignore[union-attr]
    if ent is None:  # without a filed appointment the enterprise recommends (§9.1 b)
        _recommend(users["clerk2"], person)
    start = today.replace(year=today.year - 9)
    cert = _certify(
        certifier, _application(cqo, person, uscc, "AAAA", start), experts[:2], SCORES_AAAA, today
    )
    services.yearly_review(
        actor=certifier,
        cert=cert,
        year=today.year,
        rating="excellent",
        summary="履职尽责，组织质量攻关3项，带教质量骨干5名",
    )
    # level-standard §11: an accident reported to the body, awaiting its decision
    services.accident_report_record(
        actor=certifier,
        cert=cert,
        report=services.AccidentReport(
            accident="所在企业一批次电线电缆产品抽检不合格并引发火灾，待认定主体复核关联责任",
            accident_date=today - dt.timedelta(days=10),
            reported_by="西安市市场监督管理局",
        ),
    )
    upgrade = _assess(
        certifier, _application(cqo, person, uscc, "AAAAA", start), experts[:2], today
    )
    draft = dict(list(SCORES_AAAA.items())[:6])
    assert experts[0].user is not None  # noqa: S101
    services.sheet_save(
        actor=experts[0].user, app=upgrade, scores=tuple(draft.items()), comments=""
    )
    return uscc


def _demo_newcqo(users: dict[str, User], experts: list[Expert], today: dt.date, uscc: str) -> None:
    """The demo newcqo: a prospective CQO, certified AAA and then suspended."""
    certifier = users["certifier"]
    newcqo = users["newcqo"]
    newperson = Person.objects.get(user=newcqo)
    registry.person_update(
        actor=newcqo,
        person=newperson,
        details=registry.PersonDetails(
            qualifications=[
                *[
                    registry.QualificationDetails(
                        kind=q.kind,
                        name=q.name,
                        field=q.field,
                        level=q.level,
                        issued_on=q.issued_on,
                        issuer=q.issuer,
                    )
                    for q in newperson.qualifications.all()
                ],
                registry.QualificationDetails(
                    kind="cqo_training",
                    name="首席质量官培训合格证",
                    level="intermediate",
                    issued_on=today.replace(year=today.year - 1),
                    issuer="陕西省质量培训中心",
                ),
            ]
        ),
    )
    clerk_ent = users["clerk"].enterprise
    clerk_uscc = clerk_ent.uscc if clerk_ent else uscc
    # a prospective CQO: the clerk's enterprise recommends them (level-standard §9.1 b)
    _recommend(users["clerk"] if clerk_ent else users["clerk2"], newperson)
    suspended = _certify(
        certifier,
        _application(
            newcqo,
            newperson,
            clerk_uscc,
            "AAA",
            today.replace(year=today.year - 3),
        ),
        [experts[1], experts[0]],
        SCORES_AAA,
        today,
    )
    # level-standard §11 应暂停或中止: the accident report's review closed by a suspension
    review = services.accident_report_record(
        actor=certifier,
        cert=suspended,
        report=services.AccidentReport(
            accident="所在组织发生压力容器质量安全事故（市场监管部门事故调查通报 编号 2026-017）",
            accident_date=today - dt.timedelta(days=20),
            reported_by="陕西省市场监督管理局",
        ),
    )
    services.review_request_close(
        actor=certifier,
        request=review,
        decision=services.ReviewDecision(
            outcome="suspend",
            finding="所在组织发生与首席质量官有关联责任的重大质量安全事故，调查期间暂停证书使用",
        ),
    )


def build_certification_showcase(rng: random.Random, users: dict[str, User]) -> None:
    today = clock.today()
    experts = _body_and_experts(rng, users["admin"], users["certifier"])
    uscc = _demo_cqo(users, experts, today)
    _demo_newcqo(users, experts, today, uscc)


def certification_reset() -> dict[str, int]:
    """Demo reset only: the app's rows, children first (supersession and appeals point back)."""
    out = {
        "appeals": Appeal.objects.all().delete()[0],
        "reminders": Reminder.objects.all().delete()[0],
        "reviews": YearlyReview.objects.all().delete()[0],
        "warnings": WarningRecord.objects.all().delete()[0],
        "review_requests": ReviewRequest.objects.all().delete()[0],
        "listing_notices": ListingNotice.objects.all().delete()[0],
        "actions": SupervisionAction.objects.all().delete()[0],
    }
    LevelCertificate.objects.update(supersedes=None)
    out["certificates"] = LevelCertificate.objects.all().delete()[0]
    out["applications"] = Application.objects.all().delete()[0]
    out["recommendations"] = Recommendation.objects.all().delete()[0]
    Expert.objects.update(user=None)
    out["experts"] = Expert.objects.all().delete()[0]
    out["members"] = BodyMember.objects.all().delete()[0]
    out["bodies"] = CertificationBody.objects.all().delete()[0]
    out["sequences"] = NumberSequence.objects.all().delete()[0]
    out["expert_users"] = User.objects.filter(
        username__in=["expert", "expert2"], role=Role.CERTIFIER
    ).delete()[0]
    return out
