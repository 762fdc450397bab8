from django.urls import path

from cqo.registry import views

app_name = "registry"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<str:uscc>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<str:uscc>/remind/", views.enterprise_remind, name="enterprise_remind"),
    path("enterprises/<str:uscc>/clerk/", views.enterprise_clerk, name="enterprise_clerk"),
    path("reminders/<int:pk>/read/", views.reminder_read, name="reminder_read"),
    path("persons/", views.person_list, name="person_list"),
    path("persons/invite/", views.person_invite, name="person_invite"),
    path("persons/<str:public_id>/photo/", views.person_photo, name="person_photo"),
    path("persons/<str:public_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<str:public_id>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("register/", views.register, name="register"),
    path("register/claim/<str:token>/", views.person_claim, name="person_claim"),
    path("filings/", views.appointment_list, name="appointment_list"),
    path("filings/new/", views.appointment_create, name="appointment_create"),
    path("filings/prepare/", views.filing_prepare, name="filing_prepare"),
    path("filings/<str:public_id>/", views.appointment_detail, name="appointment_detail"),
    path("filings/<str:public_id>/edit/", views.appointment_edit, name="appointment_edit"),
    path("filings/<str:public_id>/form.pdf", views.appointment_pdf, name="appointment_pdf"),
    path(
        "filings/<str:public_id>/authorisation.pdf",
        views.appointment_authorisation,
        name="appointment_authorisation",
    ),
    path("filings/<str:public_id>/scan/", views.appointment_scan, name="appointment_scan"),
    path(
        "filings/<str:public_id>/prepared/edit/",
        views.filing_prepared_edit,
        name="filing_prepared_edit",
    ),
    path("filings/<str:public_id>/declare/", views.filing_declare, name="filing_declare"),
    path(
        "filings/<str:public_id>/preparation/<str:step>/",
        views.filing_preparation_step,
        name="filing_preparation_step",
    ),
    path(
        "filings/<str:public_id>/<str:action>/",
        views.appointment_transition,
        name="appointment_transition",
    ),
]
