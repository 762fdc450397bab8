from django.apps import AppConfig


class CoverageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cqo.coverage"
    verbose_name = "Coverage"
