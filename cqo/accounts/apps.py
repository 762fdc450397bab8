from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cqo.accounts"
    verbose_name = "账户"
