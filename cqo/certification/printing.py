"""The printed level certificate (认定证书, level-standard §9.4.1.1): drawn from the content frozen
at issue, never from live records, with its content hash and a QR code of the public
verification address. As the training certificate: Noto CJK fonts, everything inlined as data
URIs, and a fetcher that refuses every other scheme."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from cqo.certification.models import LevelCertificate
from cqo.lib import pdf

TEMPLATE = "certification/certificate_pdf.html"


def verify_url(number: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certification:verify", args=[number])


def qr_data_uri(number: str) -> str:
    return pdf.qr_data_uri(verify_url(number))


def certificate_context(cert: LevelCertificate) -> dict[str, Any]:
    c = dict(cert.content)
    return {
        "c": c,
        "number": cert.number,
        "issued_on": pdf.date_cn(c.get("issued_on", "")),
        "valid_until": pdf.date_cn(c.get("valid_until", "")),
        "reissued_on": pdf.date_cn(c.get("reissued_on", "")),
        "content_hash": cert.content_hash,
        "not_valid": cert.status != LevelCertificate.Status.VALID,
        "status_label": cert.get_status_display(),
        "verify_url": verify_url(cert.number),
        "qr": qr_data_uri(cert.number),
    }


def render_certificate(cert: LevelCertificate) -> bytes:
    return pdf.html_to_pdf(render_to_string(TEMPLATE, certificate_context(cert)))
