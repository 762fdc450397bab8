from django.urls import path

from cqo.policy import views

app_name = "policy"

urlpatterns = [
    path("", views.pack_index, name="pack_index"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/pack.toml", views.version_source, name="version_source"),
    path("governing/", views.governing_lookup, name="governing"),
    path("eligibility/", views.eligibility_check, name="eligibility"),
]
