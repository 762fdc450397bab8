"""The homes of the certification body (its staff and experts) and of the training
institutions: applications by state, accident reviews and appeals still open, score sheets and
reports, sessions to close, attendance to record, certificates issued."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cqo.accounts.models import User
from cqo.certification import selectors as certification
from cqo.certification.models import Application
from cqo.lib import clock
from cqo.portal.homes.tiles import ROWS, Tile, url
from cqo.training import selectors as training
from cqo.training.models import Session

# the steps of level-standard §9 an application waits in, and who acts at each: the body's
# formal review, acceptance and panel, assessment, the certificate
_WAITING = (
    (Application.Status.SUBMITTED, _("认定申请 · 待形式审查"), "primary"),
    (Application.Status.ACCEPTED, _("认定申请 · 已受理待组专家组"), ""),
    (Application.Status.ASSESSING, _("认定申请 · 认定中"), ""),
    (Application.Status.GRADED, _("认定申请 · 待发证"), "primary"),
)


def application_tiles(user: User, *, url_name: str, always: bool = False) -> list[Tile]:
    """One tile per waiting step, counted in one query; a supervising regulator sees only the
    steps that hold applications (``always``: every step, for the body)."""
    counts = dict(
        certification.application_list(user=user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk", distinct=True))
    )
    return [
        Tile(
            f"applications-{status}",
            label,
            counts.get(status, 0),
            url(url_name, status=status),
            tone,
        )
        for status, label, tone in _WAITING
        if always or counts.get(status, 0)
    ]


def _expert(user: User) -> dict[str, Any]:
    sheets = certification.seats_to_score(user)
    reports = certification.reports_to_sign(user)
    return {
        "tiles": [
            Tile("sheets", _("待填评分表"), sheets.count(), tone="primary"),
            Tile("reports", _("待签署认定报告（专家组长）"), reports.count(), tone="primary"),
        ],
        "sheets": sheets[:ROWS],
        "reports": reports[:ROWS],
    }


def certifier(user: User) -> dict[str, Any]:
    """The body's staff (level-standard §9, §11) and, for an expert, their panel work."""
    ctx: dict[str, Any] = {"tiles": [], "organisation": user.organisation}
    if certification.staff_body(user) is not None:
        reviews = certification.open_reviews(user)
        appeals = certification.pending_appeals(user)
        queue = url("certification:queue")
        ctx["tiles"] = [
            *application_tiles(user, url_name="certification:queue", always=True),
            Tile("reviews", _("待处理的事故复核"), reviews.count(), queue, "danger"),
            Tile("cert-appeals", _("待处理的申诉"), appeals.count(), tone="warning"),
        ]
        ctx["reviews"] = reviews[:ROWS]
        ctx["cert_appeals"] = appeals[:ROWS]
    if certification.expert_of(user) is not None:
        expert = _expert(user)
        ctx["tiles"] += expert.pop("tiles")
        ctx.update(expert)
    return ctx


def trainer(user: User) -> dict[str, Any]:
    """A training institution's sessions (shaanxi-2021 §五(一)): registration open, ended but
    not closed, attendance to record, and the certificates it issued."""
    today = clock.today()
    to_close = training.sessions_to_close(user=user, today=today)
    attendance = training.attendance_due(user=user, today=today)
    sessions = "training:session_list"
    tiles = [
        Tile(
            "sessions-open",
            _("报名中的培训班"),
            training.session_list(user=user, status=Session.Status.OPEN).count(),
            url(sessions, status=Session.Status.OPEN),
        ),
        Tile("sessions-close", _("已结束待结班"), to_close.count(), tone="primary"),
        Tile("attendance", _("待录入出勤"), attendance.count(), tone="primary"),
        Tile(
            "certificates",
            _("已颁发培训合格证"),
            training.certificate_list(user=user).count(),
            url("training:certificate_list"),
        ),
    ]
    return {
        "tiles": tiles,
        "organisation": user.organisation,
        "to_close": to_close[:ROWS],
        "attendance": attendance[:ROWS],
    }
