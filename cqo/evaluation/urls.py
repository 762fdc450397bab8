from django.urls import path

from cqo.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("evaluation/", views.index, name="index"),
    path("evaluation/e/<str:uscc>/", views.enterprise, name="enterprise"),
    path("evaluation/e/<str:uscc>/evaluations/new/", views.evaluation_new, name="evaluation_new"),
    path("evaluation/e/<str:uscc>/settings/", views.settings_edit, name="settings"),
    path(
        "evaluation/e/<str:uscc>/self-assessments/new/",
        views.assessment_new,
        name="assessment_new",
    ),
    path(
        "evaluation/e/<str:uscc>/self-assessments/compare/",
        views.assessment_compare,
        name="assessment_compare",
    ),
    path("evaluation/e/<str:uscc>/quality/", views.quality, name="quality"),
    path("evaluation/e/<str:uscc>/quality/losses/", views.losses, name="losses"),
    path(
        "evaluation/e/<str:uscc>/quality/losses/<uuid:public_id>/delete/",
        views.loss_delete,
        name="loss_delete",
    ),
    path(
        "evaluation/evaluations/<uuid:public_id>/",
        views.evaluation_detail,
        name="evaluation_detail",
    ),
    path(
        "evaluation/evaluations/<uuid:public_id>/form.pdf",
        views.evaluation_pdf,
        name="evaluation_pdf",
    ),
    path(
        "evaluation/evaluations/<uuid:public_id>/end-appointment/",
        views.evaluation_end,
        name="evaluation_end",
    ),
    path(
        "evaluation/self-assessments/<uuid:public_id>/",
        views.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "evaluation/tasks/<uuid:public_id>/<str:action>/",
        views.task_action,
        name="task_action",
    ),
]
