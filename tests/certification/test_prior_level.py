"""SPEC §12.3: level-standard §5.2 sets years for each level and no ladder, so by default an
applicant applies for any level the years allow; a pack may require a valid certificate one
level below (``prior_level_required``), and then the check blocks and names what it found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cqo.certification import services
from cqo.certification.models import LevelCertificate
from cqo.policy import services as policy_services
from cqo.policy.models import PackVersion
from tests.certification.conftest import World, certified, draft, give_training_certificate

pytestmark = pytest.mark.django_db


def require_prior_level(w: World) -> None:
    shipped = PackVersion.objects.filter(pack__slug="level-standard").latest("effective_from")
    text = shipped.source_text
    version = shipped.version
    text = text.replace(f'version = "{version}"', 'version = "ladder"', 1)
    text = text.replace("effective_from = 2024-01-01", "effective_from = 2026-01-01", 1)
    text = text.replace("[certification]\n", "[certification]\nprior_level_required = true\n", 1)
    policy_services.pack_install(text=text, actor=w.p.admin)


def prior(app) -> dict | None:  # type: ignore[no-untyped-def]
    rows = services_eligibility(app)["results"]
    return next((r for r in rows if r["code"] == "prior_level"), None)


def services_eligibility(app):  # type: ignore[no-untyped-def]
    from cqo.certification.selectors.eligibility import eligibility

    return eligibility(app)


def test_by_default_no_prior_level_is_asked(world: World) -> None:
    give_training_certificate(world.p)
    app = draft(world, level_applied="AAAAA")
    assert prior(app) is None
    assert services_eligibility(app)["blocking"] == []


@pytest.mark.parametrize(
    ("held", "applied", "status"),
    [
        (None, "AAA", None),  # the first level needs none
        (None, "AAAA", "unmet"),
        ("AAA", "AAAA", "met"),
        ("AAA", "AAAAA", "unmet"),  # two levels up: AAAA is needed
        ("AAAA", "AAAAA", "met"),
    ],
)
def test_with_the_option_a_level_needs_a_valid_certificate_one_below(
    world: World, held: str | None, applied: str, status: str | None
) -> None:
    if held:
        cert = certified(world)  # FULL scores: AAAA by grade, capped by the level applied for
        if held != cert.level:
            LevelCertificate.objects.filter(pk=cert.pk).update(level=held)
    require_prior_level(world)
    give_training_certificate(world.p)
    app = draft(world, level_applied=applied)
    row = prior(app)
    if status is None:
        assert row is None
        return
    assert row is not None and row["status"] == status and row["severity"] == "blocking"
    assert row["clause"] == "level-standard §5.2; SPEC §12.3"
    if status == "unmet":
        assert "prior_level" in services_eligibility(app)["blocking"]
        with pytest.raises(ValidationError):
            services.application_submit(actor=world.p.cqo, app=app)
    else:
        assert held in row["actual"]


def test_a_certificate_no_longer_valid_does_not_count(world: World) -> None:
    cert = certified(world)
    LevelCertificate.objects.filter(pk=cert.pk).update(
        level="AAA",
        status=LevelCertificate.Status.SUSPENDED,
        status_changed_on=dt.date(2026, 6, 15),
    )
    require_prior_level(world)
    app = draft(world, level_applied="AAAA")
    assert prior(app)["status"] == "unmet"  # type: ignore[index]
    LevelCertificate.objects.filter(pk=cert.pk).update(
        status=LevelCertificate.Status.VALID, status_changed_on=None
    )
    assert prior(app)["status"] == "met"  # type: ignore[index]
    from cqo.certification.selectors.eligibility import eligibility

    after = cert.valid_until + dt.timedelta(days=1)  # expired
    rows = {r["code"]: r for r in eligibility(app, after)["results"]}
    assert rows["prior_level"]["status"] == "unmet"
