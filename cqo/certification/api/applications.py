"""Applications from the draft to the certificate (level-standard §9.1–§9.4), and appeals."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from cqo.accounts.api import ERRORS
from cqo.certification import selectors, services
from cqo.certification.api.outputs import (
    appeal_out,
    application_item,
    application_out,
    certificate_out,
)
from cqo.certification.api.schemas import (
    AppealDecideIn,
    ApplicationFilters,
    ApplicationIn,
    ApplicationItem,
    ApplicationOut,
    ApplicationPage,
    ApplicationReturnIn,
    ApplicationUpdateIn,
    AssessmentRecordIn,
    CertificationAppealIn,
    CertificationAppealOut,
    EvidenceKind,
    LevelCertificateOut,
    PanelIn,
    PeriodIn,
    ReportIn,
    SheetIn,
)
from cqo.certification.models import (
    Application,
    Evidence,
)
from cqo.lib.bounds import max_length
from cqo.reference.apitypes import RecordKey
from cqo.registry.api.common import actor, page

router = Router()


# Applications ---------------------------------------------------------------------------------


def app_in_scope(request: HttpRequest, app_id: uuid.UUID) -> tuple[Any, Application]:
    user = actor(request)
    return user, selectors.application_get(user=user, public_id=app_id)


@router.get("/certification/applications", response={200: ApplicationPage, **ERRORS})
def application_list(request: HttpRequest, filters: Query[ApplicationFilters]) -> dict[str, Any]:
    qs = selectors.application_list(
        user=actor(request),
        status=filters.status or "",
        level=filters.level or "",
        q=filters.q.strip(),
    )
    count, items = page(qs, filters)
    return {"count": count, "items": [ApplicationItem(**application_item(a)) for a in items]}


def application_terms(payload: ApplicationIn) -> services.ApplicationTerms:
    return services.ApplicationTerms(
        enterprise=payload.enterprise,
        level_applied=str(payload.level_applied),
        education_training=payload.education_training,
        work_summary=payload.work_summary,
        quality_experience=payload.quality_experience,
        performance=payload.performance,
        recommendation=payload.recommendation,
        recommender=payload.recommender,
        declares_technical=payload.declares_technical,
        declares_qms=payload.declares_qms,
        declares_no_disqualification=payload.declares_no_disqualification,
        declaration_note=payload.declaration_note,
    )


@router.post("/certification/applications", response={201: ApplicationOut, **ERRORS})
def application_create(request: HttpRequest, payload: ApplicationIn) -> Status[ApplicationOut]:
    """A CQO drafts an application (SPEC §12.21: serving or prospective, with the organisation's
    recommendation)."""
    user = actor(request)
    app = services.application_create(
        actor=user, body=payload.body, terms=application_terms(payload)
    )
    return Status(201, application_out(user, app))


@router.get("/certification/applications/{app_id}", response={200: ApplicationOut, **ERRORS})
def application_detail(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    user, app = app_in_scope(request, app_id)
    return application_out(user, app)


@router.put("/certification/applications/{app_id}", response={200: ApplicationOut, **ERRORS})
def application_update(
    request: HttpRequest, app_id: uuid.UUID, payload: ApplicationUpdateIn
) -> ApplicationOut:
    user, app = app_in_scope(request, app_id)
    return application_out(
        user, services.application_update(actor=user, app=app, terms=application_terms(payload))
    )


@router.post(
    "/certification/applications/{app_id}/periods", response={201: ApplicationOut, **ERRORS}
)
def period_add(
    request: HttpRequest, app_id: uuid.UUID, payload: PeriodIn
) -> Status[ApplicationOut]:
    user, app = app_in_scope(request, app_id)
    services.period_add(
        actor=user,
        app=app,
        organisation=payload.organisation,
        post=payload.post,
        kind=str(payload.kind),
        start=payload.start,
        end=payload.end,
    )
    app.refresh_from_db()
    return Status(201, application_out(user, app))


@router.delete(
    "/certification/applications/{app_id}/periods/{period_id}",
    response={200: ApplicationOut, **ERRORS},
)
def period_delete(request: HttpRequest, app_id: uuid.UUID, period_id: RecordKey) -> ApplicationOut:
    user, app = app_in_scope(request, app_id)
    services.period_delete(actor=user, app=app, period_id=period_id)
    app.refresh_from_db()
    return application_out(user, app)


@router.post(
    "/certification/applications/{app_id}/evidence", response={201: ApplicationOut, **ERRORS}
)
def evidence_add(
    request: HttpRequest,
    app_id: uuid.UUID,
    kind: Form[EvidenceKind],
    title: Annotated[str, Form(min_length=1, max_length=max_length(Evidence, "title"))],
    file: File[UploadedFile],
) -> Status[ApplicationOut]:
    """Multipart: kind, title, file (PDF/JPG/PNG, ≤ 20 MB)."""
    user, app = app_in_scope(request, app_id)
    services.evidence_add(actor=user, app=app, kind=str(kind), title=title, upload=file)
    app.refresh_from_db()
    return Status(201, application_out(user, app))


def transition(request: HttpRequest, app_id: uuid.UUID, fn: Any, **kwargs: Any) -> ApplicationOut:
    user, app = app_in_scope(request, app_id)
    return application_out(user, fn(actor=user, app=app, **kwargs))


@router.post(
    "/certification/applications/{app_id}/submit", response={200: ApplicationOut, **ERRORS}
)
def application_submit(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    """§9.1 and §5: a blocking unmet condition is a 422 on ``eligibility`` citing the clause."""
    return transition(request, app_id, services.application_submit)


@router.post(
    "/certification/applications/{app_id}/withdraw", response={200: ApplicationOut, **ERRORS}
)
def application_withdraw(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    return transition(request, app_id, services.application_withdraw)


@router.post(
    "/certification/applications/{app_id}/return", response={200: ApplicationOut, **ERRORS}
)
def review_return(
    request: HttpRequest, app_id: uuid.UUID, payload: ApplicationReturnIn
) -> ApplicationOut:
    return transition(request, app_id, services.review_return, items=payload.items)


@router.post(
    "/certification/applications/{app_id}/accept", response={200: ApplicationOut, **ERRORS}
)
def review_accept(request: HttpRequest, app_id: uuid.UUID) -> ApplicationOut:
    return transition(request, app_id, services.review_accept)


@router.post("/certification/applications/{app_id}/panel", response={200: ApplicationOut, **ERRORS})
def panel_set(request: HttpRequest, app_id: uuid.UUID, payload: PanelIn) -> ApplicationOut:
    user, app = app_in_scope(request, app_id)
    services.panel_set(actor=user, app=app, experts=list(payload.experts), leader=payload.leader)
    app.refresh_from_db()
    return application_out(user, app)


@router.post(
    "/certification/applications/{app_id}/assessment", response={200: ApplicationOut, **ERRORS}
)
def assessment_record(
    request: HttpRequest, app_id: uuid.UUID, payload: AssessmentRecordIn
) -> ApplicationOut:
    return transition(
        request,
        app_id,
        services.assessment_record,
        kind=payload.kind,
        on=payload.on,
        notes=payload.notes,
    )


@router.put("/certification/applications/{app_id}/sheet", response={200: ApplicationOut, **ERRORS})
def sheet_save(request: HttpRequest, app_id: uuid.UUID, payload: SheetIn) -> ApplicationOut:
    """The calling expert's scoring sheet; errors keyed by the cell code."""
    user, app = app_in_scope(request, app_id)
    services.sheet_save(
        actor=user,
        app=app,
        scores=tuple(payload.scores.items()),
        comments=payload.comments,
        submit=payload.submit,
    )
    app.refresh_from_db()
    return application_out(user, app)


