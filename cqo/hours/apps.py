from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "cqo.hours"
    verbose_name = "学时"
