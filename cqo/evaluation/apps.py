from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "cqo.evaluation"
    verbose_name = "企业评价与自评"
