from django.urls import path

from cqo.blacklist import views

app_name = "blacklist"

urlpatterns = [
    path("blacklist/", views.listing_list, name="listing_list"),
    path("blacklist/new/", views.listing_create, name="listing_create"),
    path("blacklist/<uuid:public_id>/", views.listing_detail, name="listing_detail"),
    path("blacklist/<uuid:public_id>/evidence/", views.listing_evidence, name="listing_evidence"),
    path("blacklist/<uuid:public_id>/revoke/", views.listing_revoke, name="listing_revoke"),
    path("blacklist/<uuid:public_id>/end-date/", views.listing_end_date, name="listing_end_date"),
    path("blacklist/<uuid:public_id>/appeal/", views.appeal_create, name="appeal_create"),
    path("blacklist/appeals/<uuid:public_id>/decide/", views.appeal_decide, name="appeal_decide"),
    path(
        "blacklist/appeals/<uuid:public_id>/attachment/",
        views.appeal_attachment,
        name="appeal_attachment",
    ),
    path("public/blacklist/", views.public_list, name="public_list"),
]
