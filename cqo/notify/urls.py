from django.urls import path

from cqo.notify import views

app_name = "notify"

urlpatterns = [
    path("notices/", views.my_notices, name="mine"),
    path("notices/outbox/", views.outbox, name="outbox"),
    path("notices/outbox/<uuid:public_id>/resend/", views.outbox_resend, name="resend"),
]
