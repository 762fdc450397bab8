"""Demo listings (shaanxi-2021 §五(三)): a public warning and a public exit, issued
through the services, so the exit ends the person's filed appointment as it would for real."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from cqo.accounts.models import User
from cqo.blacklist import services
from cqo.blacklist.models import Appeal, Listing
from cqo.lib import clock
from cqo.registry.models import Appointment


def _evidence(name: str, text: str) -> SimpleUploadedFile:
    """A one-page stand-in for the accident's investigation report (a listing states its
    evidence, shaanxi-2021 §五(三))."""
    body = f"%PDF-1.4\n% {text}\n%%EOF\n".encode()
    return SimpleUploadedFile(name, body, "application/pdf")


def build_blacklist_showcase(issuer: User) -> list[Listing]:
    """Two persons serving at enterprises in the issuer's province: one warned, one listed for
    exit (which ends that appointment). Returns the listings (none if the province has fewer
    than two filed CQOs)."""
    assert issuer.region is not None  # noqa: S101  (a regulator acts for a region)
    filed = list(
        Appointment.objects.filter(
            status=Appointment.Status.FILED,
            enterprise__region__province_code=issuer.region.province_code,
            person__user__isnull=True,
        )
        .select_related("person", "enterprise")
        .order_by("pk")[:2]
    )
    if len(filed) < 2:
        return []
    today = clock.today()
    warned, exited = filed
    return [
        services.listing_create(
            actor=issuer,
            person=warned.person,
            terms=services.ListingTerms(
                kind=Listing.Kind.WARNING,
                reason="履职不到位，未及时组织不合格品评审，导致批次产品质量问题",
                accident=f"{warned.enterprise.name}产品抽检不合格，批次产品召回",
                accident_date=today - dt.timedelta(days=45),
                evidence=_evidence("warning-report.pdf", "product recall investigation"),
                start_date=today - dt.timedelta(days=30),
                end_date=today + dt.timedelta(days=335),
                public=True,
            ),
        ),
        services.listing_create(
            actor=issuer,
            person=exited.person,
            terms=services.ListingTerms(
                kind=Listing.Kind.EXIT,
                reason="责任心不强、履职不到位，造成重大质量安全事故",
                accident=f"{exited.enterprise.name}压力容器质量安全事故",
                accident_date=today - dt.timedelta(days=20),
                evidence=_evidence("exit-report.pdf", "pressure vessel accident investigation"),
                start_date=today - dt.timedelta(days=7),
                public=True,
            ),
        ),
    ]


def blacklist_reset() -> dict[str, int]:
    """Demo reset only: the registry's persons cannot go while listings point at them."""
    return {
        "appeals": Appeal.objects.all().delete()[0],
        "listings": Listing.objects.all().delete()[0],
    }
