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
VERIFY = "training:verify"


def verification(view: str, number: str) -> dict[str, str]:
    """The public verification address of a certificate (no login) and its QR code; ``view``
    names the app's verification page."""
    url = settings.SITE_URL.rstrip("/") + reverse(view, args=[number])
    return {"verify_url": url, "qr": pdf.qr_data_uri(url)}


def certificate_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A printed certificate (this one or a level certificate): its template over the context
    of its frozen content with its ``verification``."""
    return pdf.html_to_pdf(render_to_string(template, context))


def verify_url(number: str) -> str:
    """The public verification address the QR code points to (no login)."""
    return verification(VERIFY, number)["verify_url"]


def qr_data_uri(number: str) -> str:
    return verification(VERIFY, number)["qr"]


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
        **verification(VERIFY, cert.number),
    }


def render_certificate(cert: TrainingCertificate) -> bytes:
    return certificate_pdf(TEMPLATE, certificate_context(cert))
