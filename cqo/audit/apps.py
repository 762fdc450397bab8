from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cqo.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from cqo.audit import checks  # noqa: F401  (registers the system checks)
