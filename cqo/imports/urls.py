from django.urls import path

from cqo.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/enterprises/", views.list_index, name="list_index"),
    path("imports/enterprises/template.xlsx", views.template_download, name="template"),
    path("imports/enterprises/<uuid:public_id>/", views.list_detail, name="list_detail"),
    path(
        "imports/enterprises/<uuid:public_id>/progress/",
        views.list_progress,
        name="list_progress",
    ),
    path("imports/enterprises/<uuid:public_id>/errors.xlsx", views.list_errors, name="list_errors"),
    path("imports/legacy/", views.legacy_index, name="legacy_index"),
    path("imports/legacy/template/<str:kind>.xlsx", views.legacy_template, name="legacy_template"),
    path("imports/legacy/<uuid:public_id>/", views.legacy_detail, name="legacy_detail"),
    path(
        "imports/legacy/<uuid:public_id>/progress/",
        views.legacy_progress,
        name="legacy_progress",
    ),
    path("imports/legacy/<uuid:public_id>/errors.xlsx", views.legacy_errors, name="legacy_errors"),
    path("imports/legacy/<uuid:public_id>/confirm/", views.legacy_confirm, name="legacy_confirm"),
]
