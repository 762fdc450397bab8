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
]
