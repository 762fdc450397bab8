"""An application from submission to the signed report (level-standard §9.1–§9.3; SPEC §6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from cqo.accounts.models import Role, User
from cqo.audit.services import diff, snapshot
from cqo.certification import rules, selectors
from cqo.certification.models import (
    Application,
    CertificationBody,
    Evidence,
    Expert,
    LevelCertificate,
    PanelMember,
    WorkPeriod,
)
from cqo.certification.services._common import (
    REASON_MIN,
    Data,
    Errors,
    audit,
    bounded,
    check_upload,
    date_field,
    require_staff,
    spec_for,
    text_field,
)
from cqo.lib import clock
from cqo.lib.bounds import max_length, too_long
from cqo.policy import rules as policy
from cqo.reference import enums
from cqo.registry.models import Appointment, Enterprise, Person

A = Application.Status
EDITABLE = (A.DRAFT, A.RETURNED)
OPEN = selectors.OPEN_APPLICATION
FORM_FIELDS = [
    "level_applied",
    "education_training",
    "work_summary",
    "quality_experience",
    "performance",
    "recommendation",
    "recommender",
    "declares_technical",
    "declares_qms",
    "declares_no_disqualification",
    "declaration_note",
]
NOT_AGREED = _l(
    "所在组织须是已为您备案聘任的企业，或已在平台为您出具推荐意见的企业（§9.1 b）；"
    "请先请该企业经办人出具推荐意见"
)
TEXTS = {
    "education_training": _l("请填写教育和培训履历（§9.1 a）"),
    "work_summary": _l("请填写工作经历（§9.1 a）"),
    "quality_experience": _l("请填写质量专业经历（§9.1 a）"),
    "performance": _l("请填写工作绩效（§9.1 a）"),
    "recommendation": _l("请填写所在组织的推荐意见（§9.1 b）"),
}


def _lock(app: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("body", "person", "enterprise")
        .get(pk=app.pk)
    )


def _require_applicant(actor: User, app: Application) -> None:
    if not (actor.is_active and actor.role == Role.CQO and app.person.user_id == actor.pk):
        raise PermissionDenied(_("只有申请人本人可以修改申请"))


def _require_status(app: Application, *allowed: str) -> None:
    if app.status not in allowed:
        raise ValidationError(
            {"status": _("申请当前状态为“%(s)s”，不能进行此操作") % {"s": app.get_status_display()}}
        )


def _form_values(data: Any, errors: Errors) -> Data:
    v: Data = {}
    v["level_applied"] = text_field(data, "level_applied")
    if v["level_applied"] not in rules.LEVELS:
        errors.add("level_applied", _("请选择申报等级"))
    for key, message in TEXTS.items():
        v[key] = bounded(
            errors,
            data,
            key,
            minimum=0,
            maximum=max_length(Application, key),
            message=str(message),
        )
    v["recommender"] = bounded(
        errors, data, "recommender", minimum=0, maximum=max_length(Application, "recommender")
    )
    for key in ("declares_technical", "declares_qms", "declares_no_disqualification"):
        v[key] = data.get(key) in (True, "true", "on", "1", 1)
    v["declaration_note"] = bounded(
        errors,
        data,
        "declaration_note",
        minimum=0,
        maximum=max_length(Application, "declaration_note"),
    )
    return v


def _enterprise(errors: Errors, data: Any, person: Person) -> Enterprise | None:
    """The organisation named on the application: one that agreed to the applicant — it filed
    their appointment, or it recommended them on the platform (level-standard §9.1 b; SPEC
    §12.21: a prospective CQO needs the organisation's recommendation)."""
    uscc = text_field(data, "enterprise").upper()
    found = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
    if found is None:
        errors.add("enterprise", _("请填写所在组织的统一社会信用代码（须已在平台登记）"))
    elif not selectors.enterprise_agrees(person, found):
        errors.add("enterprise", NOT_AGREED)
        return None
    return found


def _body(errors: Errors, data: Any) -> CertificationBody | None:
    code = text_field(data, "body").upper()
    found = selectors.open_bodies().filter(code=code).first() if code else None
    if found is None:
        errors.add("body", _("请选择认定主体"))
    return found


@transaction.atomic
def application_create(*, actor: User, data: Any) -> Application:
    """A CQO (serving or prospective, SPEC §12.21) drafts an application to one body."""
    person = selectors.own_person(actor)
    if actor.role != Role.CQO or person is None:
        raise PermissionDenied(_("请先以首席质量官身份完成线上注册"))
    errors = Errors()
    body = _body(errors, data)
    enterprise = _enterprise(errors, data, person)
    values = _form_values(data, errors)
    errors.raise_if_any()
    if Application.objects.filter(person=person, status__in=OPEN).exists():
        raise ValidationError({"body": _("您已有一份尚未办结的认定申请")})
    app = Application(
        body=body,
        person=person,
        enterprise=enterprise,
        recertification=LevelCertificate.objects.filter(holder=person).exists(),
        created_by=actor,
        **values,
    )
    app.save()
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "create",
        {k: [None, v] for k, v in snapshot(app, ["body", "enterprise", *FORM_FIELDS]).items()},
    )
    return app


