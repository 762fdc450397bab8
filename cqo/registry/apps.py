from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cqo.registry"
    verbose_name = "登记备案"
