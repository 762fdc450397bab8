"""The printed filing form: shenzhen-guide Annex A, 表 A.1 企业首席质量官备案登记表 (SPEC §3), for
a pack that adopts it, the same fields under the platform's own neutral title elsewhere; and the
聘任授权证书 (shaanxi-2021 §四(一), hangzhou-spec 术语) as the governing pack words it.

The PDF is drawn from ``services.filing_form_data``: once filed, that is the frozen snapshot, so
the paper shows what the authority filed even after the records change. Personal numbers stay
encrypted in the snapshot; they are decrypted here only for an unmasked print, which the caller
must have allowed (``access.can_reveal_personal``) and logged (SPEC §10).
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cqo.lib import crypto, pdf
from cqo.policy import schema
from cqo.policy.models import PackVersion
from cqo.reference import enums
from cqo.registry import selectors
from cqo.registry.models import Appointment

TEMPLATE = "registry/filing_form_pdf.html"
AUTHORISATION_TEMPLATE = "registry/authorisation_pdf.html"

# Annex A prints the sizes largest first; EnterpriseSize is declared smallest first.
SIZE_ORDER = [
    enums.EnterpriseSize.LARGE,
    enums.EnterpriseSize.MEDIUM,
    enums.EnterpriseSize.SMALL,
    enums.EnterpriseSize.MICRO,
]
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _date_parts(value: str | dt.date | None) -> tuple[str, str, str]:
    """(年, 月, 日) for the 填写日期 and 年 月 日 blanks; empty strings leave the blanks blank."""
    if not value:
        return "", "", ""
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        day = timezone.localdate(parsed) if timezone.is_aware(parsed) else parsed.date()
    else:
        day = value
    return str(day.year), str(day.month), str(day.day)


def _personal(block: dict[str, Any], field: str, *, unmasked: bool) -> str:
    if unmasked and block.get(f"{field}_enc"):
        return crypto.decrypt(block[f"{field}_enc"])
    return block.get(f"{field}_masked", "") or ""


def _photo_data_uri(name: str) -> str:
    """The person's photo from MEDIA_ROOT, inlined, so the renderer never opens a file or URL
    itself; a name outside MEDIA_ROOT or a missing file leaves the box empty."""
    if not name:
        return ""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return ""
    mime = mimetypes.guess_type(path.name)[0] or ""
    if mime not in PHOTO_TYPES:
        return ""
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def filing_form_context(
    appointment: Appointment, *, unmasked: bool, contact: bool
) -> dict[str, Any]:
    """``contact`` False leaves the person's e-mail and mailing address blank (the mobile and ID
    number are masked unless ``unmasked``): an enterprise prints them only once the person has
    confirmed the appointment (access.can_see_contact)."""
    data = selectors.filing_form_data(appointment)
    ent, person, appt = data["enterprise"], data["person"], data["appointment"]
    if not contact:
        person = {**person, "email": "", "mailing_address": ""}
    filing_number = appt.get("filing_number", "")
    nature_options = [
        (str(label), ent.get("nature") == value) for value, label in enums.EnterpriseNature.choices
    ]
    nature_options.append((_("上市公司"), bool(ent.get("listed"))))
    form_year, form_month, form_day = _date_parts(data.get("form_date"))
    seal = _date_parts(data.get("form_date")) if appt.get("declaration_confirmed") else ("", "", "")
    filed = _date_parts(appt.get("filed_at"))
    return {
        # shenzhen-guide Annex A only where the governing pack adopts it; elsewhere the
        # platform's neutral form, printed as such ([filing] form)
        "annex_a": _form_of(appointment) == "shenzhen-guide-annex-a",
        "treatment": _label(enums.PositionRank, appt.get("treatment", "")),
        "form_date": {"year": form_year, "month": form_month, "day": form_day},
        "ent": ent,
        "person": person,
        "appt": appt,
        "sizes": [(str(s.label), ent.get("size") == s.value) for s in SIZE_ORDER],
        "natures": nature_options,
        # The validator stores a scheme; the paper form reads better without it.
        "website": re.sub(r"^https?://", "", ent.get("website") or ""),
        "gender": _label(enums.Gender, person.get("gender", "")),
        "education": _label(enums.Education, person.get("education", "")),
        "id_number": _personal(person, "id_number", unmasked=unmasked),
        "mobile": _personal(person, "mobile", unmasked=unmasked),
        "responsible_mobile": _personal(ent, "responsible_mobile", unmasked=unmasked),
        "photo": _photo_data_uri(person.get("photo", "")),
        "seal_date": {"year": seal[0], "month": seal[1], "day": seal[2]},
        "filing_number": filing_number,
        "filed_date": _("%(y)s年%(m)s月%(d)s日") % dict(zip("ymd", filed, strict=True))
        if filed[0]
        else "",
        "qr": pdf.qr_data_uri(filing_number) if filing_number else "",
    }


def _form_of(appointment: Appointment) -> str:
    filing = selectors.governing(appointment).rules.filing
    return filing.form if filing is not None else "platform"


def render_filing_form(appointment: Appointment, *, unmasked: bool, contact: bool) -> bytes:
    """表 A.1 as an A4 PDF. Everything the page needs is inlined (photo and QR code as data
    URIs), so the fetcher refuses every other scheme: a value typed into a form can never make
    the renderer read a local file or call the network."""
    html = render_to_string(
        TEMPLATE, filing_form_context(appointment, unmasked=unmasked, contact=contact)
    )
    return pdf.html_to_pdf(html, base_url=str(settings.MEDIA_ROOT))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# hangzhou-spec 聘用: the enterprise appoints through its general manager or top management, or
# accepts the appointment of a superior organisation or competent department (任命).
APPOINTED: dict[str, Any] = {
    enums.AppointingAuthority.GENERAL_MANAGER: gettext_lazy("聘任授权"),
    enums.AppointingAuthority.TOP_MANAGEMENT: gettext_lazy("聘任授权"),
    enums.AppointingAuthority.SUPERIOR: gettext_lazy("任命"),
}
CERTIFICATE_LISTS = ("duties", "powers", "norms")


@dataclass(frozen=True, kw_only=True)
class CertificateTerms:
    """What the appointment says: names, dates, who appointed and whether the CQO reports to
    the top, and the duties and powers the enterprise authorised itself (blank: the pack's)."""

    person: str
    enterprise: str
    post: str
    start: dt.date
    term_end: dt.date | None = None
    authority: str = enums.AppointingAuthority.GENERAL_MANAGER
    reports_to_top: bool = True
    duties: str = ""
    powers: str = ""
    filing_number: str = ""
    # 待遇 the post carries (jiangsu-2020 §四; shaanxi-2021 §四(一) "企业高层副职（含）以上领导
    # 岗位待遇"): a PositionRank value, blank when not agreed
    treatment: str = ""


def document_title(version: PackVersion | None) -> str:
    """The source document as its title and number are printed (SPEC §12.24): the national
    default has no document and is named as such."""
    if version is None:
        return ""
    meta = version.content.get("pack") or {}
    return str(meta.get("name") if meta.get("national_default") else meta.get("source", ""))


def certificate_context(
    *, rules: schema.Pack, terms: CertificateTerms, sources: dict[str, str]
) -> dict[str, Any]:
    """The 聘任授权证书 from the governing rules and the appointment: each list under the
    heading its document gives it (shaanxi-2021 §四(三)–(五) 工作职责/工作权限/工作规范,
    hangzhou-spec 岗位职责/权限/职业素养, jiangsu-2020 §三, shenzhen-guide §4.1, §4.3, §4.4), the
    responsibility in the document's words and the reporting line only where the appointment
    reports to the top (shaanxi-2021 §四(一), shenzhen-guide §3.1). ``sources`` names the document
    each section came from (sections are inherited, SPEC §12.19)."""
    own = {"duties": terms.duties, "powers": terms.powers}
    lists = []
    for name in CERTIFICATE_LISTS:
        section: schema.ItemList | None = getattr(rules, name)
        if section is None:
            continue
        if own.get(name, "").strip():
            basis = _("企业授权")
            items = _lines(own[name])
        else:
            basis = pdf.clause_cn(section.clause)
            items = list(section.items)
        # a version installed before headings existed is headed by its clause
        heading = section.heading or pdf.clause_cn(section.clause)
        lists.append({"heading": heading, "basis": basis, "items": items})
    auth = rules.authorisation
    documents = list(dict.fromkeys(d for d in sources.values() if d))
    return {
        "person": terms.person,
        "enterprise": terms.enterprise,
        "post": terms.post,
        "start": pdf.date_cn(terms.start.isoformat()),
        "term_end": pdf.date_cn(terms.term_end.isoformat()) if terms.term_end else "",
        "authority": _label(enums.AppointingAuthority, terms.authority),
        "appointed": str(APPOINTED.get(terms.authority, APPOINTED["general_manager"])),
        "responsibility": auth.responsibility if auth else "",
        "reporting_line": auth.reporting_line if auth and terms.reports_to_top else "",
        "treatment": _label(enums.PositionRank, terms.treatment) if terms.treatment else "",
        "lists": lists,
        "documents": documents,
        "filing_number": terms.filing_number,
    }


def authorisation_context(appointment: Appointment) -> dict[str, Any]:
    gov = selectors.governing(appointment)
    sources = {
        name: document_title(gov.section_source(name))
        for name in (*CERTIFICATE_LISTS, "authorisation")
    }
    terms = CertificateTerms(
        person=appointment.person.name,
        enterprise=appointment.enterprise.name,
        post=appointment.post,
        start=appointment.start_date,
        term_end=appointment.term_end,
        authority=appointment.appointing_authority,
        reports_to_top=appointment.reports_to_top,
        duties=appointment.duties,
        powers=appointment.powers,
        filing_number=appointment.filing_number or "",
        treatment=appointment.treatment,
    )
    return certificate_context(rules=gov.rules, terms=terms, sources=sources)


def render_certificate(context: dict[str, Any]) -> bytes:
    return pdf.html_to_pdf(render_to_string(AUTHORISATION_TEMPLATE, context))


def render_authorisation(appointment: Appointment) -> bytes:
    return render_certificate(authorisation_context(appointment))
