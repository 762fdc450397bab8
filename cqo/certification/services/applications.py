"""An application from its draft to 形式审查 (level-standard §9.1–§9.2; SPEC §6)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from cqo.accounts.models import Role, User
from cqo.audit.services import diff, snapshot
from cqo.certification import notices, rules, selectors
from cqo.certification.models import (
    Application,
    CertificationBody,
    Evidence,
    LevelCertificate,
    WorkPeriod,
)
from cqo.certification.selectors import DECLARED, eligibility, filing_status
from cqo.certification.services._common import (
    REASON_MIN,
    Errors,
    Upload,
    audit,
    bounded,
    check_upload,
    date_field,
    require_staff,
)
from cqo.lib import clock, parse
from cqo.lib.bounds import max_length, too_long
from cqo.registry.models import Enterprise, Person

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


def lock(app: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("body", "person", "enterprise")
        .get(pk=app.pk)
    )


def _require_applicant(actor: User, app: Application) -> None:
    if not (actor.is_active and actor.role == Role.CQO and app.person.user_id == actor.pk):
        raise PermissionDenied(_("只有申请人本人可以修改申请"))


def require_status(app: Application, *allowed: str) -> None:
    if app.status not in allowed:
        raise ValidationError(
            {"status": _("申请当前状态为“%(s)s”，不能进行此操作") % {"s": app.get_status_display()}}
        )


@dataclass(frozen=True, kw_only=True)
class ApplicationTerms:
    """The application form (level-standard §9.1 a, b; §5.1 declarations)."""

    enterprise: str  # USCC of the organisation named (one that agreed to the applicant)
    level_applied: str
    education_training: str = ""
    work_summary: str = ""
    quality_experience: str = ""
    performance: str = ""
    recommendation: str = ""
    recommender: str = ""
    declares_technical: bool = False
    declares_qms: bool = False
    declares_no_disqualification: bool = False
    declaration_note: str = ""


def _form_values(t: ApplicationTerms, errors: Errors) -> dict[str, Any]:
    v: dict[str, Any] = {"level_applied": parse.text(t.level_applied)}
    if v["level_applied"] not in rules.LEVELS:
        errors.add("level_applied", _("请选择申报等级"))
    for key, message in TEXTS.items():
        v[key] = bounded(
            errors,
            key,
            getattr(t, key),
            minimum=0,
            maximum=max_length(Application, key),
            message=str(message),
        )
    v["recommender"] = bounded(
        errors,
        "recommender",
        t.recommender,
        minimum=0,
        maximum=max_length(Application, "recommender"),
    )
    for key in ("declares_technical", "declares_qms", "declares_no_disqualification"):
        v[key] = bool(getattr(t, key))
    v["declaration_note"] = bounded(
        errors,
        "declaration_note",
        t.declaration_note,
        minimum=0,
        maximum=max_length(Application, "declaration_note"),
    )
    return v


def _enterprise(errors: Errors, uscc: str, person: Person) -> Enterprise | None:
    """The organisation named on the application: one that agreed to the applicant — it filed
    their appointment, or it recommended them on the platform (level-standard §9.1 b; SPEC
    §12.21: a prospective CQO needs the organisation's recommendation)."""
    uscc = parse.code(uscc)
    found = Enterprise.objects.filter(uscc=uscc).first() if uscc else None
    if found is None:
        errors.add("enterprise", _("请填写所在组织的统一社会信用代码（须已在平台登记）"))
    elif not selectors.enterprise_agrees(person, found):
        errors.add("enterprise", NOT_AGREED)
        return None
    return found


def _body(errors: Errors, code: str) -> CertificationBody | None:
    code = parse.code(code)
    found = selectors.open_bodies().filter(code=code).first() if code else None
    if found is None:
        errors.add("body", _("请选择认定主体"))
    return found


@transaction.atomic
def application_create(*, actor: User, body: str, terms: ApplicationTerms) -> Application:
    """A CQO (serving or prospective, SPEC §12.21) drafts an application to one body."""
    person = selectors.own_person(actor)
    if actor.role != Role.CQO or person is None:
        raise PermissionDenied(_("请先以首席质量官身份完成线上注册"))
    errors = Errors()
    found = _body(errors, body)
    enterprise = _enterprise(errors, terms.enterprise, person)
    values = _form_values(terms, errors)
    errors.raise_if_any()
    if Application.objects.filter(person=person, status__in=OPEN).exists():
        raise ValidationError({"body": _("您已有一份尚未办结的认定申请")})
    app = Application(
        body=found,
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
def application_update(*, actor: User, app: Application, terms: ApplicationTerms) -> Application:
    app = lock(app)
    _require_applicant(actor, app)
    require_status(app, *EDITABLE)
    before = snapshot(app, ["enterprise", *FORM_FIELDS])
    errors = Errors()
    enterprise = _enterprise(errors, terms.enterprise, app.person)
    values = _form_values(terms, errors)
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
def period_add(
    *,
    actor: User,
    app: Application,
    organisation: str,
    post: str,
    kind: str,
    start: dt.date | None,
    end: dt.date | None = None,
) -> WorkPeriod:
    app = lock(app)
    _require_applicant(actor, app)
    require_status(app, *EDITABLE)
    errors = Errors()
    organisation = bounded(
        errors, "organisation", organisation, maximum=max_length(WorkPeriod, "organisation")
    )
    post = bounded(errors, "post", post, maximum=max_length(WorkPeriod, "post"))
    kind = parse.text(kind)
    if kind not in WorkPeriod.Kind.values:
        errors.add("kind", _("请选择岗位类别"))
    start = date_field(errors, "start", start)
    end = date_field(errors, "end", end, required=False)
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
    app = lock(app)
    _require_applicant(actor, app)
    require_status(app, *EDITABLE)
    period = app.work_periods.filter(pk=period_id).first()
    if period is None:
        raise ValidationError({"period": _("没有这条工作经历")})
    label = f"{period.start}—{period.end or ''} {period.organisation} {period.post}"
    period.delete()
    audit(actor, selectors.APPLICATION, app, "update", {"work_periods": [label, None]})


@transaction.atomic
def evidence_add(
    *, actor: User, app: Application, kind: str, title: str, upload: Upload | None
) -> Evidence:
    app = lock(app)
    _require_applicant(actor, app)
    require_status(app, *EDITABLE)
    errors = Errors()
    kind = parse.text(kind)
    if kind not in Evidence.Kind.values:
        errors.add("kind", _("请选择材料类别"))
    title = bounded(
        errors,
        "title",
        title,
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
def evidence_delete(*, actor: User, app: Application, evidence_id: uuid.UUID | str) -> None:
    app = lock(app)
    _require_applicant(actor, app)
    require_status(app, *EDITABLE)
    found = parse.uuid_or_none(evidence_id)
    item = app.evidence.filter(public_id=found).first() if found else None
    if item is None:
        raise ValidationError({"evidence": _("没有这份材料")})
    label = f"{item.get_kind_display()}：{item.title}"
    storage, name = item.file.storage, item.file.name
    item.delete()
    # the file goes once the row is gone for good: a rollback keeps both
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    audit(actor, selectors.APPLICATION, app, "update", {"evidence": [label, None]})


@transaction.atomic
def application_submit(*, actor: User, app: Application) -> Application:
    """§9.1: the form complete, the declarations made, evidence attached; §5 and §5.2 checked
    with clause citations. A blocking unmet condition stops the submission."""
    app = lock(app)
    _require_applicant(actor, app)
    require_status(app, *EDITABLE)
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
    app = lock(app)
    _require_applicant(actor, app)
    require_status(app, A.DRAFT, A.RETURNED, A.SUBMITTED)
    before = app.status
    app.status = A.WITHDRAWN
    app.save(update_fields=["status", "updated_at"])
    audit(actor, selectors.APPLICATION, app, "transition", {"status": [before, app.status]})
    return app


# 形式审查 (§9.2) ---------------------------------------------------------------------------


@transaction.atomic
def review_return(*, actor: User, app: Application, items: str) -> Application:
    """§9.2.1 对不符合要求的材料提出补充完善意见; §9.2.2 the applicant resubmits."""
    app = lock(app)
    require_staff(actor, app.body)
    require_status(app, A.SUBMITTED)
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
    notices.returned(app)
    return app


@transaction.atomic
def review_accept(*, actor: User, app: Application) -> Application:
    """§9.2.3 形式审查合格后进入认定程序."""
    app = lock(app)
    require_staff(actor, app.body)
    require_status(app, A.SUBMITTED)
    app.status = A.ACCEPTED
    app.accepted_at = timezone.now()
    app.save(update_fields=["status", "accepted_at", "updated_at"])
    audit(actor, selectors.APPLICATION, app, "transition", {"status": [A.SUBMITTED, A.ACCEPTED]})
    return app