@transaction.atomic
def application_update(*, actor: User, app: Application, data: Any) -> Application:
    app = _lock(app)
    _require_applicant(actor, app)
    _require_status(app, *EDITABLE)
    before = snapshot(app, ["enterprise", *FORM_FIELDS])
    errors = Errors()
    enterprise = _enterprise(errors, data, app.person)
    values = _form_values(data, errors)
    errors.raise_if_any()
    app.enterprise = enterprise  # type: ignore[assignment]
    for key, value in values.items():
        setattr(app, key, value)
    app.save(update_fields=["enterprise", *FORM_FIELDS, "updated_at"])
    changes = diff(before, snapshot(app, ["enterprise", *FORM_FIELDS]))
    if changes:
        audit(actor, selectors.APPLICATION, app, "update", changes)
    return app


@transaction.atomic
def period_add(*, actor: User, app: Application, data: Any) -> WorkPeriod:
    app = _lock(app)
    _require_applicant(actor, app)
    _require_status(app, *EDITABLE)
    errors = Errors()
    organisation = bounded(
        errors, data, "organisation", maximum=max_length(WorkPeriod, "organisation")
    )
    post = bounded(errors, data, "post", maximum=max_length(WorkPeriod, "post"))
    kind = text_field(data, "kind")
    if kind not in WorkPeriod.Kind.values:
        errors.add("kind", _("请选择岗位类别"))
    start = date_field(errors, data, "start")
    end = date_field(errors, data, "end", required=False)
    if start and end and end < start:
        errors.add("end", _("截止日期不能早于起始日期"))
    errors.raise_if_any()
    if start is None:  # pragma: no cover (errors were raised)
        raise ValidationError({"start": _("请填写日期")})
    period = WorkPeriod.objects.create(
        application=app, organisation=organisation, post=post, kind=kind, start=start, end=end
    )
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "update",
        {"work_periods": [None, f"{start}—{end or ''} {organisation} {post}"]},
    )
    return period


@transaction.atomic
def period_delete(*, actor: User, app: Application, period_id: int) -> None:
    app = _lock(app)
    _require_applicant(actor, app)
    _require_status(app, *EDITABLE)
    period = app.work_periods.filter(pk=period_id).first()
    if period is None:
        raise ValidationError({"period": _("没有这条工作经历")})
    label = f"{period.start}—{period.end or ''} {period.organisation} {period.post}"
    period.delete()
    audit(actor, selectors.APPLICATION, app, "update", {"work_periods": [label, None]})


@transaction.atomic
def evidence_add(*, actor: User, app: Application, data: Any, upload: Any) -> Evidence:
    app = _lock(app)
    _require_applicant(actor, app)
    _require_status(app, *EDITABLE)
    errors = Errors()
    kind = text_field(data, "kind")
    if kind not in Evidence.Kind.values:
        errors.add("kind", _("请选择材料类别"))
    title = bounded(
        errors,
        data,
        "title",
        maximum=max_length(Evidence, "title"),
        message=_("请填写材料名称"),
    )
    file = check_upload(errors, "file", upload)
    errors.raise_if_any()
    item = Evidence.objects.create(application=app, kind=kind, title=title, file=file)
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "update",
        {"evidence": [None, f"{item.get_kind_display()}：{title}"]},
    )
    return item


@transaction.atomic
def evidence_delete(*, actor: User, app: Application, evidence_id: Any) -> None:
    app = _lock(app)
    _require_applicant(actor, app)
    _require_status(app, *EDITABLE)
    found = selectors.uuid_or_none(evidence_id)
    item = app.evidence.filter(public_id=found).first() if found else None
    if item is None:
        raise ValidationError({"evidence": _("没有这份材料")})
    label = f"{item.get_kind_display()}：{item.title}"
    item.file.delete(save=False)
    item.delete()
    audit(actor, selectors.APPLICATION, app, "update", {"evidence": [label, None]})


# Eligibility (§5; SPEC §12.2–§12.4) ---------------------------------------------------------


