from django.urls import path

from cqo.community import views

app_name = "community"

urlpatterns = [
    path("community/", views.index, name="index"),
    path("community/alliances/new/", views.alliance_create, name="alliance_create"),
    path("community/alliances/<uuid:public_id>/", views.alliance_detail, name="alliance_detail"),
    path(
        "community/alliances/<uuid:public_id>/join/",
        views.membership_apply,
        name="membership_apply",
    ),
    path("community/alliances/<uuid:public_id>/members/", views.members, name="members"),
    path(
        "community/alliances/<uuid:public_id>/events/new/",
        views.event_create,
        name="event_create",
    ),
    path("community/alliances/<uuid:public_id>/posts/", views.post_list, name="post_list"),
    path("community/alliances/<uuid:public_id>/posts/new/", views.post_create, name="post_create"),
    path(
        "community/memberships/<uuid:public_id>/decide/",
        views.membership_decide,
        name="membership_decide",
    ),
    path(
        "community/memberships/<uuid:public_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "community/memberships/<uuid:public_id>/leave/",
        views.membership_leave,
        name="membership_leave",
    ),
    path("community/events/", views.event_list, name="event_list"),
    path("community/events/<uuid:public_id>/", views.event_detail, name="event_detail"),
    path(
        "community/events/<uuid:public_id>/register/", views.event_register, name="event_register"
    ),
    path(
        "community/events/<uuid:public_id>/attendance/",
        views.event_attendance,
        name="event_attendance",
    ),
    path("community/events/<uuid:public_id>/cancel/", views.event_cancel, name="event_cancel"),
    path(
        "community/registrations/<uuid:public_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("community/posts/<uuid:public_id>/", views.post_detail, name="post_detail"),
    path("community/posts/<uuid:public_id>/answer/", views.answer_create, name="answer_create"),
    path("community/answers/<uuid:public_id>/accept/", views.answer_accept, name="answer_accept"),
    path(
        "community/posts/<uuid:public_id>/moderate/",
        views.moderate,
        {"kind": "post"},
        name="post_moderate",
    ),
    path(
        "community/answers/<uuid:public_id>/moderate/",
        views.moderate,
        {"kind": "answer"},
        name="answer_moderate",
    ),
    path("community/competitions/", views.competition_list, name="competition_list"),
    path("community/competitions/new/", views.competition_create, name="competition_create"),
    path(
        "community/competitions/<uuid:public_id>/",
        views.competition_detail,
        name="competition_detail",
    ),
    path(
        "community/competitions/<uuid:public_id>/submit/",
        views.submission_create,
        name="submission_create",
    ),
    path(
        "community/competitions/<uuid:public_id>/publish/",
        views.competition_publish,
        name="competition_publish",
    ),
    path(
        "community/submissions/<uuid:public_id>/",
        views.submission_detail,
        name="submission_detail",
    ),
    path(
        "community/submissions/<uuid:public_id>/score/",
        views.submission_score,
        name="submission_score",
    ),
    path(
        "community/submissions/<uuid:public_id>/withdraw/",
        views.submission_withdraw,
        name="submission_withdraw",
    ),
    path(
        "community/attachments/<uuid:public_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("cases/", views.library, name="library"),
    path("cases/<uuid:public_id>/", views.library_detail, name="library_detail"),
]
