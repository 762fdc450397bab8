from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "cqo.imports"
    verbose_name = "名录导入"