def person_facts(person: Person) -> policy.PersonFacts:
    from cqo.training.selectors import holds_training_certificate

    quals = tuple(
        policy.QualificationFact(k, lv)
        for k, lv in person.qualifications.values_list("kind", "level")
    )
    return policy.PersonFacts(
        education=person.education,
        title_level=person.title_level,
        qualifications=quals,
        quality_years=person.quality_years,
        # §5.1.4: a certificate issued on the platform, or one held from before and declared
        training_certificate=holds_training_certificate(person.pk)
        or any(q.kind == enums.QualificationKind.TRAINING_CERTIFICATE for q in quals),
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


def eligibility(app: Application, on: dt.date | None = None) -> Data:
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
            "actual": _years_text(months),
            "relaxation": "",
            "note": "",
        }
    )
    blocking = [r for r in results if r["status"] == "unmet" and r["severity"] == "blocking"]
    by_years = rules.level_by_years(spec, months)
    return {
        "version": version.pk,
        "pack": version.label,
        "evaluated_on": on.isoformat(),
        "results": results,
        "months": months,
        "level_by_years": by_years or "",
        "blocking": [r["code"] for r in blocking],
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


@transaction.atomic
def application_submit(*, actor: User, app: Application) -> Application:
    """§9.1: the form complete, the declarations made, evidence attached; §5 and §5.2 checked
    with clause citations. A blocking unmet condition stops the submission."""
    app = _lock(app)
    _require_applicant(actor, app)
    _require_status(app, *EDITABLE)
    errors = Errors()
    for key, message in TEXTS.items():
        if not getattr(app, key).strip():
            errors.add(key, str(message))
    if not app.recommender.strip():
        errors.add("recommender", _("请填写推荐人（单位负责人）"))
    for key in DECLARED.values():
        if not getattr(app, key):
            errors.add(key, _("请确认本项声明（§5.1）"))
    if not app.work_periods.exists():
        errors.add("work_periods", _("请填写工作经历（用于计算相关工作年限，§5.2）"))
    if not app.evidence.exists():
        errors.add("evidence", _("请上传证实性材料（§9.1 a）"))
    if not selectors.enterprise_agrees(app.person, app.enterprise):
        errors.add("enterprise", NOT_AGREED)
    errors.raise_if_any()
    verdict = eligibility(app)
    if verdict["blocking"]:
        rows = [r for r in verdict["results"] if r["code"] in verdict["blocking"]]
        raise ValidationError(
            {"eligibility": [f"{r['label']}（{r['clause']}）：{r['actual']}" for r in rows]}
        )
    before = app.status
    app.status = A.SUBMITTED
    app.eligibility = verdict
    app.pack_version_id = verdict["version"]
    app.related_months = verdict["months"]
    app.level_by_years = verdict["level_by_years"]
    app.filing_status = filing_status(app.person, clock.today())[:200]
    app.submitted_at = timezone.now()
    app.return_items = ""
    app.save(
        update_fields=[
            "status",
            "eligibility",
            "pack_version",
            "related_months",
            "level_by_years",
            "filing_status",
            "submitted_at",
            "return_items",
            "updated_at",
        ]
    )
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "transition",
        {"status": [before, app.status]},
        note=verdict["pack"],
    )
    return app


@transaction.atomic
def application_withdraw(*, actor: User, app: Application) -> Application:
    app = _lock(app)
    _require_applicant(actor, app)
    _require_status(app, A.DRAFT, A.RETURNED, A.SUBMITTED)
    before = app.status
    app.status = A.WITHDRAWN
    app.save(update_fields=["status", "updated_at"])
    audit(actor, selectors.APPLICATION, app, "transition", {"status": [before, app.status]})
    return app


# 形式审查 (§9.2) ---------------------------------------------------------------------------


@transaction.atomic
def review_return(*, actor: User, app: Application, items: str) -> Application:
    """§9.2.1 对不符合要求的材料提出补充完善意见; §9.2.2 the applicant resubmits."""
    app = _lock(app)
    require_staff(actor, app.body)
    _require_status(app, A.SUBMITTED)
    items = (items or "").replace("\x00", "").strip()
    if len(items) < REASON_MIN:
        raise ValidationError({"items": _("请列明需补充完善的材料（至少4个字）")})
    if message := too_long(Application, "return_items", items):
        raise ValidationError({"items": message})
    app.status = A.RETURNED
    app.return_items = items
    app.save(update_fields=["status", "return_items", "updated_at"])
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "transition",
        {"status": [A.SUBMITTED, A.RETURNED]},
        note=items,
    )
    return app


