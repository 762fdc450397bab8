from django.urls import path

from cqo.certification import views

app_name = "certification"

APP = "certification/applications/<uuid:public_id>/"
CERT = "certification/certificates/<str:number>/"
BODY = "certification/bodies/<uuid:public_id>/"

urlpatterns = [
    path("certification/", views.index, name="index"),
    path("certification/applications/", views.queue, name="queue"),
    path("certification/applications/new/", views.application_new, name="application_new"),
    path(APP, views.application_detail, name="application_detail"),
    path(APP + "edit/", views.application_edit, name="application_edit"),
    path(APP + "periods/", views.period_add, name="period_add"),
    path(APP + "periods/<int:period_id>/delete/", views.period_delete, name="period_delete"),
    path(APP + "evidence/", views.evidence_add, name="evidence_add"),
    path(APP + "evidence/<uuid:evidence_id>/", views.evidence_file, name="evidence_file"),
    path(
        APP + "evidence/<uuid:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"
    ),
    path(APP + "submit/", views.application_submit, name="application_submit"),
    path(APP + "withdraw/", views.application_withdraw, name="application_withdraw"),
    path(APP + "return/", views.review_return, name="review_return"),
    path(APP + "accept/", views.review_accept, name="review_accept"),
    path(APP + "panel/", views.panel_set, name="panel_set"),
    path(APP + "assessment/", views.assessment_record, name="assessment_record"),
    path(APP + "sheet/", views.sheet, name="sheet"),
    path(APP + "sheet/preview/", views.sheet_preview, name="sheet_preview"),
    path(APP + "report/", views.report_sign, name="report_sign"),
    path(APP + "issue/", views.certificate_issue, name="certificate_issue"),
    path(APP + "appeal/", views.application_appeal, name="application_appeal"),
    path(
        "certification/appeals/<uuid:public_id>/decide/", views.appeal_decide, name="appeal_decide"
    ),
    path(
        "certification/actions/<uuid:public_id>/appeal/", views.action_appeal, name="action_appeal"
    ),
    path("certification/mine/", views.mine, name="mine"),
    path(
        "certification/recommendations/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "certification/recommendations/<uuid:public_id>/withdraw/",
        views.recommendation_withdraw,
        name="recommendation_withdraw",
    ),
    path("certification/certificates/", views.certificate_list, name="certificate_list"),
    path(CERT, views.certificate_detail, name="certificate_detail"),
    path(CERT + "certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path(CERT + "supervise/", views.certificate_supervise, name="certificate_supervise"),
    path(CERT + "warning/", views.certificate_warning, name="certificate_warning"),
    path(CERT + "accident-report/", views.accident_report, name="accident_report"),
    path(CERT + "review/", views.certificate_review, name="certificate_review"),
    path(
        CERT + "review-requests/<uuid:request_id>/close/",
        views.review_request_close,
        name="review_request_close",
    ),
    path(CERT + "reissue/", views.certificate_reissue, name="certificate_reissue"),
    path(CERT + "recommend/", views.certificate_recommend, name="certificate_recommend"),
    path("certification/bodies/", views.body_list, name="body_list"),
    path("certification/bodies/new/", views.body_new, name="body_new"),
    path(BODY, views.body_detail, name="body_detail"),
    path(BODY + "members/", views.member_add, name="member_add"),
    path(BODY + "members/<int:member_id>/remove/", views.member_remove, name="member_remove"),
    path(BODY + "experts/", views.expert_add, name="expert_add"),
    path(BODY + "experts/<uuid:expert_id>/toggle/", views.expert_toggle, name="expert_toggle"),
    path("verify/certificate/", views.verify_lookup, name="verify_lookup"),
    path("verify/certificate/<str:number>/", views.verify, name="verify"),
]