@router.post(
    "/certification/applications/{app_id}/report", response={200: ApplicationOut, **ERRORS}
)
def report_sign(request: HttpRequest, app_id: uuid.UUID, payload: ReportIn) -> ApplicationOut:
    return transition(request, app_id, services.report_sign, report=payload.report)


@router.post(
    "/certification/applications/{app_id}/issue", response={201: LevelCertificateOut, **ERRORS}
)
def certificate_issue(request: HttpRequest, app_id: uuid.UUID) -> Status[LevelCertificateOut]:
    user, app = app_in_scope(request, app_id)
    return Status(201, certificate_out(services.certificate_issue(actor=user, app=app)))


@router.post(
    "/certification/applications/{app_id}/appeals", response={201: CertificationAppealOut, **ERRORS}
)
def application_appeal(
    request: HttpRequest, app_id: uuid.UUID, payload: CertificationAppealIn
) -> Status[CertificationAppealOut]:
    user, app = app_in_scope(request, app_id)
    return Status(
        201, appeal_out(services.appeal_submit(actor=user, app=app, grounds=payload.grounds))
    )


@router.post(
    "/certification/appeals/{appeal_id}/decide", response={200: CertificationAppealOut, **ERRORS}
)
def appeal_decide(
    request: HttpRequest, appeal_id: uuid.UUID, payload: AppealDecideIn
) -> CertificationAppealOut:

    user = actor(request)
    appeal = selectors.appeal_found(appeal_id)
    # the appeal is visible only through its application or certificate
    if appeal.application is not None:
        selectors.application_get(user=user, public_id=appeal.application.public_id)
    elif appeal.action is not None:
        selectors.certificate_get(user=user, number=appeal.action.certificate.number)
    return appeal_out(
        services.appeal_decide(
            actor=user, appeal=appeal, upheld=payload.upheld, decision=payload.decision
        )
    )
