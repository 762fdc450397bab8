"""Building the certification API's responses from records in scope."""

from __future__ import annotations

from typing import Any

from cqo.certification import printing, rules, selectors
from cqo.certification.api.schemas import (
    ActionOut,
    ApplicationOut,
    BodyOut,
    CertificationAppealOut,
    EvidenceOut,
    ExpertOut,
    LevelCertificateOut,
    ListingNoticeOut,
    PanelMemberOut,
    ReviewRequestOut,
    WorkPeriodOut,
)
from cqo.certification.models import (
    Application,
    CertificationBody,
    Evidence,
    LevelCertificate,
    ReviewRequest,
    SupervisionAction,
    WorkPeriod,
)
from cqo.lib import clock
from cqo.registry.api.schemas import AuditOut

# Building responses ---------------------------------------------------------------------------


def audit_out(target: str, public_id: Any) -> list[AuditOut]:
    return [
        AuditOut(at=e.at, actor=e.actor_name, action=e.action, changes=e.changes, note=e.note)
        for e in selectors.trail(target, public_id)[:200]
    ]


def body_out(body: CertificationBody) -> BodyOut:
    return BodyOut(
        id=body.public_id,
        code=body.code,
        name=body.name,
        uscc=body.uscc,
        legal_representative=body.legal_representative,
        kind=CertificationBody.Kind(body.kind),
        authorising_body=body.authorising_body,
        authorising_document=body.authorising_document,
        supervising_authority=body.supervising_authority,
        supervising_region=body.supervising_region_id,
        premises=body.premises,
        resources=body.resources,
        pack_slug=body.pack_slug,
        active=body.active,
        members=[m.user.username for m in body.members.select_related("user")],
        experts=[
            ExpertOut(
                id=x.public_id,
                name=x.name,
                title=x.title,
                speciality=x.speciality,
                employer=x.employer,
                username=x.user.username if x.user else None,
                active=x.active,
            )
            for x in body.experts.select_related("user")
        ],
    )


def application_item(a: Application) -> dict[str, Any]:
    return {
        "id": a.public_id,
        "person": a.person.name,
        "enterprise": a.enterprise.uscc,
        "body": a.body.code,
        "level_applied": a.level_applied,
        "status": Application.Status(a.status),
        "submitted_at": a.submitted_at,
        "total": a.total,
        "awarded_level": a.awarded_level,
    }


def application_out(user: Any, a: Application) -> ApplicationOut:
    seat = selectors.my_seat(user, a)
    sees_sheets = selectors.is_staff_of(user, a.body) or (seat is not None and seat.leader)
    return ApplicationOut(
        **application_item(a),
        recertification=a.recertification,
        education_training=a.education_training,
        work_summary=a.work_summary,
        quality_experience=a.quality_experience,
        performance=a.performance,
        recommendation=a.recommendation,
        recommender=a.recommender,
        declares_technical=a.declares_technical,
        declares_qms=a.declares_qms,
        declares_no_disqualification=a.declares_no_disqualification,
        filing_status=a.filing_status,
        return_items=a.return_items,
        eligibility=a.eligibility or {},
        related_months=a.related_months,
        level_by_years=a.level_by_years,
        interview_on=a.interview_on,
        interview_notes=a.interview_notes,
        site_visit_on=a.site_visit_on,
        site_visit_notes=a.site_visit_notes,
        report=a.report if a.report_signed_at else "",
        panel_scores={
            k: v for k, v in (a.panel_scores or {}).items() if k != "sheets" or sees_sheets
        },
        grade_by_score=a.grade_by_score,
        periods=[
            WorkPeriodOut(
                id=p.pk,
                organisation=p.organisation,
                post=p.post,
                kind=WorkPeriod.Kind(p.kind),
                start=p.start,
                end=p.end,
            )
            for p in a.work_periods.all()
        ],
        evidence=[
            EvidenceOut(id=e.public_id, kind=Evidence.Kind(e.kind), title=e.title)
            for e in a.evidence.all()
        ],
        panel=[
            PanelMemberOut(
                expert=m.expert.public_id,
                name=m.expert.name,
                leader=m.leader,
                submitted=m.submitted_at is not None,
                scores=m.scores
                if (sees_sheets or (seat is not None and seat.pk == m.pk))
                else None,
            )
            for m in selectors.panel_of(a)
        ],
        certificates=[c.number for c in a.certificates.all()],
        audit=audit_out(selectors.APPLICATION, a.public_id),
    )


def shown_values(cert: LevelCertificate, content: dict[str, str]) -> dict[str, Any]:
    return {
        "number": cert.number,
        "holder": str(cert.content.get("holder", "")),
        "organisation": str(cert.content.get("organisation", "")),
        "level": cert.level,
        "body": str(cert.content.get("body", "")),
        "issued_on": cert.issued_on,
        "valid_until": cert.valid_until,
        "status": rules.shown_status(cert.status, cert.valid_until, clock.today()),
        "status_changed_on": cert.status_changed_on,
        "superseded_by": selectors.successor_number(cert),
        "content": content,
        "content_hash": cert.content_hash,
        "intact": selectors.content_intact(cert),
        "content_sm2": cert.content_sm2,
        "content_sm2_valid": selectors.content_signature_ok(cert),
        "verify_url": printing.verify_url(cert.number),
    }


def public_values(cert: LevelCertificate) -> dict[str, Any]:
    """What anyone may read: the printed facts and the status (SPEC §6), never the application,
    the person's internal id or the panel's score."""
    return shown_values(cert, rules.public_facts(cert.content))


def scoped_values(cert: LevelCertificate) -> dict[str, Any]:
    """What the certificate's readers in scope see: its whole frozen content."""
    return shown_values(cert, {k: str(v) for k, v in cert.content.items() if k != "holder_id"})


def certificate_out(cert: LevelCertificate) -> LevelCertificateOut:
    return LevelCertificateOut(
        **scoped_values(cert),
        id=cert.public_id,
        application=cert.application.public_id if cert.application else None,
        migrated=cert.migrated,
        status_reason=cert.status_reason,
        actions=[
            ActionOut(
                id=a.public_id,
                action=SupervisionAction.Action(a.action),
                ground=SupervisionAction.Ground(a.ground),
                reason=a.reason,
                decided_on=a.decided_on,
            )
            for a in cert.actions.all()
        ],
        continuing=selectors.continuing_years(cert),
        audit=audit_out(selectors.CERTIFICATE, cert.public_id),
        review_requests=[review_request_out(r) for r in selectors.review_requests_of(cert)],
        listing_notices=[
            ListingNoticeOut(id=n.public_id, summary=n.summary, notified_at=n.created_at)
            for n in cert.listing_notices.all()
        ],
    )


def review_request_out(r: ReviewRequest) -> ReviewRequestOut:
    return ReviewRequestOut(
        id=r.public_id,
        source=ReviewRequest.Source(r.source),
        reason=r.reason,
        accident_date=r.accident_date,
        reported_by=r.reported_by,
        opened_at=r.created_at,
        closed_at=r.closed_at,
        outcome=ReviewRequest.Outcome(r.outcome) if r.outcome else None,
        action=r.action.public_id if r.action else None,
        finding=r.finding,
        has_evidence=bool(r.finding_evidence),
    )


def appeal_out(appeal: Any) -> CertificationAppealOut:
    return CertificationAppealOut(
        id=appeal.public_id, status=appeal.status, grounds=appeal.grounds, decision=appeal.decision
    )
