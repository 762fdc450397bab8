"""Reads for migrating a province's archive of level certificates (issue 23): which registered
body a printed name stands for, and the standard a migrated certificate is recorded under."""

from __future__ import annotations

from cqo.certification.models import CertificationBody
from cqo.certification.selectors.scope import DEFAULT_STANDARD
from cqo.lib import clock
from cqo.policy.models import PackVersion
from cqo.policy.selectors import certification_pack


def body_key(name: str) -> str:
    """A body's name compared as printed, spaces aside (an archive's cell or the register)."""
    return "".join(name.split())


def bodies_by_name() -> dict[str, CertificationBody | None]:
    """Every registered certification body, active or not (it may have issued the certificate
    before it stopped), by its name; None for a name two bodies share, which is not guessed."""
    found: dict[str, CertificationBody | None] = {}
    for body in CertificationBody.objects.order_by("pk"):
        key = body_key(body.name)
        found[key] = None if key in found else body
    return found


def migration_standard(body: CertificationBody | None) -> PackVersion:
    """The certification standard a migrated certificate is recorded under: the version of its
    body's standard in force today (SPEC §12.19), the default standard's where the body is not
    registered. The archive does not say which rules it was issued under; this is the standard
    the platform measures it by from now on (continuing education, level-standard §9.4.1.2)."""
    return certification_pack(body.pack_slug if body else DEFAULT_STANDARD, clock.today())
