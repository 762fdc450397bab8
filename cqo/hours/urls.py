from django.urls import path

from cqo.hours import views

app_name = "hours"

urlpatterns = [
    path("hours/", views.hours_index, name="index"),
    path("hours/new/", views.hours_new, name="new"),
    path("hours/reminders/<int:pk>/read/", views.reminder_read, name="reminder_read"),
    path("hours/<uuid:public_id>/", views.record_detail, name="record_detail"),
    path("hours/<uuid:public_id>/correct/", views.record_correct, name="record_correct"),
    path("hours/<uuid:public_id>/proof.json", views.record_bundle, name="record_bundle"),
    path("hours/<uuid:public_id>/proof.pdf", views.record_proof_pdf, name="record_proof_pdf"),
]
