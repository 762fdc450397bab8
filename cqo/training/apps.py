from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "cqo.training"
    verbose_name = "培训"
