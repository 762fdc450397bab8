from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "cqo.audit"
    verbose_name = "审计日志"
