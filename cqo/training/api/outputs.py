"""Building the training API's responses from records in scope."""

from __future__ import annotations

from typing import Any

from cqo.registry.api.schemas import AuditOut
from cqo.training import printing, selectors
from cqo.training.api.schemas import (
    CourseOut,
    EnrolmentOut,
    SessionOut,
    TrainingCertificateOut,
    TrainingPlanOut,
)
from cqo.training.models import (
    Course,
    Enrolment,
    Method,
    Session,
    TrainingCertificate,
    TrainingPlan,
)

# Building responses ---------------------------------------------------------------------------


def plan_out(plan: TrainingPlan) -> TrainingPlanOut:
    return TrainingPlanOut(
        id=plan.public_id,
        region=plan.region_id,
        organisation=plan.organisation,
        year=plan.year,
        budget=plan.budget,
        planned_sessions=plan.planned_sessions,
        delivered_sessions=getattr(plan, "delivered", 0),
        notes=plan.notes,
    )


def session_out(session: Session) -> SessionOut:
    enrolled = getattr(session, "enrolled", None)
    return SessionOut(
        id=session.public_id,
        course=session.course.public_id,
        course_title=session.course.title,
        start_date=session.start_date,
        end_date=session.end_date,
        place=session.place,
        capacity=session.capacity,
        enrolled=enrolled if enrolled is not None else session.enrolments.count(),
        status=Session.Status(session.status),
    )


def course_out(user: Any, course: Course, with_sessions: bool = True) -> CourseOut:
    sessions = selectors.session_list(user=user, course=course) if with_sessions else []
    return CourseOut(
        id=course.public_id,
        title=course.title,
        tier=course.tier,
        region=course.region_id,
        organiser=course.organiser_name,
        institution=selectors.body_name(course.institution) if course.institution else None,
        forms=list(course.forms),
        hours=course.hours,
        method=Method(course.method),
        pass_mark=course.pass_mark,
        min_attendance=course.min_attendance,
        plan=course.plan.public_id if course.plan else None,
        description=course.description,
        sessions=[session_out(s) for s in sessions],
    )


def enrolment_out(e: Enrolment) -> EnrolmentOut:
    valid = getattr(e, "valid_certificates", None)
    cert = (
        valid[0] if valid else (None if valid is not None else selectors.valid_certificate_for(e))
    )
    return EnrolmentOut(
        id=e.public_id,
        session=e.session.public_id,
        person=e.person.public_id,
        person_name=e.person.name,
        id_number_masked=e.person.id_number_masked,
        enrolled_at=e.enrolled_at,
        attendance=e.attendance,
        score=e.score,
        passed=e.passed,
        study_record=e.study_record.public_id if e.study_record else None,
        ledger_index=e.study_record.ledger_index if e.study_record else None,
        certificate=cert.number if cert else None,
    )


def public_values(cert: TrainingCertificate, content: dict[str, str]) -> dict[str, Any]:
    return {
        "number": cert.number,
        "status": TrainingCertificate.Status(cert.status),
        "revoked_at": cert.revoked_at,
        "content": content,
        "content_hash": cert.content_hash,
        "intact": selectors.content_intact(cert),
        "content_sm2": cert.content_sm2,
        "content_sm2_valid": selectors.content_signature_ok(cert),
        "verify_url": printing.verify_url(cert.number),
    }


def certificate_out(cert: TrainingCertificate) -> TrainingCertificateOut:
    trail = selectors.trail(selectors.CERTIFICATE, cert.public_id)
    return TrainingCertificateOut(
        **public_values(cert, {str(k): str(v) for k, v in cert.content.items()}),
        id=cert.public_id,
        enrolment=cert.enrolment.public_id if cert.enrolment else None,
        holder=cert.holder.public_id,
        issuer_kind=TrainingCertificate.IssuerKind(cert.issuer_kind) if cert.issuer_kind else None,
        revoke_reason=cert.revoke_reason,
        audit=[
            AuditOut(at=e.at, actor=e.actor_name, action=e.action, changes=e.changes, note=e.note)
            for e in trail
        ],
    )
