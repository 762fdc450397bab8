from django.urls import path

from cqo.training import views

app_name = "training"

urlpatterns = [
    path("training/plans/", views.plan_list, name="plan_list"),
    path("training/plans/new/", views.plan_create, name="plan_create"),
    path("training/plans/<uuid:public_id>/", views.plan_detail, name="plan_detail"),
    path("training/courses/", views.course_list, name="course_list"),
    path("training/courses/new/", views.course_create, name="course_create"),
    path("training/courses/<uuid:public_id>/", views.course_detail, name="course_detail"),
    path(
        "training/courses/<uuid:public_id>/sessions/",
        views.session_create,
        name="session_create",
    ),
    path("training/sessions/", views.session_list, name="session_list"),
    path("training/sessions/<uuid:public_id>/", views.session_detail, name="session_detail"),
    path("training/sessions/<uuid:public_id>/status/", views.session_status, name="session_status"),
    path("training/sessions/<uuid:public_id>/enrol/", views.session_enrol, name="session_enrol"),
    path("training/sessions/<uuid:public_id>/join/", views.session_join, name="session_join"),
    path(
        "training/sessions/<uuid:public_id>/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "training/sessions/<uuid:public_id>/results/",
        views.session_results,
        name="session_results",
    ),
    path(
        "training/enrolments/<uuid:public_id>/certificate/",
        views.certificate_issue,
        name="certificate_issue",
    ),
    path("training/certificates/", views.certificate_list, name="certificate_list"),
    path(
        "training/certificates/<str:number>/",
        views.certificate_detail,
        name="certificate_detail",
    ),
    path(
        "training/certificates/<str:number>/certificate.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "training/certificates/<str:number>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("training/qualifications/", views.qualification_list, name="qualification_list"),
    path(
        "training/qualifications/new/",
        views.qualification_create,
        name="qualification_create",
    ),
    path(
        "training/qualifications/<uuid:public_id>/",
        views.qualification_detail,
        name="qualification_detail",
    ),
    path("training/mine/", views.my_training, name="my_training"),
    path("verify/training/", views.verify_lookup, name="verify_lookup"),
    path("verify/training/<str:number>/", views.verify, name="verify"),
]
