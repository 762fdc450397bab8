from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "cqo.reference"
    verbose_name = "参考数据"
