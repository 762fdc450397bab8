"""The printed training certificate (培训合格证, SPEC §5): drawn from the content frozen at issue,
never from live records, with a QR code of its public verification address.

As for the filing form (cqo/registry/printing.py): Noto CJK fonts, everything inlined as data
URIs, and a fetcher that refuses every other scheme, so no value typed into a course can make
the renderer read a local file or call the network.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from cqo.lib import pdf
from cqo.training.models import TrainingCertificate

TEMPLATE = "training/certificate_pdf.html"


def verify_url(number: str) -> str:
    """The public verification address the QR code points to (no login)."""
    return settings.SITE_URL.rstrip("/") + reverse("training:verify", args=[number])


def qr_data_uri(number: str) -> str:
    return pdf.qr_data_uri(verify_url(number))


def certificate_context(cert: TrainingCertificate) -> dict[str, Any]:
    content = dict(cert.content)
    return {
        "c": content,
        "number": cert.number,
        "issued_on": pdf.date_cn(content.get("issued_on", "")),
        "start": pdf.date_cn(content.get("start_date", "")),
        "end": pdf.date_cn(content.get("end_date", "")),
        "content_hash": cert.content_hash,
        "revoked": cert.status == TrainingCertificate.Status.REVOKED,
        "verify_url": verify_url(cert.number),
        "qr": qr_data_uri(cert.number),
    }


def render_certificate(cert: TrainingCertificate) -> bytes:
    return pdf.html_to_pdf(render_to_string(TEMPLATE, certificate_context(cert)))
