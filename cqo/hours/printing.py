"""The printed hour proof (学时证明, level-standard §10, Annex C): what a person reading it needs
(who, what, when, how many hours of which kind, who issued it and when) laid out as a
certificate, and the machine-readable proof as a QR code instead of printed text. The same
proof is offered as a JSON file on the record's page; the QR code carries it compactly so a
scanner can verify the paper offline."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cqo.hours.models import Source, StudyRecord
from cqo.lib import pdf
from cqo.policy.selectors import cite

TEMPLATE = "hours/proof_pdf.html"
# level-standard §10: the hour record is kept and its proof issued by the platform
BASIS = "level-standard §10"


def compact(bundle: dict[str, Any]) -> str:
    """The proof as the shortest JSON text (the file offered for download is the same data)."""
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def proof_qr(bundle: dict[str, Any], fallback: str) -> tuple[str, bool]:
    """An SVG data URI of a QR code holding the whole proof, and True; a proof too long for one
    code (a log of many millions of entries) gives the verification address instead, and
    False. Error correction M where it fits, else L."""
    data = compact(bundle)
    for level in ("m", "l"):
        try:
            code = segno.make(data, error=level, boost_error=False, mode="byte")
        except segno.DataOverflowError:
            continue
        return code.svg_data_uri(scale=2, border=2), True
    return segno.make(fallback, error="m").svg_data_uri(scale=3, border=1), False


def proof_context(
    record: StudyRecord, bundle: dict[str, Any], *, verify_url: str, printed_at: dt.datetime
) -> dict[str, Any]:
    qr, whole = proof_qr(bundle, verify_url)
    created = timezone.localtime(record.created_at)
    return {
        "r": record,
        "migrated": record.source == Source.MIGRATED,
        "person": record.person,
        "occurred_on": pdf.date_cn(record.occurred_on.isoformat()),
        "entered_at": f"{pdf.date_cn(created.date().isoformat())} {created:%H:%M}",
        "issued_on": pdf.date_cn(timezone.localtime(printed_at).date().isoformat()),
        # the platform keeps the log and issues the proof (level-standard §10)
        "issuer": _("首席质量官管理平台"),
        "basis": cite(BASIS),
        "verify_url": verify_url,
        "qr": qr,
        "qr_whole": whole,
    }


def render_proof(
    record: StudyRecord, bundle: dict[str, Any], *, verify_url: str, printed_at: dt.datetime
) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):  # the proof is printed in Chinese
        html = render_to_string(
            TEMPLATE,
            proof_context(record, bundle, verify_url=verify_url, printed_at=printed_at),
        )
    return pdf.html_to_pdf(html)
