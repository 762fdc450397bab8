from django.urls import path

from cqo.coverage import views

app_name = "coverage"

urlpatterns = [
    path("coverage/", views.coverage_page, name="coverage"),
    path("coverage/report/", views.report_download, name="report"),
    path("coverage/targets/", views.targets_page, name="targets"),
    path("coverage/targets/<str:public_id>/delete/", views.target_delete, name="target_delete"),
]
