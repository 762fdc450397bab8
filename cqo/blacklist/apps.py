from django.apps import AppConfig


class BlacklistConfig(AppConfig):
    name = "cqo.blacklist"
    verbose_name = "警示与退出"