@transaction.atomic
def review_accept(*, actor: User, app: Application) -> Application:
    """§9.2.3 形式审查合格后进入认定程序."""
    app = _lock(app)
    require_staff(actor, app.body)
    _require_status(app, A.SUBMITTED)
    app.status = A.ACCEPTED
    app.accepted_at = timezone.now()
    app.save(update_fields=["status", "accepted_at", "updated_at"])
    audit(actor, selectors.APPLICATION, app, "transition", {"status": [A.SUBMITTED, A.ACCEPTED]})
    return app


# 认定 (§9.3) -------------------------------------------------------------------------------


@transaction.atomic
def panel_set(
    *, actor: User, app: Application, experts: list[Any], leader: Any
) -> list[PanelMember]:
    """The body names the panel from its roster and its leader (§9.3.3). It can be changed
    until an expert has submitted a sheet."""
    app = _lock(app)
    require_staff(actor, app.body)
    _require_status(app, A.ACCEPTED, A.ASSESSING)
    if app.panel.filter(submitted_at__isnull=False).exists():
        raise ValidationError({"experts": _("已有专家提交评分，不能再调整专家组")})
    ids = {u for u in (selectors.uuid_or_none(e) for e in experts) if u is not None}
    chosen = list(Expert.objects.filter(body=app.body, active=True, public_id__in=ids))
    errors = Errors()
    if not chosen or len(chosen) != len(ids):
        errors.add("experts", _("请从本机构在册专家中选择专家组成员"))
    leader_id = selectors.uuid_or_none(leader)
    if leader_id not in {e.public_id for e in chosen}:
        errors.add("leader", _("专家组长须是专家组成员（§9.3.3）"))
    errors.raise_if_any()
    before = [str(m.expert) for m in app.panel.select_related("expert")]
    app.panel.all().delete()
    members = [
        PanelMember.objects.create(application=app, expert=e, leader=e.public_id == leader_id)
        for e in chosen
    ]
    status = app.status
    app.status = A.ASSESSING
    app.save(update_fields=["status", "updated_at"])
    after = [f"{m.expert}{'（组长）' if m.leader else ''}" for m in members]
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "transition" if status != app.status else "update",
        {"panel": [before, after], "status": [status, app.status]},
    )
    return members


def _require_staff_or_leader(actor: User, app: Application) -> None:
    seat = selectors.my_seat(actor, app)
    if not (selectors.is_staff_of(actor, app.body) or (seat is not None and seat.leader)):
        raise PermissionDenied(_("只有认定主体工作人员或专家组长可以记录"))


@transaction.atomic
def assessment_record(*, actor: User, app: Application, kind: str, data: Any) -> Application:
    """§9.3.1 面试答辩 (``interview``), 必要时现场验证 (``site_visit``): date and record."""
    app = _lock(app)
    _require_staff_or_leader(actor, app)
    _require_status(app, A.ASSESSING)
    if kind not in ("interview", "site_visit"):
        raise ValidationError({"kind": _("未知的认定方式")})
    errors = Errors()
    on = date_field(errors, data, "on")
    notes = bounded(
        errors,
        data,
        "notes",
        minimum=REASON_MIN,
        maximum=max_length(Application, "interview_notes"),
        message=_("请填写记录（至少4个字）"),
    )
    errors.raise_if_any()
    fields = [f"{kind}_on", f"{kind}_notes"]
    before = snapshot(app, fields)
    setattr(app, fields[0], on)
    setattr(app, fields[1], notes)
    app.save(update_fields=[*fields, "updated_at"])
    audit(actor, selectors.APPLICATION, app, "update", diff(before, snapshot(app, fields)))
    return app


