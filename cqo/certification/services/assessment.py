"""认定 (level-standard §9.3): the panel, the interview and site visit, the experts' scoring
sheets and the leader's signed report."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cqo.accounts.models import User
from cqo.audit.services import diff, snapshot
from cqo.certification import notices, rules, selectors
from cqo.certification.models import (
    Application,
    Expert,
    PanelMember,
)
from cqo.certification.selectors import sheet_scores
from cqo.certification.services._common import (
    REASON_MIN,
    Errors,
    audit,
    bounded,
    date_field,
    require_staff,
    spec_for,
)
from cqo.certification.services.applications import A, lock, require_status
from cqo.lib import parse
from cqo.lib.bounds import max_length, too_long
from cqo.policy.selectors import cite

# a cell's value as typed on the sheet or sent to the API; rules.parse_scores reads it
ScoreValue = Decimal | float | int | str | None


# 认定 (§9.3) -------------------------------------------------------------------------------


@transaction.atomic
def panel_set(
    *,
    actor: User,
    app: Application,
    experts: Sequence[uuid.UUID | str],
    leader: uuid.UUID | str | None,
) -> list[PanelMember]:
    """The body names the panel from its roster and its leader (§9.3.3). It can be changed
    until an expert has submitted a sheet."""
    app = lock(app)
    require_staff(actor, app.body)
    require_status(app, A.ACCEPTED, A.ASSESSING)
    if app.panel.filter(submitted_at__isnull=False).exists():
        raise ValidationError({"experts": _("已有专家提交评分，不能再调整专家组")})
    ids = {u for u in (parse.uuid_or_none(e) for e in experts) if u is not None}
    chosen = list(Expert.objects.filter(body=app.body, active=True, public_id__in=ids))
    errors = Errors()
    if not chosen or len(chosen) != len(ids):
        errors.add("experts", _("请从本机构在册专家中选择专家组成员"))
    leader_id = parse.uuid_or_none(leader)
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
def assessment_record(
    *, actor: User, app: Application, kind: str, on: dt.date | None, notes: str
) -> Application:
    """§9.3.1 面试答辩 (``interview``), 必要时现场验证 (``site_visit``): date and record."""
    app = lock(app)
    _require_staff_or_leader(actor, app)
    require_status(app, A.ASSESSING)
    if kind not in ("interview", "site_visit"):
        raise ValidationError({"kind": _("未知的认定方式")})
    errors = Errors()
    on = date_field(errors, "on", on)
    notes = bounded(
        errors,
        "notes",
        notes,
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
    scores: Sequence[tuple[str, ScoreValue]],
    comments: str = "",
    submit: bool = False,
) -> PanelMember:
    """An expert's scoring sheet over the Annex A cells, each within its maximum. A draft may
    be partial; a submitted sheet is complete and final (SPEC §12.5 keeps each sheet)."""
    app = lock(app)
    require_status(app, A.ASSESSING)
    seat = selectors.my_seat(actor, app)
    if seat is None:
        raise PermissionDenied(_("您不是该申请的认定专家组成员"))
    seat = PanelMember.objects.select_for_update().get(pk=seat.pk)
    if seat.submitted_at is not None:
        raise ValidationError({"scores": _("评分表已提交，不能再修改")})
    _version, _pack, spec = spec_for(app.body)
    parsed, errs = rules.parse_scores(spec, dict(scores), partial=not submit)
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


def _check_report(app: Application, report: str, seats: list[PanelMember]) -> None:
    errors = Errors()
    if len(report) < 10:
        errors.add(
            "report", _("请编制认定报告（至少10个字），提供准确、简明和清晰的记录（§9.3.3）")
        )
    if message := too_long(Application, "report", report):
        errors.add("report", message)
    if app.interview_on is None:
        errors.add("report", _("尚未记录面试答辩（§9.3.1）"))
    if any(s.submitted_at is None for s in seats):
        errors.add("report", _("尚有专家未提交评分表"))
    errors.raise_if_any()


@transaction.atomic
def report_sign(*, actor: User, app: Application, report: str) -> Application:
    """§9.3.3 认定专家组长负责认定报告的编制并对内容负责: the leader signs once every sheet is in;
    the panel score per cell is the experts' mean to one decimal (SPEC §12.5); the grade per
    Annex B; the awarded level the lower of grade and level applied for (SPEC §12.3)."""
    app = lock(app)
    require_status(app, A.ASSESSING)
    seat = selectors.my_seat(actor, app)
    if seat is None or not seat.leader:
        raise PermissionDenied(_("认定报告由专家组长签署（§9.3.3）"))
    report = parse.text(report)
    seats = selectors.panel_of(app)
    _check_report(app, report, seats)
    _version, _pack, spec = spec_for(app.body)
    means = rules.panel_scores(sheet_scores(s) for s in seats)
    grading = rules.grade(spec, means)
    # level-standard §5.2; SPEC §12.3: the lower of the grade by score and the level applied
    # for (the years were checked when the application was submitted)
    awarded = rules.lowest(grading.grade, app.level_applied)
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
        note=cite(spec.clause),  # as users read it (SPEC §12.24)
    )
    if app.status == A.NOT_CERTIFIED:
        notices.decided(app)  # a grade is told with its certificate (certificate_issue)
    return app


def reopen_assessment(*, actor: User, app: Application, note: str) -> None:
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
