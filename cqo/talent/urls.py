from django.urls import path

from cqo.talent import views

app_name = "talent"

urlpatterns = [
    path("talent/", views.talent_search, name="search"),
    path("talent/recommend/<uuid:public_id>/", views.recommend, name="recommend"),
    path("talent/entries/<uuid:public_id>/", views.entry_detail, name="entry_detail"),
    path("talent/entries/<uuid:public_id>/decide/", views.entry_decide, name="entry_decide"),
]
