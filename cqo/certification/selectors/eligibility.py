"""Eligibility of an application (level-standard §5, §5.2; SPEC §12.2–§12.4): every condition
of the body's standard with its clause, read at submission and shown while drafting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from cqo.certification import rules
from cqo.certification.models import (
    Application,
    LevelCertificate,
    WorkPeriod,
)
from cqo.certification.selectors.scope import spec_for
from cqo.lib import clock
from cqo.policy import rules as policy
from cqo.policy import schema
from cqo.registry.models import Appointment, Person
from cqo.training.selectors import has_training_certificate

# Eligibility (§5; SPEC §12.2–§12.4) ---------------------------------------------------------


def person_facts(person: Person) -> policy.PersonFacts:
    quals = tuple(
        policy.QualificationFact(k, lv)
        for k, lv in person.qualifications.values_list("kind", "level")
    )
    return policy.PersonFacts(
        education=person.education,
        title_level=person.title_level,
        qualifications=quals,
        quality_years=person.quality_years,
        training_certificate=has_training_certificate(person),
    )


DECLARED = {
    "technical_background": "declares_technical",
    "qms_ability": "declares_qms",
    "disqualifications": "declares_no_disqualification",
}


def _declared(result: policy.Result, app: Application) -> dict[str, str]:
    """The §5.1.2, §5.1.3 and §5.1.5 judgements carry the applicant's declaration; an undeclared
    one is unmet (the body reviews the declaration and its evidence)."""
    row = result.as_dict()
    attr = DECLARED.get(result.code)
    if attr is None or result.status != policy.Status.JUDGEMENT:
        return row
    row["expected"] = _("申请人声明并提交证明，由认定主体审查")
    if getattr(app, attr):
        row["actual"] = _("已声明")
    else:
        row["status"] = str(policy.Status.UNMET)
        row["actual"] = _("未声明")
    return row


def related_months(app: Application, on: dt.date) -> int:
    periods = [
        rules.Period(p.start, p.end, p.kind in (WorkPeriod.Kind.QUALITY, WorkPeriod.Kind.TECHNICAL))
        for p in app.work_periods.all()
    ]
    return rules.related_months(periods, on)


def _years_text(months: int) -> str:
    return _("%(y)d 年 %(m)d 个月") % {"y": months // 12, "m": months % 12}


def eligibility(app: Application, on: dt.date | None = None) -> dict[str, Any]:
    """Every §5.1 condition of the body's standard with its clause, the §5.2 years for the
    level applied for, the level the years allow, and whether anything blocks."""
    on = on or clock.today()
    version, pack, spec = spec_for(app.body, on)
    results = [
        _declared(r, app)
        for r in policy.evaluate(pack, policy.Facts(person=person_facts(app.person)))
    ]
    months = related_months(app, on)
    need = spec.years_for_level[app.level_applied] if app.level_applied in rules.LEVELS else 0  # type: ignore[index]
    by_years = rules.level_by_years(spec, months)
    # level-standard §5.2 可申报; SPEC §12.3: a refusal names the level the years do allow
    allows = (
        _("，可申报 %(level)s") % {"level": by_years} if by_years else _("，尚不足申报任何等级")
    )
    results.append(
        {
            "code": "related_years",
            "label": _("申报%(level)s须具有 %(n)d 年以上相关工作经验")
            % {"level": app.level_applied, "n": need},
            "group": "years",
            "clause": spec.years_clause,
            "severity": "blocking",
            "status": str(policy.Status.MET if months >= need * 12 else policy.Status.UNMET),
            "expected": _("≥ %(n)d 年（质量或技术岗位，重叠只计一次）") % {"n": need},
            "actual": _years_text(months) + (allows if months < need * 12 else ""),
            "relaxation": "",
            "note": "",
        }
    )
    if spec.prior_level_required and app.level_applied in rules.LEVELS[1:]:
        results.append(_prior_level(app, spec, on))
    blocking = [r for r in results if r["status"] == "unmet" and r["severity"] == "blocking"]
    return {
        "version": version.pk,
        "pack": version.label,
        "evaluated_on": on.isoformat(),
        "results": results,
        "months": months,
        "level_by_years": by_years or "",
        "blocking": [r["code"] for r in blocking],
    }


def _prior_level(app: Application, spec: schema.Certification, on: dt.date) -> dict[str, str]:
    """SPEC §12.3's pack option: a level above the first needs a valid certificate at least one
    level below it, held on the day of the check."""
    below = rules.LEVELS[rules.LEVELS.index(app.level_applied) - 1]
    held = (
        LevelCertificate.objects.filter(
            holder=app.person,
            status=LevelCertificate.Status.VALID,
            level__in=rules.LEVELS[rules.LEVELS.index(below) :],
            issued_on__lte=on,
            valid_until__gte=on,
        )
        .order_by("-valid_until")
        .first()
    )
    return {
        "code": "prior_level",
        "label": _("申报%(level)s须持有有效的%(below)s（含）以上认定证书")
        % {"level": app.level_applied, "below": below},
        "group": "years",
        "clause": spec.prior_level_clause,
        "severity": "blocking",
        "status": str(policy.Status.MET if held else policy.Status.UNMET),
        "expected": _("有效的%(below)s（含）以上认定证书") % {"below": below},
        "actual": (
            _("%(level)s，证书编号 %(n)s") % {"level": held.level, "n": held.number}
            if held
            else _("无")
        ),
        "relaxation": "",
        "note": "",
    }


def filing_status(person: Person, on: dt.date) -> str:
    """SPEC §12.21: the application shows whether the applicant holds a filed appointment."""
    appt = (
        Appointment.objects.filter(
            person=person, status=Appointment.Status.FILED, start_date__lte=on
        )
        .select_related("enterprise")
        .order_by("-start_date")
        .first()
    )
    if appt is None:
        return _("拟任（无已备案的聘任）")
    return _("现任：%(ent)s（备案号 %(n)s）") % {
        "ent": appt.enterprise.name,
        "n": appt.filing_number or "—",
    }
