"""The printed training certificate (培训合格证, SPEC §5): drawn from the content frozen at issue,
never from live records, with a QR code of its public verification address.

As for the filing form (cqo/registry/printing.py): Noto CJK fonts, everything inlined as data
URIs, and a fetcher that refuses every other scheme, so no value typed into a course can make
the renderer read a local file or call the network.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML, URLFetcher  # type: ignore[import-untyped]  # ships no stubs

from cqo.training.models import TrainingCertificate

TEMPLATE = "training/certificate_pdf.html"


def verify_url(number: str) -> str:
    """The public verification address the QR code points to (no login)."""
    return settings.SITE_URL.rstrip("/") + reverse("training:verify", args=[number])


def qr_data_uri(number: str) -> str:
    return segno.make(verify_url(number), error="m").svg_data_uri(scale=4, border=1)


def _date_cn(value: str) -> str:
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{int(year)}年{int(month)}月{int(day)}日"


def certificate_context(cert: TrainingCertificate) -> dict[str, Any]:
    content = dict(cert.content)
    return {
        "c": content,
        "number": cert.number,
        "issued_on": _date_cn(content.get("issued_on", "")),
        "start": _date_cn(content.get("start_date", "")),
        "end": _date_cn(content.get("end_date", "")),
        "content_hash": cert.content_hash,
        "revoked": cert.status == TrainingCertificate.Status.REVOKED,
        "verify_url": verify_url(cert.number),
        "qr": qr_data_uri(cert.number),
    }


def render_certificate(cert: TrainingCertificate) -> bytes:
    html = render_to_string(TEMPLATE, certificate_context(cert))
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
