"""Shared fixtures of the enterprise-side tests: a frozen clock and a small world.

The world (through the services, on the personas of cqo/test.py):
  enterprise A (Yanta, Shaanxi): clerk_a; the persona ``cqo`` filed as its CQO since
  2025-01-01. Shaanxi's pack prints no evaluation form, so hangzhou-spec 附录A is used for
  reference; self-assessment and quality economics come from shenzhen-guide likewise.
  enterprise B (Weibin): clerk_b, nothing else (out of A's scope).
  enterprise S (Nanshan, Shenzhen): clerk ``szclerk``; the shenzhen-guide §4.5 contents form.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
import xlsxwriter
from django.contrib.auth.models import AnonymousUser

from cqo.accounts.models import Role, User
from cqo.evaluation import inputs, services
from cqo.evaluation.models import Evaluation, SelfAssessment
from cqo.lib import clock
from cqo.registry import services as registry
from cqo.registry.models import Appointment, Enterprise
from cqo.test import Personas, enterprise_data, file_appointment, make_user, new_uscc

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@dataclass
class World:
    p: Personas
    appt: Appointment
    shenzhen: Enterprise
    szclerk: User

    def user(self, name: str) -> Any:
        if name == "anonymous":
            return AnonymousUser()
        if name == "szclerk":
            return self.szclerk
        return getattr(self.p, name)


@pytest.fixture
def world(personas: Personas) -> World:
    p = personas
    appt = file_appointment(p, start_date=dt.date(2025, 1, 1))
    sz = registry.enterprise_create(
        actor=p.admin,
        details=registry.EnterpriseDetails(
            **enterprise_data(
                uscc=new_uscc("440305"),
                name="深圳南山示例光电科技有限公司",
                region="440305",
                registered_address="广东省深圳市南山区科技园科苑路15号",
            )
        ),
    )
    szclerk = make_user("szclerk", Role.ENTERPRISE, enterprise=sz)
    return World(p, appt, sz, szclerk)


def new_evaluation(w: World, year: int = 2025) -> Evaluation:
    return services.evaluation_create(
        actor=w.p.clerk_a,
        enterprise=w.p.enterprise_a,
        period=inputs.parsed(
            inputs.read_period, {"appointment": str(w.appt.public_id), "year": year}
        ),
    )


def full_scores(ev: Evaluation, minus: int = 0) -> dict[str, int]:
    """Every scored item at its maximum (less ``minus`` on the first one)."""
    leaves = [i for i in ev.items if not i["section"]]
    scores = {i["code"]: i["max"] for i in leaves}
    scores[leaves[0]["code"]] -= minus
    return scores


def signed(w: World, decision: str = "renew", minus: int = 0) -> Evaluation:
    ev = new_evaluation(w)
    services.evaluation_score(
        actor=w.p.clerk_a,
        evaluation=ev,
        scores=inputs.parsed(
            inputs.read_scores,
            {"scores": full_scores(ev, minus), "decision": decision, "evaluators": "王建国"},
        ),
    )
    return services.evaluation_sign_off(actor=w.p.clerk_a, evaluation=ev)


def new_assessment(w: World, year: int = 2025, actor: User | None = None) -> SelfAssessment:
    return services.assessment_create(
        actor=actor or w.p.clerk_a,
        enterprise=w.p.enterprise_a,
        terms=inputs.parsed(
            inputs.read_assessment,
            {"year": year, "assessor_kind": "internal", "assessors": "王建国、李堃"},
        ),
    )


def complete(w: World, sa: SelfAssessment, score: int = 8) -> SelfAssessment:
    """Every indicator assessed: the quantified ones on 10 points of the enterprise's own
    (shenzhen-guide §6.2 prints none), the others at their second level."""
    data: dict[str, Any] = {
        "scores": {},
        "levels": {},
        "maxima": {},
        "findings": "质量组织已建立，质量文化有差距",
    }
    for ind in sa.indicators:
        if not ind["levels"]:
            data["maxima"][ind["code"]] = 10
            data["scores"][ind["code"]] = score
        else:
            data["levels"][ind["code"]] = 1
    services.assessment_score(
        actor=w.p.clerk_a, assessment=sa, results=inputs.parsed(inputs.read_results, data)
    )
    return services.assessment_complete(actor=w.p.clerk_a, assessment=sa)


def xlsx(headers: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet()
    for c, h in enumerate(headers):
        ws.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            ws.write(r, c, v)
    book.close()
    return buf.getvalue()
