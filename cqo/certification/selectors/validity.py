"""What a certificate says and how its holder stands while it is valid (level-standard §9.4.1.2):
the intact content, continuing education by year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cqo.certification import rules
from cqo.certification.models import CertificationBody, LevelCertificate, YearlyReview
from cqo.certification.selectors.scope import spec_for, spec_of
from cqo.lib import clock, crypto
from cqo.policy import schema
from cqo.policy.models import PackVersion
from cqo.policy.selectors import NoPackInForce, governing_for_version


def certificate_spec(
    cert: LevelCertificate, on: dt.date | None = None
) -> tuple[PackVersion, schema.Pack, schema.Certification]:
    """The standard a certificate's holder is measured by on a day (continuing education,
    level-standard §9.4.1.2): its body's in force that day (SPEC §12.19), the default standard's
    for a migrated certificate whose body is not registered. A migrated certificate may be older
    than every installed version of its standard: for a day before the first one took effect it
    is measured by the version it was recorded under."""
    try:
        return spec_for(cert.body, on)
    except NoPackInForce:
        version = cert.pack_version
        pack = governing_for_version(version, on or clock.today()).rules
        return version, pack, spec_of(pack)


def content_intact(cert: LevelCertificate) -> bool:
    """Whether what is stored still hashes to the printed digest, and that digest still carries
    the platform's SM2 signature where it was signed (national suite)."""
    return rules.content_hash(cert.content) == cert.content_hash and (
        content_signature_ok(cert) is not False
    )


def content_signature_ok(cert: LevelCertificate) -> bool | None:
    """Whether the SM2 signature of the content hash verifies; None when it has none."""
    if not cert.content_sm2:
        return None
    return crypto.content_signature_valid(cert.content_hash, cert.content_sm2)


def continuing_status(cert: LevelCertificate, year: int) -> dict[str, Any]:
    """§9.4.1.2 for one year, from the hour records (cqo.hours rules): ≥ continuing_hours 学时
    of quality study and ≥ continuing_trainings_organised trainings organised."""
    from cqo.hours import rules as hours_rules
    from cqo.hours.selectors import records_of

    _v, _p, spec = certificate_spec(cert)
    result = hours_rules.evaluate(
        year=year,
        requirement=hours_rules.Requirement(
            hours=None, kinds=(), in_principle=False, clause="", label=""
        ),
        records=records_of(cert.holder, year),
        serving=True,
        certified=True,
        continuing_hours=spec.continuing_hours,
        continuing_organised=spec.continuing_trainings_organised,
    )
    regime = result.regimes[-1]
    return {
        "year": year,
        "clause": spec.continuing_clause,
        "required_hours": format(regime.required_hours or Decimal(0), "f"),
        "counted_hours": format(regime.counted_hours, "f"),
        "required_organised": regime.required_activities,
        "counted_organised": regime.counted_activities,
        "met": bool(regime.met),
    }


def continuing_years(cert: LevelCertificate) -> list[dict[str, Any]]:
    today = clock.today()
    last = min(today, cert.valid_until).year
    return [continuing_status(cert, y) for y in range(cert.issued_on.year, last + 1)]


def review_ratings(body: CertificationBody | None) -> tuple[list[tuple[str, str]], str]:
    """The scale of the body's yearly review (§11 "总结和评价") and its clause, from the body's
    standard: the standard names no scale, so the pack's is a platform default and says so.
    A pack without one falls back to the platform's four ratings."""
    _v, _p, spec = spec_for(body)
    if spec.review_ratings:
        found: list[tuple[str, str]] = [(r.code, r.label) for r in spec.review_ratings]
        return found, spec.review_ratings_clause or ""
    return [(str(v), str(label)) for v, label in YearlyReview.Rating.choices], ""
