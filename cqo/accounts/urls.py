from django.contrib.auth import views as auth_views
from django.urls import path

from cqo.accounts import views
from cqo.accounts.forms import ThrottledAuthenticationForm

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("regions/", views.region_picker_part, name="region_picker"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token_revoke"),
]
