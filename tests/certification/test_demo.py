"""The demo showcase builds through the services and resets cleanly."""

from __future__ import annotations

import random
from typing import Any

import pytest

from cqo.certification import selectors
from cqo.certification.demo import build_certification_showcase, certification_reset
from cqo.certification.models import Application, CertificationBody, LevelCertificate
from cqo.registry import services as registry
from cqo.test import PASSWORD, Personas, new_id_number, person_data
from tests.certification.conftest import TODAY, give_training_certificate

pytestmark = pytest.mark.django_db


def test_it_builds_the_showcase(personas: Personas) -> None:
    p = personas
    give_training_certificate(p)
    newcqo, _person = registry.person_register(
        details=registry.PersonDetails(
            **{
                **person_data(name="周新", id_number=new_id_number(), mobile="13600136000"),
                "username": "newcqo",
                "password": PASSWORD,
            }
        )
    )
    users: dict[str, Any] = {
        "admin": p.admin,
        "certifier": p.certifier,
        "cqo": p.cqo,
        "newcqo": newcqo,
        "clerk": p.clerk_a,
        "clerk2": p.clerk_b,
    }
    build_certification_showcase(random.Random(1), users)  # noqa: S311  (demo data, not secrets)
    body = CertificationBody.objects.get(name="陕西省质量协会")
    assert selectors.staff_body(p.certifier) == body
    assert body.experts.count() == 3
    certs = {c.holder.name: c for c in LevelCertificate.objects.select_related("holder")}
    assert certs["李堃"].status == "valid" and certs["李堃"].level == "AAAA"
    assert certs["周新"].status == "suspended"
    # level-standard §11: one accident report awaiting a decision, one closed by the suspension
    open_, closed = (certs["李堃"].review_requests.get(), certs["周新"].review_requests.get())
    assert open_.closed_at is None and open_.source == "accident_report"
    assert closed.outcome == "suspend" and closed.action is not None
    assert Application.objects.filter(status="assessing", level_applied="AAAAA").count() == 1
    assert selectors.certified_level(p.person, TODAY) == "AAAA"
    counts = certification_reset()
    assert counts["certificates"] == 2 and not CertificationBody.objects.exists()
    assert counts["review_requests"] == 2
