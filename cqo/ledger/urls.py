from django.urls import path

from cqo.ledger import views

app_name = "ledger"

urlpatterns = [
    path("ledger/", views.index, name="index"),
    path("ledger/verify/", views.verify, name="verify"),
]
