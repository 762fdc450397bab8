"""Shared fixtures of the certification tests: a frozen clock and a certification body built
through the services on the personas of cqo/test.py.

陕西省质量协会 (code SXZX, an authorised third party supervised by the province 610000) has the
persona ``certifier`` as staff and two experts with logins (``expert1`` leads). The persona
``cqo`` (李堃, registered in Yanta) holds a training certificate issued through cqo.training and
has ten years in quality posts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cqo.accounts.models import Role, User
from cqo.certification import services
from cqo.certification.models import Application, CertificationBody, Expert, LevelCertificate
from cqo.lib import clock, parse
from cqo.test import Personas, make_user, new_uscc
from cqo.training import services as training

TODAY = dt.date(2026, 6, 15)
PDF = b"%PDF-1.4\n%test\n"
FULL = {
    "8.1.1": "80",
    "8.1.2": "40",
    "8.2": "70",
    "8.3": "70",
    "8.4.1": "60",
    "8.4.2": "80",
    "8.4.3": "45",
    "8.4.4": "30",
    "8.5.1": "110",
    "8.5.2": "40",
    "8.5.3": "60",
    "8.5.4": "35",
    "8.5.5": "20",
}  # 740 → AAAA


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def body_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "code": "SXZX",
        "name": "陕西省质量协会",
        "uscc": new_uscc("610000"),
        "legal_representative": "张明",
        "kind": "authorised",
        "authorising_body": "陕西省市场监督管理局",
        "authorising_document": "陕市监发〔2025〕12号",
        "supervising_authority": "陕西省市场监督管理局",
        "supervising_region": "610000",
        "premises": "西安市莲湖区西大街1号",
        "resources": "答辩室2间、视频记录设备、专家库管理系统",
        "active": True,
    }
    data.update(overrides)
    return data


def pdf(name: str = "证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def give_training_certificate(p: Personas) -> None:
    # the 承办机构 holds a training qualification (shaanxi-2021 §五(一))
    training.qualification_create(
        actor=p.province,
        terms=training.QualificationTerms(
            institution="trainer",
            granted_by="陕西省市场监督管理局",
            document="陕市监函〔2025〕1号",
            basis="陕质委办〔2021〕15号 第五条（一）",
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2030, 12, 31),
        ),
    )
    course = training.course_create(
        actor=p.province,
        terms=training.CourseTerms(
            title="企业首席质量官高级研修班",
            tier="advanced",
            region="610000",
            forms=("lecture",),
            hours=Decimal(24),
            method="exam",
            pass_mark=60,
            institution="trainer",
        ),
    )
    session = training.session_create(
        actor=p.province,
        course=course,
        terms=training.SessionTerms(
            start_date=dt.date(2026, 6, 1),
            end_date=dt.date(2026, 6, 3),
            place="西安",
            capacity=30,
        ),
    )
    e = training.enrolment_create(
        actor=p.province,
        session=session,
        id_number=p.person.id_number,
        person_name=p.person.name,
    )
    e = training.attendance_mark(actor=p.province, enrolment=e, attendance=100)
    e = training.result_mark(actor=p.province, enrolment=e, score=Decimal(90))
    training.certificate_issue(actor=p.trainer, enrolment=e)


def application_data(p: Personas, **overrides: Any) -> dict[str, Any]:
    data = {
        "body": "SXZX",
        "enterprise": p.enterprise_a.uscc,
        "level_applied": "AAAA",
        "education_training": "2006年西安交通大学机械工程本科；2026年首席质量官高级研修班",
        "work_summary": "2016年至今 西安示例精密制造有限公司质量部部长",
        "quality_experience": "主持建立 ISO 9001 质量管理体系，推行六西格玛",
        "performance": "产品一次合格率由 96% 提升至 99.2%",
        "recommendation": "同意推荐李堃同志申报 AAAA 级首席质量官能力水平认定",
        "recommender": "王建国",
        "declares_technical": True,
        "declares_qms": True,
        "declares_no_disqualification": True,
    }
    data.update(overrides)
    return data


def application_args(p: Personas, **overrides: Any) -> dict[str, Any]:
    """``application_data`` as the form or the API hands it to the services."""
    data = application_data(p, **overrides)
    body = parse.text(data.pop("body"))
    flags = {k: parse.flag(v) for k, v in data.items() if k.startswith("declares_")}
    return {"body": body, "terms": services.ApplicationTerms(**{**data, **flags})}


@dataclass
class World:
    p: Personas
    body: CertificationBody
    expert1: Expert
    expert2: Expert
    e1: User
    e2: User


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    body = services.body_create(actor=p.admin, terms=services.BodyTerms(**body_data()))
    services.member_add(actor=p.admin, body=body, username="certifier")
    e1 = make_user("expert1", Role.CERTIFIER, organisation="西安交通大学")
    e2 = make_user("expert2", Role.CERTIFIER, organisation="陕西省标准化研究院")
    x1 = services.expert_create(
        actor=p.admin,
        body=body,
        terms=services.ExpertTerms(name="赵质量", title="教授"),
        username="expert1",
    )
    x2 = services.expert_create(
        actor=p.admin,
        body=body,
        terms=services.ExpertTerms(name="钱标准", title="研究员"),
        username="expert2",
    )
    # 李堃 is a prospective CQO (no filed appointment): enterprise A recommends them (§9.1 b)
    recommend(p.clerk_a, p.person)
    return World(p=p, body=body, expert1=x1, expert2=x2, e1=e1, e2=e2)


def recommend(clerk: User, person: Any) -> Any:
    return services.recommendation_create(
        actor=clerk,
        id_number=person.id_number,
        person_name=person.name,
        opinion=f"同意推荐{person.name}同志申报首席质量官能力水平认定",
        recommender="王建国",
    )


def draft(w: World, **overrides: Any) -> Application:
    app = services.application_create(actor=w.p.cqo, **application_args(w.p, **overrides))
    services.period_add(
        actor=w.p.cqo,
        app=app,
        organisation="西安示例精密制造有限公司",
        post="质量部部长",
        kind="quality",
        start=parse.date("2016-03-01", field="start"),
        end=parse.date("", field="end"),
    )
    services.evidence_add(actor=w.p.cqo, app=app, kind="work", title="劳动合同", upload=pdf())
    return app


def submitted(w: World, **overrides: Any) -> Application:
    give_training_certificate(w.p)
    app = draft(w, **overrides)
    return services.application_submit(actor=w.p.cqo, app=app)


def assessing(w: World, **overrides: Any) -> Application:
    app = submitted(w, **overrides)
    app = services.review_accept(actor=w.p.certifier, app=app)
    services.panel_set(
        actor=w.p.certifier,
        app=app,
        experts=[w.expert1.public_id, w.expert2.public_id],
        leader=w.expert1.public_id,
    )
    return services.assessment_record(
        actor=w.p.certifier,
        app=app,
        kind="interview",
        on=parse.date("2026-06-10", field="on"),
        notes="答辩表现良好，回答准确",
    )


def graded(w: World, scores: dict[str, str] | None = None, **overrides: Any) -> Application:
    app = assessing(w, **overrides)
    services.sheet_save(actor=w.e1, app=app, scores=tuple((scores or FULL).items()), submit=True)
    services.sheet_save(actor=w.e2, app=app, scores=tuple((scores or FULL).items()), submit=True)
    return services.report_sign(
        actor=w.e1, app=app, report="经面试答辩，专家组一致认为申请人达到 AAAA 级要求。"
    )


def certified(w: World) -> LevelCertificate:
    app = graded(w)
    return services.certificate_issue(actor=w.p.certifier, app=app)
