"""The printed level certificate (认定证书, level-standard §9.4.1.1): drawn from the content frozen
at issue, never from live records, with its content hash and a QR code of the public
verification address. Drawn by the training certificate's renderer (cqo/training/printing.py):
Noto CJK fonts, everything inlined as data URIs, and a fetcher that refuses every other
scheme."""

from __future__ import annotations

from typing import Any

from cqo.certification.models import LevelCertificate
from cqo.lib import pdf
from cqo.training.printing import certificate_pdf, verification

TEMPLATE = "certification/certificate_pdf.html"
VERIFY = "certification:verify"


def verify_url(number: str) -> str:
    return verification(VERIFY, number)["verify_url"]


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
        **verification(VERIFY, cert.number),
    }


def render_certificate(cert: LevelCertificate) -> bytes:
    return certificate_pdf(TEMPLATE, certificate_context(cert))
