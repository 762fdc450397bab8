from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "cqo.talent"
    verbose_name = "人才库"
