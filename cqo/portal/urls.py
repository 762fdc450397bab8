from django.urls import path

from cqo.portal import views

app_name = "portal"

urlpatterns = [
    path("persons/<str:public_id>/", views.person_detail, name="person_detail"),
    path("oversight/", views.oversight, name="oversight"),
    path("security/compliance/", views.compliance, name="compliance"),
]
