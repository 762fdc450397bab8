from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "cqo.certification"
    verbose_name = "能力水平认定"
