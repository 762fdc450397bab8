from django.urls import path

from cqo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_second_factor, name="login_second_factor"),
    path("two-factor/", views.second_factor_enrol, name="second_factor_enrol"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("regions/", views.region_picker_part, name="region_picker"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token_revoke"),
]
