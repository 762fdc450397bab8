from django.urls import path

from cqo.portal import trail, views

app_name = "portal"

urlpatterns = [
    path("persons/<str:public_id>/", views.person_detail, name="person_detail"),
    path("oversight/", views.oversight, name="oversight"),
    path("security/compliance/", views.compliance, name="compliance"),
    # the audit administrator's (三员分立): the whole audit trail and its export
    path("audit/", trail.audit_trail, name="audit_trail"),
]
