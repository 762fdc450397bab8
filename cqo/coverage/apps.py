from django.apps import AppConfig


class CoverageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cqo.coverage"
    verbose_name = "Coverage"

    def ready(self) -> None:
        from cqo.audit.services import follow
        from cqo.coverage.aggregate import AUDIT_TYPES

        follow("cqo.coverage.tasks.coverage_follow", AUDIT_TYPES)