@transaction.atomic
def sheet_save(
    *,
    actor: User,
    app: Application,
    scores: dict[str, Any],
    comments: str = "",
    submit: bool = False,
) -> PanelMember:
    """An expert's scoring sheet over the Annex A cells, each within its maximum. A draft may
    be partial; a submitted sheet is complete and final (SPEC §12.5 keeps each sheet)."""
    app = _lock(app)
    _require_status(app, A.ASSESSING)
    seat = selectors.my_seat(actor, app)
    if seat is None:
        raise PermissionDenied(_("您不是该申请的认定专家组成员"))
    seat = PanelMember.objects.select_for_update().get(pk=seat.pk)
    if seat.submitted_at is not None:
        raise ValidationError({"scores": _("评分表已提交，不能再修改")})
    _version, _pack, spec = spec_for(app.body)
    parsed, errs = rules.parse_scores(spec, scores, partial=not submit)
    errors = Errors()
    for code, message in errs.items():
        errors.add(code, message)
    comments = (comments or "").replace("\x00", "").strip()
    if too_many := too_long(PanelMember, "comments", comments):
        errors.add("comments", too_many)
    if submit and app.interview_on is None:
        errors.add("scores", _("面试答辩记录后才能提交评分（§9.3.1）"))
    errors.raise_if_any()
    before = {"scores": seat.scores, "submitted": seat.submitted_at is not None}
    seat.scores = {c: format(v, "f") for c, v in parsed.items()}
    seat.comments = comments
    if submit:
        seat.submitted_at = timezone.now()
    seat.save(update_fields=["scores", "comments", "submitted_at"])
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "update",
        {
            f"sheet:{seat.expert.name}": [_sheet_text(before["scores"]), _sheet_text(seat.scores)],
            "submitted": [before["submitted"], submit],
        },
        note=_("提交评分表") if submit else _("保存评分表草稿"),
    )
    return seat


def _sheet_text(scores: dict[str, str]) -> str:
    """A sheet as one line for the audit trail (which shows flat values)."""
    return "，".join(f"{c}={v}" for c, v in sorted((scores or {}).items()))


def sheet_scores(seat: PanelMember) -> dict[str, Decimal]:
    return {c: Decimal(v) for c, v in (seat.scores or {}).items()}


@transaction.atomic
def report_sign(*, actor: User, app: Application, report: str) -> Application:
    """§9.3.3 认定专家组长负责认定报告的编制并对内容负责: the leader signs once every sheet is in;
    the panel score per cell is the experts' mean to one decimal (SPEC §12.5); the grade per
    Annex B; the awarded level the lowest of grade, level applied for and years (SPEC §12.3)."""
    app = _lock(app)
    _require_status(app, A.ASSESSING)
    seat = selectors.my_seat(actor, app)
    if seat is None or not seat.leader:
        raise PermissionDenied(_("认定报告由专家组长签署（§9.3.3）"))
    report = (report or "").replace("\x00", "").strip()
    errors = Errors()
    if len(report) < 10:
        errors.add(
            "report", _("请编制认定报告（至少10个字），提供准确、简明和清晰的记录（§9.3.3）")
        )
    if message := too_long(Application, "report", report):
        errors.add("report", message)
    if app.interview_on is None:
        errors.add("report", _("尚未记录面试答辩（§9.3.1）"))
    seats = selectors.panel_of(app)
    if any(s.submitted_at is None for s in seats):
        errors.add("report", _("尚有专家未提交评分表"))
    errors.raise_if_any()
    _version, _pack, spec = spec_for(app.body)
    means = rules.panel_scores(sheet_scores(s) for s in seats)
    grading = rules.grade(spec, means)
    awarded = rules.lowest(grading.grade, app.level_applied, app.level_by_years or None)
    app.report = report
    app.report_signed_at = timezone.now()
    app.panel_scores = {
        "cells": {c: format(v, "f") for c, v in means.items()},
        "subtotals": {c: format(v, "f") for c, v in grading.subtotals.items()},
        "unmet": [
            {"code": u.code, "name": u.name, "minimum": u.minimum, "score": format(u.score, "f")}
            for u in grading.unmet
        ],
        "sheets": {s.expert.name: s.scores for s in seats},
    }
    app.total = grading.total
    app.grade_by_score = grading.grade or ""
    app.awarded_level = awarded or ""
    app.status = A.GRADED if awarded else A.NOT_CERTIFIED
    app.save(
        update_fields=[
            "report",
            "report_signed_at",
            "panel_scores",
            "total",
            "grade_by_score",
            "awarded_level",
            "status",
            "updated_at",
        ]
    )
    audit(
        actor,
        selectors.APPLICATION,
        app,
        "transition",
        {
            "status": [A.ASSESSING, app.status],
            "total": [None, format(grading.total, "f")],
            "grade_by_score": [None, grading.grade],
            "awarded_level": [None, awarded],
        },
        note=spec.clause,
    )
    return app


def reopen_assessment(actor: User, app: Application, note: str) -> None:
    """An upheld appeal against the grade sends the application back to the panel: the sheets
    are unlocked (kept in the audit trail) and the report must be signed again."""
    before = app.status
    app.panel.update(submitted_at=None)
    app.status = A.ASSESSING
    app.report_signed_at = None
    app.save(update_fields=["status", "report_signed_at", "updated_at"])
    audit(
        actor, selectors.APPLICATION, app, "transition", {"status": [before, app.status]}, note=note
    )
